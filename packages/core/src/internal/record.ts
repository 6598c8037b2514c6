/**
 * `{ [key]: value }` when the value is defined, `{}` otherwise: spreads an
 * optional field into a constructor argument without writing `undefined`
 * (which `exactOptionalPropertyTypes` forbids).
 */
export const definedEntry = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } => {
  const entry: { [P in K]?: V } = {}
  if (value !== undefined) entry[key] = value
  return entry
}
