import type { BenchmarkResult, ResultRow } from './benchmarkResult';
import { round } from './statistics';
import { markdownTable, paddedTable } from '../testkit/report/textTable';

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
  return paddedTable(['benchmark', 'figure', 'triplane', 'baseline', 'ratio', 'aim', 'met?'], body, { gap: '  ', ruleGap: '  ', trimEnd: true }).join('\n');
}

/** The Markdown table the README quotes, then what each baseline is and the notes of each benchmark. */
export function markdownReport(results: readonly BenchmarkResult[], heading: string): string {
  const lines = markdownTable(
    HEADER,
    results.flatMap((result) => result.rows.map((row) => cells(result, row))),
  );
  const notes = results.flatMap((result) => result.notes.map((note) => `- **${result.name}** (${result.measuredAt.slice(0, 19).replace('T', ' ')} UTC): ${note}`));
  return [heading, '', ...lines, '', ...(notes.length > 0 ? ['Notes:', '', ...notes, ''] : [])].join('\n');
}
