import {
  base64urlDecode,
  base64urlEncode,
  concatBytes,
  decodeVarint,
  ed25519PublicKeyProblem,
  encodeVarint,
  multibaseDecode,
  multibaseEncode,
  TesseraError,
} from '@tessera/core';

/** Multicodec codes for Ed25519 keys (https://github.com/multiformats/multicodec). */
const ED25519_PUB = 0xed;
const ED25519_PRIV = 0x1300;

const ED25519_PUB_PREFIX = encodeVarint(ED25519_PUB);
const ED25519_PRIV_PREFIX = encodeVarint(ED25519_PRIV);

function decodePrefixed(text: string, codec: number, what: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = multibaseDecode(text);
  } catch (e) {
    throw new TesseraError('KEY_INVALID', `${what} is not valid multibase: ${(e as Error).message}`);
  }
  let prefix: { value: number; length: number };
  try {
    prefix = decodeVarint(bytes);
  } catch {
    throw new TesseraError('KEY_INVALID', `${what} has no multicodec prefix`);
  }
  if (prefix.value !== codec) {
    throw new TesseraError(
      'KEY_INVALID',
      `${what} has multicodec 0x${prefix.value.toString(16)}; expected 0x${codec.toString(16)} (Ed25519)`,
    );
  }
  const key = bytes.subarray(prefix.length);
  if (key.length !== 32)
    throw new TesseraError('KEY_INVALID', `${what} is ${key.length} bytes; Ed25519 uses 32`);
  return key;
}

/** Decodes an Ed25519 public Multikey (`z6Mk…`) and refuses malformed or small-order keys. */
export function decodeEd25519PublicMultikey(text: string): Uint8Array {
  const key = decodePrefixed(text, ED25519_PUB, 'publicKeyMultibase');
  assertEd25519PublicKey(key);
  return key;
}

export function encodeEd25519PublicMultikey(publicKey: Uint8Array): string {
  return multibaseEncode(concatBytes(ED25519_PUB_PREFIX, publicKey), 'base58btc');
}

export function decodeEd25519SecretMultikey(text: string): Uint8Array {
  return decodePrefixed(text, ED25519_PRIV, 'secretKeyMultibase');
}

export function encodeEd25519SecretMultikey(secretKey: Uint8Array): string {
  return multibaseEncode(concatBytes(ED25519_PRIV_PREFIX, secretKey), 'base58btc');
}

export function assertEd25519PublicKey(key: Uint8Array): void {
  const problem = ed25519PublicKeyProblem(key);
  if (problem === 'small-order') {
    throw new TesseraError('KEY_INVALID', 'Ed25519 public key is a point of small order (a weak key)');
  }
  if (problem !== undefined)
    throw new TesseraError('KEY_INVALID', `Ed25519 public key is invalid (${problem})`);
}

/** RFC 8037 OKP JWK for an Ed25519 public key. */
export function ed25519ToJwk(publicKey: Uint8Array): JsonWebKey {
  return { kty: 'OKP', crv: 'Ed25519', x: base64urlEncode(publicKey) };
}

export function ed25519FromJwk(jwk: JsonWebKey): Uint8Array {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new TesseraError('KEY_INVALID', 'JWK is not an Ed25519 OKP key');
  }
  if (jwk.d !== undefined)
    throw new TesseraError('KEY_INVALID', 'a public JWK must not contain the private "d"');
  let key: Uint8Array;
  try {
    key = base64urlDecode(jwk.x);
  } catch {
    throw new TesseraError('KEY_INVALID', 'JWK "x" is not base64url');
  }
  if (key.length !== 32) throw new TesseraError('KEY_INVALID', 'JWK "x" is not a 32-byte Ed25519 key');
  assertEd25519PublicKey(key);
  return key;
}
