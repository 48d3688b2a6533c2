/** Code returned for an empty categorical cell. */
export const CATEGORY_MISSING = -1;
/** Code returned for a value absent from a frozen (reused) vocabulary. */
export const CATEGORY_UNSEEN = -2;

/**
 * The string → code table of one categorical column. Learned vocabularies grow in order of first
 * appearance and are sorted at the end ({@link CategoryVocabulary.sortCodes}) so that the same data
 * gives the same codes whatever the row order; reused ones are frozen.
 */
export class CategoryVocabulary {
  readonly values: string[];
  readonly frozen: boolean;
  private readonly codes = new Map<string, number>();

  constructor(reuse?: readonly string[]) {
    this.frozen = reuse !== undefined;
    this.values = reuse ? [...reuse] : [];
    this.values.forEach((v, i) => {
      this.codes.set(v, i);
    });
  }

  /** Code of a raw cell; CATEGORY_MISSING when blank, CATEGORY_UNSEEN when frozen and unknown. */
  code(cell: string): number {
    const hit = this.codes.get(cell);
    if (hit !== undefined) return hit;
    const value = cell.trim();
    if (value.length === 0) return CATEGORY_MISSING;
    let code = this.codes.get(value);
    if (code === undefined) {
      if (this.frozen) return CATEGORY_UNSEEN;
      code = this.values.length;
      this.values.push(value);
      this.codes.set(value, code);
    }
    // Remember the padded spelling too, so the next " tcp" is a single lookup.
    if (cell !== value) this.codes.set(cell, code);
    return code;
  }

  /** Sorts a learned vocabulary and rewrites `column[0..n)` to the new codes; frozen ones are left. */
  sortCodes(column: Float32Array, n: number): void {
    if (this.frozen) return;
    const order = this.values.map((_, i) => i).sort((a, b) => compare(this.values[a], this.values[b]));
    const newCode = new Float32Array(order.length);
    order.forEach((oldCode, i) => {
      newCode[oldCode] = i;
    });
    const sorted = order.map((i) => this.values[i]);
    for (let i = 0; i < n; i++) {
      const c = column[i];
      if (c === c) column[i] = newCode[c];
    }
    this.values.splice(0, this.values.length, ...sorted);
  }
}

// Code-unit order, not localeCompare: codes must not depend on the ICU build or locale.
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
