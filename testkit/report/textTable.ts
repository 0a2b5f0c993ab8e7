/**
 * The tables the fault suite and the benchmarks print and write: one padded form for a terminal, one
 * Markdown form for the files the README quotes. Each caller picks its cells; the layout lives here.
 */
export interface PaddedStyle {
  /** Between two cells of a row, e.g. '  ' or ' | '. */
  gap: string;
  /** Between two columns' dashes in the rule under the header, e.g. '  ' or '-+-'. */
  ruleGap: string;
  /** Drop the padding after a row's last cell. */
  trimEnd?: boolean;
}

/** Header, rule and rows, each cell padded to its column's widest. */
export function paddedTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, style: PaddedStyle): string[] {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => {
    const text = header.map((_, i) => (cells[i] ?? '').padEnd(widths[i] ?? 0)).join(style.gap);
    return style.trimEnd === true ? text.trimEnd() : text;
  };
  return [line(header), widths.map((w) => '-'.repeat(w)).join(style.ruleGap), ...rows.map(line)];
}

/** A '|' inside a cell would end the cell: escaped. */
const escapeCell = (text: string): string => text.replace(/\|/g, '\\|');

export function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const line = (cells: readonly string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  return [line(header), `| ${header.map(() => '---').join(' | ')} |`, ...rows.map(line)];
}
