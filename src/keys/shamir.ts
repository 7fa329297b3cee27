/**
 * Shamir's secret sharing over GF(2^8), byte-compatible with sops (`shamir/shamir.go`, forked from
 * HashiCorp Vault). This is the one piece of hand-written math hush allows (DESIGN.md): it is
 * small, it must match sops's share layout exactly, and it is tested against shares made by Go sops.
 *
 * Share layout (spec 2.3): `len(secret) + 1` bytes, the y value for every secret byte in order and
 * then one trailing byte holding x. Share i (0-based) is evaluated at x = i + 1.
 *
 * Timing: field multiplication is branch-free and uses no lookup tables (no secret-dependent memory
 * access), like sops's `mult`; the inverse is a fixed addition chain for a^254. The x coordinates are
 * public; only `combine`'s duplicate check branches on them.
 */

import { HushError } from "../errors.js";

/** Addition (and subtraction) in GF(2^8): XOR. */
export function gfAdd(a: number, b: number): number {
  return (a ^ b) & 0xff;
}

/**
 * Multiplication in GF(2^8) modulo x^8+x^4+x^3+x+1 (0x11B), without branches or tables: for each bit
 * of `b` (high to low) the accumulator is doubled (reduced by 0x1B when its top bit was set, chosen with
 * a mask) and `a` is added under a mask.
 */
export function gfMul(a: number, b: number): number {
  let acc = 0;
  for (let i = 7; i >= 0; i--) {
    const bit = (b >> i) & 1;
    const aOrZero = -bit & a;
    const reduce = -((acc >> 7) & 1) & 0x1b;
    acc = (aOrZero ^ reduce ^ (acc << 1)) & 0xff;
  }
  return acc;
}

/** The multiplicative inverse a^254 (0 for 0), by a fixed addition chain so the work never depends on `a`. */
export function gfInv(a: number): number {
  let b = gfMul(a, a); // a^2
  let c = gfMul(a, b); // a^3
  b = gfMul(c, c); // a^6
  b = gfMul(b, b); // a^12
  c = gfMul(b, c); // a^15
  b = gfMul(b, b); // a^24
  b = gfMul(b, b); // a^48
  b = gfMul(b, c); // a^63
  b = gfMul(b, b); // a^126
  b = gfMul(a, b); // a^127
  return gfMul(b, b); // a^254
}

function fail(message: string): never {
  throw new HushError("KEY_GROUPS", message);
}

/**
 * Splits `secret` into `parts` shares, any `threshold` of which recover it (sops `shamir.Split`).
 * For each secret byte a polynomial of degree threshold−1 is drawn with one call
 * `randomBytes(threshold − 1)` (the same order in which sops reads crypto/rand), so a seeded source
 * reproduces Go's output exactly.
 *
 * @throws HushError KEY_GROUPS with sops's texts: `parts cannot be less than threshold`,
 *   `parts cannot exceed 255`, `threshold must be at least 2`, `threshold cannot exceed 255`,
 *   `cannot split an empty secret`.
 */
export function split(
  secret: Uint8Array,
  parts: number,
  threshold: number,
  randomBytes: (n: number) => Uint8Array,
): Uint8Array[] {
  if (!Number.isInteger(parts) || !Number.isInteger(threshold)) fail("parts and threshold must be integers");
  if (parts < threshold) fail("parts cannot be less than threshold");
  if (parts > 255) fail("parts cannot exceed 255");
  if (threshold < 2) fail("threshold must be at least 2");
  if (threshold > 255) fail("threshold cannot exceed 255");
  if (secret.length === 0) fail("cannot split an empty secret");

  const out: Uint8Array[] = [];
  for (let i = 0; i < parts; i++) {
    const share = new Uint8Array(secret.length + 1);
    share[secret.length] = i + 1;
    out.push(share);
  }
  const coeffs = new Uint8Array(threshold);
  for (let idx = 0; idx < secret.length; idx++) {
    const rnd = randomBytes(threshold - 1);
    if (rnd.length !== threshold - 1) fail("random source returned the wrong number of bytes");
    coeffs[0] = secret[idx]!;
    coeffs.set(rnd, 1);
    for (let i = 0; i < parts; i++) {
      const x = i + 1;
      // Horner's method, highest coefficient first.
      let y = coeffs[threshold - 1]!;
      for (let k = threshold - 2; k >= 0; k--) y = gfMul(y, x) ^ coeffs[k]!;
      out[i]![idx] = y;
    }
    rnd.fill(0);
  }
  coeffs.fill(0);
  return out;
}

/**
 * Recovers the secret from shares made by {@link split} or by sops (Lagrange interpolation at x = 0).
 * With fewer than the threshold number of shares the result is a different, meaningless value: Shamir
 * cannot tell.
 *
 * @throws HushError KEY_GROUPS with sops's texts: `less than two parts cannot be used to reconstruct the
 *   secret`, `parts must be at least two bytes`, `all parts must be the same length`, `duplicate part detected`.
 */
export function combine(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length < 2) fail("less than two parts cannot be used to reconstruct the secret");
  const len = parts[0]!.length;
  if (len < 2) fail("parts must be at least two bytes");
  for (const p of parts) if (p.length !== len) fail("all parts must be the same length");

  const xs = parts.map((p) => p[len - 1]!);
  const seen = new Set<number>();
  for (const x of xs) {
    if (seen.has(x)) fail("duplicate part detected");
    seen.add(x);
  }
  // The Lagrange basis at 0 depends only on the (public) x values: basis_i = Π_{j≠i} x_j / (x_i + x_j).
  const basis = xs.map((xi, i) => {
    let b = 1;
    xs.forEach((xj, j) => {
      if (i !== j) b = gfMul(b, gfMul(xj, gfInv(xi ^ xj)));
    });
    return b;
  });
  const secret = new Uint8Array(len - 1);
  for (let idx = 0; idx < len - 1; idx++) {
    let acc = 0;
    for (let i = 0; i < parts.length; i++) acc ^= gfMul(parts[i]![idx]!, basis[i]!);
    secret[idx] = acc;
  }
  return secret;
}
