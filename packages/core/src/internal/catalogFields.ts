/**
 * The field types Centrapay's API reference documents for request bodies, as
 * Schemas, and `payload`, which builds an endpoint's body schema from its
 * documented fields. The generated `Centrapay.ts` calls `payload` with one
 * short spec per field (`"bignumber?"`); `scripts/gen-catalog.ts` reads the
 * same table to know which types are documented and to check each example
 * request against the schema it generates. One definition, both uses.
 *
 * The types, as the docs' data-types page defines them: `bignumber` a
 * decimal number as a string, `timestamp` an ISO 8601 date-time string,
 * `monetary` `{ amount: bignumber, currency: string }`, `crn` a string. A
 * type the docs do not pin down (`location`, whose documented numbers the
 * examples send as strings; `null`) is `unknown`.
 *
 * Every object is open: a field the docs do not list is kept as it is (on
 * decode and on encode), so an undocumented or newer field passes through.
 *
 * @module
 */
import * as Schema from "effect/Schema"

/** Any further fields, kept as they are. */
const rest = [/*#__PURE__*/ Schema.Record(Schema.String, Schema.Unknown)] as const

/** A struct that keeps the fields it does not declare. */
const open = <const F extends Schema.Struct.Fields>(fields: F) => Schema.StructWithRest(Schema.Struct(fields), rest)

/** A number as a decimal string, any size or precision: `"1000"`, `"-0.5"`. */
const BigNumber = /*#__PURE__*/ Schema.String.check(
  /*#__PURE__*/ Schema.isPattern(/^-?[0-9]+(\.[0-9]+)?$/, { expected: 'a BigNumber (a decimal string, e.g. "1000")' })
)

/** An ISO 8601 date-time string: `"2021-06-11T02:51:11.000Z"`. */
const Timestamp = /*#__PURE__*/ Schema.String.check(
  /*#__PURE__*/ Schema.isPattern(
    /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$/,
    { expected: 'a timestamp (ISO 8601, e.g. "2021-06-11T02:51:11.000Z")' }
  )
)

/** A schema for each documented field type, and `unknown` for the rest. */
export const types = {
  string: Schema.String,
  number: Schema.Finite,
  boolean: Schema.Boolean,
  object: /*#__PURE__*/ Schema.Record(Schema.String, Schema.Unknown),
  array: /*#__PURE__*/ Schema.Array(Schema.Unknown),
  bignumber: BigNumber,
  timestamp: Timestamp,
  monetary: /*#__PURE__*/ open({ amount: BigNumber, currency: Schema.String }),
  crn: Schema.String,
  unknown: Schema.Unknown
}

/**
 * A field type's name.
 */
export type TypeName = keyof typeof types

/** A field's spec: its type's name, with `?` when the field is optional. */
export type Spec = TypeName | `${TypeName}?`

type FieldOf<S extends Spec> = S extends `${infer Name extends TypeName}?`
  ? Schema.optionalKey<(typeof types)[Name]>
  : S extends TypeName
    ? (typeof types)[S]
    : never

/** The schema `payload` builds from specs `F`. */
export type Payload<F extends Readonly<Record<string, Spec>>> = Schema.StructWithRest<
  Schema.Struct<{ readonly [K in keyof F]: FieldOf<F[K]> }>,
  typeof rest
>

const byName: ReadonlyMap<string, Schema.Top> = new Map(Object.entries(types))

/**
 * The schema of a request body from its documented fields:
 * `payload({ assetId: "string", value: "bignumber?" })`. Fields the specs do
 * not name are kept.
 */
export function payload<const F extends Readonly<Record<string, Spec>>>(fields: F): Payload<F>
export function payload(fields: Readonly<Record<string, Spec>>): Schema.Top {
  const schemas: Record<string, Schema.Top> = {}
  for (const [name, spec] of Object.entries(fields)) {
    const optional = spec.endsWith("?")
    const type = byName.get(optional ? spec.slice(0, -1) : spec) ?? Schema.Unknown
    schemas[name] = optional ? Schema.optionalKey(type) : type
  }
  return open(schemas)
}

/** Whether a documented type name has a schema here (any other is typed `unknown`). */
export const isTypeName = (name: string): name is TypeName => byName.has(name)
