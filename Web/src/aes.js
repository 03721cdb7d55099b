// AES-256 on one block (BIP38's "AES256Decrypt", ECB) from WebCrypto, which has no ECB.
//
// Encrypting one block M under AES-CBC with a zero IV gives E(M) as its first block
// (the second is only the padding's). Decrypting a block C uses CBC-decrypt of C ‖ X,
// where X = E(C ⊕ 0x10¹⁶): the second block then decrypts to D(X) ⊕ C = sixteen 0x10,
// a valid PKCS#7 padding that WebCrypto removes, and the first to D(C) ⊕ IV = D(C).
// Two WebCrypto calls per block, constant-time in the browser's AES; no AES of our own.

const ZERO_IV = new Uint8Array(16);

async function aesKey(keyBytes) {
  return crypto.subtle.importKey('raw', keyBytes, { name: 'AES-CBC' }, false, ['encrypt', 'decrypt']);
}

async function aesEncryptBlock(key, block) {
  const out = await crypto.subtle.encrypt({ name: 'AES-CBC', iv: ZERO_IV }, key, block);
  return new Uint8Array(out, 0, 16).slice();
}

async function aesDecryptBlock(key, block) {
  const padMasked = new Uint8Array(16);
  for (let i = 0; i < 16; i++) padMasked[i] = block[i] ^ 0x10;
  const x = await aesEncryptBlock(key, padMasked);
  const out = await crypto.subtle.decrypt({ name: 'AES-CBC', iv: ZERO_IV }, key, concatBytes(block, x));
  return new Uint8Array(out);
}
