/** The cold-start baseline: the benchmark's route as a hand-written handler (no framework). */
export { handWritten as handler } from "./route.ts"
