/** The public face of the install-secrets workflow. */
export { checkManifest, installSecrets, type CheckReport, type InstallOptions, type InstallReport } from "./install.js";
export { parseManifest, replaceRuntimeDir, type Manifest, type ManifestSecret, type SecretFormat } from "./manifest.js";
