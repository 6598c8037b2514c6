/**
 * What the fuzz program hides in its failures, and what the generated inputs
 * carry, so the judge can tell a leak or a reflected header from a valid
 * answer. Inputs never contain the secrets; the program never echoes the
 * input marker into a header.
 */

/** The marker secret every dying handler carries. */
export const marker = "SECRET-7f3a"

/** An AWS-access-key-shaped string (`AKIA` + 16 upper-case alphanumerics), built so no scanner mistakes the source for a real key. */
export const awsKey = ["AKIA", "QZ7XN3RB2K5M8P4T"].join("")

/** The message of the handlers' defects: the secrets, and a CR/LF that would split a header. */
export const defectMessage = `database password hunter2 for ${marker}, key ${awsKey}\r\nx-injected: 1`

/** A defect message without the marker, as a careless handler would write it. */
export const plainDefectMessage = "connection to postgres://wallet:s3cr3t-pw@db.internal:5432 refused"

/** Every message a defect or an upstream failure of the fuzz program carries. */
export const defectMessages: ReadonlyArray<string> = [defectMessage, plainDefectMessage]

/** A token the generators put in client-controlled places (headers, query, path, body, cookies). */
export const inputMarker = "INPUT-c0de"
