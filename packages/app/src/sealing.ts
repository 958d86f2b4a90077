import { base64urlDecode, base64urlEncode, concatBytes, TesseraError } from '@tessera/core';

/**
 * Issuer secret keys are sealed at rest with AES-256-GCM under the master key. Web Crypto (not
 * the crypto port) because sealing is rare and AES-GCM is everywhere Web Crypto is; the tenant
 * and key ids are bound as additional data so a sealed key cannot be moved to another row.
 */
const NONCE_BYTES = 12;

async function importMaster(masterKey: Uint8Array): Promise<CryptoKey> {
  if (masterKey.length !== 32) throw new TesseraError('KEY_INVALID', 'the master key must be 32 bytes');
  return globalThis.crypto.subtle.importKey('raw', masterKey as BufferSource, 'AES-GCM', false, [
    'encrypt',
    'decrypt',
  ]);
}

export async function sealSecret(
  masterKey: Uint8Array,
  secret: Uint8Array,
  binding: string,
): Promise<string> {
  const key = await importMaster(masterKey);
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const additionalData = new TextEncoder().encode(binding);
  const sealed = await globalThis.crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData },
    key,
    secret as BufferSource,
  );
  return base64urlEncode(concatBytes(iv, new Uint8Array(sealed)));
}

export async function unsealSecret(
  masterKey: Uint8Array,
  sealed: string,
  binding: string,
): Promise<Uint8Array> {
  const key = await importMaster(masterKey);
  const bytes = base64urlDecode(sealed);
  const additionalData = new TextEncoder().encode(binding);
  try {
    const plain = await globalThis.crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: bytes.subarray(0, NONCE_BYTES) as BufferSource, additionalData },
      key,
      bytes.subarray(NONCE_BYTES) as BufferSource,
    );
    return new Uint8Array(plain);
  } catch (e) {
    throw new TesseraError(
      'KEY_INVALID',
      'a sealed issuer key could not be opened: wrong master key or tampered row',
      { cause: e },
    );
  }
}
