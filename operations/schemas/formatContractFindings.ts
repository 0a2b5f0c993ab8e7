import type { ContractFinding } from './checkSchemaContract';

export interface ContractReport {
  lines: string[];
  summary: string;
  /** 1 when anything breaks a consumer: CI gates on it. */
  exitCode: number;
}

/** One line per finding, breaking ones first: `BREAKING flag.set v2 rollout: range narrowed: ...`. */
export function formatContractFindings(findings: readonly ContractFinding[], versions: number): ContractReport {
  const ordered = [...findings.filter((f) => f.breaking), ...findings.filter((f) => !f.breaking)];
  const lines = ordered.map((f) => `${f.breaking ? 'BREAKING' : 'note    '} ${f.type} v${f.version}${f.field === '' ? '' : ` ${f.field}`}: ${f.message}`);
  const breaking = findings.filter((f) => f.breaking).length;
  const pending = findings.some((f) => f.kind === 'widened' || f.kind === 'new-version' || f.kind === 'retired');
  const summary =
    breaking > 0
      ? `${breaking} breaking change${breaking > 1 ? 's' : ''} against the released schemas (events/schemas/): see README, "Evolving an event schema"`
      : `${versions} event versions compatible with the released schemas${pending ? '; run `npm run schemas -- write` to release the changes above' : ''}`;
  return { lines, summary, exitCode: breaking > 0 ? 1 : 0 };
}
