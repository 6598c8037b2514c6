// miniflare through a narrow typed facade (miniflare.d.ts): its published
// declarations reference modules it does not ship, and the repository
// type-checks libraries too (skipLibCheck: false).
export { Miniflare } from "miniflare"
