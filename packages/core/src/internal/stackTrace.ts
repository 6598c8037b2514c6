/**
 * Building errors without capturing a stack trace. An error decoded from a
 * response, or raised for a request's bad input, describes what came over
 * the wire: the frames of the code that built it say nothing a user can act
 * on, and capturing them is most of what constructing it costs (a Schema
 * error class's constructor calls `Error`'s, about 7 µs per error in Node).
 *
 * @internal
 */

// A frozen `Error` (some sandboxes) cannot take another limit: then errors keep their stacks.
const limitWritable = (() => {
  const descriptor = Object.getOwnPropertyDescriptor(Error, "stackTraceLimit")
  if (descriptor === undefined) return Object.isExtensible(Error)
  return descriptor.writable === true || descriptor.set !== undefined
})()

/** Runs `build` with stack traces off (restored after, also when it throws). */
export const withoutStackTrace = <A>(build: () => A): A => {
  if (!limitWritable) return build()
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  try {
    return build()
  } finally {
    Error.stackTraceLimit = limit
  }
}
