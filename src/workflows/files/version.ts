/** The sops version hush writes in `version:`: the sops release whose format hush matches byte for byte. */
export const HUSH_SOPS_VERSION = "3.13.2";
/** hush's own version. */
export const HUSH_VERSION = "0.1.0";
