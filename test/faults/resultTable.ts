import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScenarioResult } from './scenarioResult';
import { markdownTable, paddedTable } from '../../testkit/report/textTable';

export interface SuiteReport {
  size: string;
  startedAt: string;
  durationMs: number;
  pass: boolean;
  /** What the suite ran against (ports, namespace, vhost, archive folder), to reproduce a row. */
  setup: Record<string, string>;
  results: ScenarioResult[];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const COLUMNS: Array<[string, (r: ScenarioResult) => string]> = [
  ['fault', (r) => r.fault],
  ['load (events, orders)', (r) => `${r.load.events}, ${r.load.orders}`],
  ['accepted', (r) => String(r.accepted)],
  ['retried (requests/events)', (r) => `${r.retriedRequests}/${r.retriedEvents}`],
  ['final orders', (r) => `${r.finalOrders}/${r.acceptedOrders}`],
  ['charged twice', (r) => String(r.chargedTwice)],
  ['stuck', (r) => String(r.stuck)],
  ['lost', (r) => String(r.lost)],
  ['doubled', (r) => String(r.doubled)],
  ['acked, not in Kafka', (r) => String(r.notInKafka)],
  ['archive gaps', (r) => String(r.archiveGaps)],
  ['duration', (r) => seconds(r.durationMs)],
  ['result', (r) => (r.pass ? 'PASS' : 'FAIL')],
];

/** The table for a terminal: fixed-width columns, then how each fault was injected and what it measured. */
export function formatTable(report: SuiteReport): string {
  const rows = report.results.map((r) => COLUMNS.map(([, cell]) => cell(r)));
  const out = [
    ...paddedTable(
      COLUMNS.map(([title]) => title),
      rows,
      { gap: ' | ', ruleGap: '-+-' },
    ),
    '',
  ];
  for (const r of report.results) {
    out.push(`${r.pass ? 'PASS' : 'FAIL'} ${r.fault}: ${r.injectedHow}`);
    for (const note of r.notes) out.push(`     ${note}`);
    out.push(`     refusals ${JSON.stringify(r.refusals)}, given up ${r.givenUp}, wrong outcome ${r.wrongOutcome}, archive duplicate offsets ${r.archiveDuplicates}, parked ${r.parked}`);
    for (const problem of r.problems) out.push(`     ! ${problem}`);
  }
  out.push('', `${report.pass ? 'PASS' : 'FAIL'}: ${report.results.filter((r) => r.pass).length}/${report.results.length} scenarios passed (size ${report.size}, ${seconds(report.durationMs)})`);
  return out.join('\n');
}

const escapeCell = (text: string) => text.replace(/\|/g, '\\|');

export function formatMarkdown(report: SuiteReport): string {
  const header = ['fault', 'injected how', ...COLUMNS.slice(1).map(([title]) => title)];
  const rows = report.results.map((r) => [r.fault, [r.injectedHow, ...r.notes].join('; '), ...COLUMNS.slice(1).map(([, cell]) => cell(r))]);
  const out = [`# Fault suite: ${report.pass ? 'PASS' : 'FAIL'}`, '', `Size ${report.size}, started ${report.startedAt}, ${seconds(report.durationMs)}.`, '', ...markdownTable(header, rows)];
  const failing = report.results.filter((r) => r.problems.length > 0);
  if (failing.length > 0) {
    out.push('', '## Problems', '');
    for (const r of failing) out.push(`- **${r.fault}** (${r.pass ? 'PASS' : 'FAIL'}): ${r.problems.map(escapeCell).join('; ')}`);
  }
  out.push('', '## Setup', '', ...Object.entries(report.setup).map(([k, v]) => `- ${k}: ${v}`), '');
  return out.join('\n');
}

/** Writes latest.json and latest.md (test-artifacts/ is gitignored). */
export function writeReport(report: SuiteReport, dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, 'latest.md'), formatMarkdown(report));
}
