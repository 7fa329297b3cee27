/** The public face of the fingerprint workflow. */
export { fingerprintFile, fingerprintKey, fingerprintBytes, leafBytes, type FingerprintOptions, type FingerprintResult, type FingerprintLine } from "./fingerprint.js";
