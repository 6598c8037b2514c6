/** Renders rows of strings as an aligned plain-text table. */
export const renderTable = <K extends string>(
  columns: ReadonlyArray<readonly [K, string]>,
  rows: ReadonlyArray<Readonly<Record<K, string>>>
): string => {
  const widths = columns.map(([key, title]) => Math.max(title.length, ...rows.map((row) => row[key].length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd()
  return [
    line(columns.map(([, title]) => title)),
    line(widths.map((width) => "-".repeat(width))),
    ...rows.map((row) => line(columns.map(([key]) => row[key])))
  ].join("\n")
}
