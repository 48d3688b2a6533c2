/** How a numeric cell was read. */
export type NumericCellKind = 'value' | 'missing' | 'infinite' | 'invalid';

// Spellings of "no value" seen in flow exports: pandas, R, Argus ("-"), KDD ("?").
const MISSING_TOKENS = new Set(['', 'nan', '-nan', '-', '?', 'na', 'n/a', 'null', 'none']);
const INFINITE_TOKENS = new Set(['inf', '+inf', '-inf', 'infinity', '+infinity', '-infinity']);

/** The largest finite float32; beyond it a value would be stored as Infinity. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Classifies a cell that `Number()` did not read as a finite value (the slow path; the builder tries
 * `+cell` first). Infinity counts as its own kind because CICFlowMeter writes it for rates over
 * zero-length flows: it is stored as missing but reported, as it says something about the data.
 */
export function classifyNumericCell(cell: string): NumericCellKind {
  const v = cell.length === 0 ? Number.NaN : +cell;
  if (v !== v) {
    const token = cell.trim().toLowerCase();
    if (MISSING_TOKENS.has(token)) return 'missing';
    if (INFINITE_TOKENS.has(token)) return 'infinite';
    return 'invalid';
  }
  if (!(Math.abs(v) <= FLOAT32_MAX)) return 'infinite';
  // Number('  ') is 0: a blank cell is missing, not zero.
  if (v === 0 && cell.trim().length === 0) return 'missing';
  return 'value';
}
