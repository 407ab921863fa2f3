import type { SummaryRow } from '../results.js';

const MARK: Record<SummaryRow['verdict'], string> = { pass: 'met', miss: 'MISSED', info: '' };

/** The summary as a plain-text table for the terminal. */
export function formatTable(rows: SummaryRow[]): string {
  const header = ['scenario', 'measure', 'value', 'target', ''];
  const cells = rows.map((r) => [r.scenario, r.measure, r.value, r.target ?? '', MARK[r.verdict]]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const out: string[] = [line(header), rule];
  let last = '';
  for (const c of cells) {
    // The scenario name once per group reads better than repeated.
    out.push(line([c[0] === last ? '' : c[0]!, ...c.slice(1)]));
    last = c[0]!;
  }
  return out.join('\n');
}

/** The same rows as a Markdown table. */
export function markdownTable(rows: SummaryRow[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const out = ['| Scenario | Measure | Result | Target | |', '| --- | --- | --- | --- | --- |'];
  for (const r of rows) {
    const mark = r.verdict === 'pass' ? '✅' : r.verdict === 'miss' ? '❌' : '';
    out.push(`| ${esc(r.scenario)} | ${esc(r.measure)} | ${esc(r.value)} | ${esc(r.target ?? '')} | ${mark} |`);
  }
  return out.join('\n');
}
