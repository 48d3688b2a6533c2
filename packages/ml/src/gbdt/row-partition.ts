import type { GbdtKernelState } from './kernel-state.js';

/** Per-thread lookup table: 1 when a bin code goes left (kept across calls, never reallocated). */
const goesLeft = new Uint8Array(256);

function fillLookup(st: GbdtKernelState, feature: number, bin: number, defaultLeft: boolean): Uint8Array {
  const lut = goesLeft;
  for (let c = 0; c < 256; c++) lut[c] = c <= bin ? 1 : 0;
  // The missing slot follows the value bins, so `c <= bin` never covers it.
  lut[st.binOffsets[feature + 1] - st.binOffsets[feature] - 1] = defaultLeft ? 1 : 0;
  return lut;
}

/**
 * Stable partition by copy of `rows[begin..end)` into `rows[dst..dst + (end − begin))`: left
 * rows ascending from the front, right rows from the back, so the right part comes out in
 * descending order (reverseRows puts it back). One pass, no count needed. Returns the left count.
 * Nothing follows the loop: code after a hot loop lacks type feedback when V8 compiles the loop
 * while it runs, and would send every later call back to the interpreter.
 */
export function partitionRange(
  st: GbdtKernelState,
  begin: number,
  end: number,
  feature: number,
  bin: number,
  defaultLeft: boolean,
  dst: number,
): number {
  const { codes, rows, nRows } = st;
  const lut = fillLookup(st, feature, bin, defaultLeft);
  const col = feature * nRows;
  let l = dst;
  let r = dst + (end - begin) - 1;
  // Both write positions stay inside the unfilled middle of the target, so the extra write of
  // the branch-free step only ever lands where a later row (or this one) goes.
  for (let i = begin; i < end; i++) {
    const row = rows[i];
    const left = lut[codes[col + row]];
    rows[l] = row;
    rows[r] = row;
    l += left;
    r -= 1 - left;
  }
  return l - dst;
}

/** Reverses `rows[from..to)` in place. */
export function reverseRows(rows: Uint32Array, from: number, to: number): void {
  for (let a = from, b = to - 1; a < b; a++, b--) {
    const t = rows[a];
    rows[a] = rows[b];
    rows[b] = t;
  }
}

/**
 * For a split whose children are both leaves: adds `left` or `right` to the margin of each row
 * of `rows[begin..end)` (column `group`) instead of moving the rows.
 */
export function addSplitToMargins(
  st: GbdtKernelState,
  begin: number,
  end: number,
  feature: number,
  bin: number,
  defaultLeft: boolean,
  group: number,
  left: number,
  right: number,
): void {
  const { codes, rows, nRows, margins, nGroups: k } = st;
  const lut = fillLookup(st, feature, bin, defaultLeft);
  const col = feature * nRows;
  // Indexed by the lookup bit: exactly the leaf values (right + (left − right) would round).
  const values = leafPair;
  values[0] = right;
  values[1] = left;
  for (let i = begin; i < end; i++) {
    const row = rows[i];
    margins[row * k + group] += values[lut[codes[col + row]]];
  }
}

const leafPair = new Float64Array(2);
