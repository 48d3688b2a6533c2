import type { BatchSummary, TopEntry } from '../modules/batches/batch-summary.js';

const pct = (n: number, total: number) => (total === 0 ? '0.0%' : `${((100 * n) / total).toFixed(1)}%`);
const num = (n: number) => n.toLocaleString('en-US');

function topList(title: string, entries: readonly TopEntry[]): string[] {
  if (entries.length === 0) return [];
  const width = Math.max(...entries.map((e) => e.value.length), 8);
  return [
    `${title} (most attacks first):`,
    ...entries.map(
      (e) =>
        `  ${e.value.padEnd(width)}  ${num(e.count).padStart(9)} rows  ${num(e.attacks).padStart(9)} attacks`,
    ),
  ];
}

/** The aggregated result of a batch or of `vigil analyze-data`, as text for a terminal. */
export function renderSummary(s: BatchSummary, options: { badRowsShown?: number } = {}): string {
  const scored = s.rows.scored;
  const total = scored + s.rows.bad;
  const lines = [
    `Rows: ${num(total)} (${num(scored)} scored, ${num(s.rows.bad)} bad)`,
    `Verdicts: ${num(s.verdicts.attack)} attack (${pct(s.verdicts.attack, scored)}), ${num(s.verdicts.benign)} benign`,
  ];
  if (s.categories.length > 0) {
    lines.push('Categories:');
    const width = Math.max(...s.categories.map((c) => c.value.length), 8);
    for (const c of s.categories)
      lines.push(
        `  ${c.value.padEnd(width)}  ${num(c.count).padStart(9)}  ${pct(c.count, scored).padStart(6)}`,
      );
  }
  const peak = Math.max(1, ...s.histogram.map((b) => b.count));
  lines.push('Risk score histogram:');
  for (const b of s.histogram) {
    const bar = '#'.repeat(Math.round((40 * b.count) / peak));
    lines.push(
      `  ${String(b.from).padStart(3)}-${String(b.to).padEnd(3)} ${num(b.count).padStart(9)} ${bar}`,
    );
  }
  lines.push(...topList('Top sources', s.topSources));
  lines.push(...topList('Top destinations', s.topDestinations));
  lines.push(...topList('Top domains', s.topDomains));
  if (s.badRows.length > 0) {
    const shown = options.badRowsShown ?? 20;
    lines.push(`Bad rows (first ${Math.min(shown, s.badRows.length)} of ${num(s.rows.bad)}):`);
    for (const b of s.badRows.slice(0, shown)) lines.push(`  row ${b.row} (line ${b.line}): ${b.reason}`);
  }
  return lines.join('\n');
}
