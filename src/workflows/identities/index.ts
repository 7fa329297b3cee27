/** The public face of the identities workflow (`hush keys`). */
export { listIdentities, parseGpgSecretKeys } from "./identities.js";
export type { IdentityInfo, IdentityReport } from "./identities.js";
