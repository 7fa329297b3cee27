/**
 * An SSH RSA private key as an OpenPGP secret key (what sops-nix's `sshKeyPaths` and Mic92/ssh-to-pgp do):
 * a v4 RSA key created at time 0, so the same SSH key always gives the same fingerprint (the one users
 * encrypt to), one user ID "root (Imported from SSH) <root@localhost>" and its positive self-certification
 * (SHA-256, flags certify, sign and encrypt). The packets follow RFC 4880; signing is node:crypto's RSA
 * PKCS#1 v1.5. Pure: the caller imports the bytes into a GnuPG home.
 */
import { createHash, sign, type KeyObject } from "node:crypto";
import { HushError } from "../errors.js";
import { parseSshPrivateKey } from "./age/openssh.js";

const USER_ID = "root (Imported from SSH) <root@localhost>";

const fromB64url = (s: string | undefined): Buffer => Buffer.from(s ?? "", "base64url");

/** An OpenPGP MPI: the bit length, then the big-endian bytes without leading zeros. */
function mpi(bytes: Uint8Array): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const b = Buffer.from(bytes.subarray(i));
  const bits = b.length === 0 ? 0 : (b.length - 1) * 8 + (32 - Math.clz32(b[0] as number));
  const head = Buffer.alloc(2);
  head.writeUInt16BE(bits);
  return Buffer.concat([head, b]);
}

/** A new-format packet: tag, length, body. */
function packet(tag: number, body: Buffer): Buffer {
  const n = body.length;
  let len: Buffer;
  if (n < 192) len = Buffer.from([n]);
  else if (n < 8384) len = Buffer.from([((n - 192) >> 8) + 192, (n - 192) & 0xff]);
  else {
    len = Buffer.alloc(5);
    len[0] = 0xff;
    len.writeUInt32BE(n, 1);
  }
  return Buffer.concat([Buffer.from([0xc0 | tag]), len, body]);
}

function subpacket(type: number, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([data.length + 1, type]), data]);
}

/** The converted key: binary packets for `gpg --import`, and the v4 fingerprint (40 upper-case hex digits). */
export interface OpenPgpKey {
  packets: Uint8Array;
  fingerprint: string;
}

/**
 * Converts an unencrypted SSH RSA private key (OpenSSH or PEM) to an OpenPGP secret key.
 * @throws HushError KEY_FORMAT for another key type, an encrypted key or a malformed one (no key material in the message)
 */
export function sshRsaKeyToOpenPgp(privateKeyText: string): OpenPgpKey {
  const parsed = parseSshPrivateKey(privateKeyText);
  if (parsed.encrypted) throw new HushError("KEY_FORMAT", "the ssh key is passphrase-protected");
  if (parsed.key.type !== "ssh-rsa") throw new HushError("KEY_FORMAT", `only RSA keys can become PGP keys, got ${parsed.key.type}`);
  const key: KeyObject = parsed.key.key;
  const jwk = key.export({ format: "jwk" });
  const [n, e, d, p, q, qi] = [jwk.n, jwk.e, jwk.d, jwk.p, jwk.q, jwk.qi].map(fromB64url) as [Buffer, Buffer, Buffer, Buffer, Buffer, Buffer];

  // public key body: version 4, created at 0, RSA (1), n, e
  const pub = Buffer.concat([Buffer.from([4, 0, 0, 0, 0, 1]), mpi(n), mpi(e)]);
  const fingerprint = createHash("sha1").update(Buffer.concat([Buffer.from([0x99, pub.length >> 8, pub.length & 0xff]), pub])).digest();
  const keyId = fingerprint.subarray(12);

  // secret part: unencrypted (S2K usage 0), d, then the primes as OpenPGP wants them (u = p⁻¹ mod q):
  // q, p and JWK's qi (= q⁻¹ mod p), the order Go's OpenPGP library writes too
  const secret = Buffer.concat([mpi(d), mpi(q), mpi(p), mpi(qi)]);
  let sum = 0;
  for (const b of secret) sum = (sum + b) & 0xffff;
  const check = Buffer.alloc(2);
  check.writeUInt16BE(sum);
  const secretKey = packet(5, Buffer.concat([pub, Buffer.from([0]), secret, check]));

  const uid = Buffer.from(USER_ID, "utf8");
  const userId = packet(13, uid);

  // the positive certification of the user ID (type 0x13), SHA-256 (8)
  const hashed = Buffer.concat([
    subpacket(2, Buffer.alloc(4)), // signature creation time: 0, as the key
    subpacket(27, Buffer.from([0x0f])), // key flags: certify, sign, encrypt communications and storage
    subpacket(25, Buffer.from([1])), // primary user ID
    subpacket(33, Buffer.concat([Buffer.from([4]), fingerprint])), // issuer fingerprint
  ]);
  const sigHead = Buffer.concat([Buffer.from([4, 0x13, 1, 8, hashed.length >> 8, hashed.length & 0xff]), hashed]);
  const trailer = Buffer.alloc(6);
  trailer[0] = 4;
  trailer[1] = 0xff;
  trailer.writeUInt32BE(sigHead.length, 2);
  const uidLen = Buffer.alloc(4);
  uidLen.writeUInt32BE(uid.length);
  const signed = Buffer.concat([Buffer.from([0x99, pub.length >> 8, pub.length & 0xff]), pub, Buffer.from([0xb4]), uidLen, uid, sigHead, trailer]);
  const digest = createHash("sha256").update(signed).digest();
  const signature = sign("sha256", signed, key);
  const unhashed = subpacket(16, Buffer.from(keyId)); // issuer key ID
  const sigBody = Buffer.concat([sigHead, Buffer.from([unhashed.length >> 8, unhashed.length & 0xff]), unhashed, digest.subarray(0, 2), mpi(signature)]);
  const sig = packet(2, sigBody);

  return { packets: new Uint8Array(Buffer.concat([secretKey, userId, sig])), fingerprint: fingerprint.toString("hex").toUpperCase() };
}
