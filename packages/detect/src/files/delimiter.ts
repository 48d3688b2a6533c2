/** Delimiters a batch file may use. */
export type Delimiter = ',' | '\t' | ';';

const CANDIDATES: readonly Delimiter[] = [',', '\t', ';'];

/** Delimiters in a line, outside double quotes. */
function countOutsideQuotes(line: string, delimiter: string): number {
  let n = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === delimiter && !quoted) n++;
  }
  return n;
}

/**
 * The delimiter of delimited text from its first lines: the candidate (comma, tab, semicolon) found
 * the same number of times (at least once) on every sampled line, preferring the one that yields the
 * most columns; when none is consistent, the one with the highest per-line minimum; comma when the
 * lines hold none (a single-column file).
 */
export function detectDelimiter(lines: readonly string[]): Delimiter {
  const sample = lines.filter((l) => l.trim().length > 0).slice(0, 50);
  if (sample.length === 0) return ',';
  let best: Delimiter = ',';
  let bestScore = -1;
  for (const d of CANDIDATES) {
    const counts = sample.map((l) => countOutsideQuotes(l, d));
    const min = Math.min(...counts);
    if (min === 0) continue;
    const consistent = counts.every((c) => c === counts[0]);
    // Consistent candidates always beat inconsistent ones; then more columns win.
    const score = (consistent ? 1_000_000 : 0) + min;
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

/** A readable name of a delimiter for messages and the API. */
export function delimiterName(d: string): string {
  return d === '\t' ? 'tab' : d === ',' ? 'comma' : d === ';' ? 'semicolon' : JSON.stringify(d);
}
