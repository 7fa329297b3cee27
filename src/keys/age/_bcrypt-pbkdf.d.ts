/** Types for bcrypt-pbkdf 1.0.2 (joyent; OpenBSD's bcrypt_pbkdf ported to JS), which ships none. */
declare module "bcrypt-pbkdf" {
  const bcryptPbkdf: {
    /** Fills `key` (keylen bytes) from the password and salt; returns 0, or -1 for bad arguments. */
    pbkdf(pass: Uint8Array, passlen: number, salt: Uint8Array, saltlen: number, key: Uint8Array, keylen: number, rounds: number): number;
  };
  export default bcryptPbkdf;
}
