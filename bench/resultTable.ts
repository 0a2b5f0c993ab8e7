import type { BenchmarkResult, ResultRow } from './benchmarkResult';
import { round } from './statistics';

const formatNumber = (value: number): string => (Number.isFinite(value) ? round(value).toLocaleString('en-US') : 'n/a');

export const formatValue = (value: number, unit: string): string => `${formatNumber(value)} ${unit}`.trim();

const formatRatio = (row: ResultRow): string => {
  if (row.ratio === undefined || !Number.isFinite(row.ratio)) return '';
  // Throughput reads as a share of the baseline; latency as a multiple of it.
  return row.better === 'higher' && row.ratioAs !== 'factor' ? `${Math.round(row.ratio * 100)}%` : `${row.ratio.toFixed(2)}x`;
};

const formatMet = (row: ResultRow): string => (row.met === undefined ? 'info' : row.met ? 'yes' : 'NO');

const HEADER = ['benchmark', 'figure', 'triplane', 'baseline (same run)', 'ratio', 'aim', 'met?'];

function cells(result: BenchmarkResult, row: ResultRow): string[] {
  const baseline = row.baseline === undefined ? '' : `${formatValue(row.baseline, row.unit)}${row.baselineLabel ? ` (${row.baselineLabel})` : ''}`;
  return [result.name, row.figure, formatValue(row.value, row.unit), baseline, formatRatio(row), row.aim, formatMet(row)];
}

/** The table for the terminal: padded columns, the baseline label on its own line so rows stay readable. */
export function textTable(results: readonly BenchmarkResult[]): string {
  const body = results.flatMap((result) =>
    result.rows.map((row) => {
      const [bench, figure, value, , ratio, aim, met] = cells(result, row);
      const baseline = row.baseline === undefined ? '' : formatValue(row.baseline, row.unit);
      return [bench ?? '', figure ?? '', value ?? '', baseline, ratio ?? '', aim ?? '', met ?? ''];
    }),
  );
  const header = ['benchmark', 'figure', 'triplane', 'baseline', 'ratio', 'aim', 'met?'];
  const widths = header.map((title, i) => Math.max(title.length, ...body.map((line) => (line[i] ?? '').length)));
  const line = (values: string[]) => values.map((value, i) => value.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** The Markdown table the README quotes, then what each baseline is and the notes of each benchmark. */
export function markdownReport(results: readonly BenchmarkResult[], heading: string): string {
  const escape = (value: string) => value.replace(/\|/g, '\\|');
  const lines = [`| ${HEADER.join(' | ')} |`, `|${HEADER.map(() => '---').join('|')}|`];
  for (const result of results) for (const row of result.rows) lines.push(`| ${cells(result, row).map(escape).join(' | ')} |`);
  const notes = results.flatMap((result) => result.notes.map((note) => `- **${result.name}** (${result.measuredAt.slice(0, 19).replace('T', ' ')} UTC): ${note}`));
  return [heading, '', ...lines, '', ...(notes.length > 0 ? ['Notes:', '', ...notes, ''] : [])].join('\n');
}
