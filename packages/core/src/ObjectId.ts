/**
 * Schemas for Centrapay object IDs: `{prefix}_{random}`, e.g.
 * `mc_3LKQhvGUcADgqoEM3bh6pslE`. A wrong or missing prefix fails with a
 * message naming the expected prefix; decoded as a path or query parameter
 * (see `RequestDecoding`) it becomes a 400 naming the parameter.
 *
 * @module
 */
import * as Schema from "effect/Schema"

/**
 * A schema for IDs with one prefix. Add `Schema.brand` so that one kind of ID
 * cannot be passed where another is expected, as the IDs below do.
 *
 * @category constructors
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { ObjectId } from "@centrapay-effect/core"
 * const MerchantConfigId = ObjectId.make("mc", "merchant config")
 * Schema.decodeUnknownSync(MerchantConfigId)("mc_3LKQhvGUcADgqoEM3bh6pslE") // ok
 * Schema.decodeUnknownSync(MerchantConfigId)("c_3LKQ") // throws: Expected a merchant config ID starting with "mc_"
 * ```
 */
export const make = (prefix: string, noun: string) => {
  const pattern = new RegExp(`^${prefix}_[A-Za-z0-9]+$`)
  return Schema.String.check(
    Schema.makeFilter(
      (id: string) =>
        pattern.test(id) ||
        (id.startsWith(`${prefix}_`)
          ? `Expected a ${noun} ID: "${prefix}_" followed by letters and digits`
          : `Expected a ${noun} ID starting with "${prefix}_"`),
      { expected: `${prefix}_…` }
    )
  )
}

/** A merchant config ID, `mc_…`. @category schemas */
export const MerchantConfigId = make("mc", "merchant config").pipe(Schema.brand("MerchantConfigId"))

/** A merchant config ID's type. @category models */
export type MerchantConfigId = typeof MerchantConfigId.Type

/** A collection ID, `c_…`. @category schemas */
export const CollectionId = make("c", "collection").pipe(Schema.brand("CollectionId"))

/** A collection ID's type. @category models */
export type CollectionId = typeof CollectionId.Type
