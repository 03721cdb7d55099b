// Byte helpers, SHA-256 (WebCrypto) and Base58Check.
//
// Base58 is written here because no Debian-packaged browser library offers it; it is
// small and checked against the spec vectors and known answers (Web/test/unit.js).

function concatBytes(...parts) {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function toHex(bytes) {
  let text = '';
  for (const byte of bytes) text += byte.toString(16).padStart(2, '0');
  return text;
}

function fromHex(text) {
  if (text.length % 2 !== 0 || /[^0-9a-fA-F]/.test(text)) throw new Error('not hex');
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.substr(2 * i, 2), 16);
  return out;
}

function xorBytes(a, b) {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}

function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

async function sha256d(bytes) {
  return sha256(await sha256(bytes));
}

// Base58 (Bitcoin's alphabet) and Base58Check (a 4-byte SHA-256d checksum).
const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function base58Encode(bytes) {
  const digits = [];
  for (const byte of bytes) {
    let carry = byte;
    for (let i = 0; i < digits.length; i++) {
      carry += digits[i] << 8;
      digits[i] = carry % 58;
      carry = (carry / 58) | 0;
    }
    while (carry > 0) {
      digits.push(carry % 58);
      carry = (carry / 58) | 0;
    }
  }
  let text = '';
  for (let i = 0; i < bytes.length && bytes[i] === 0; i++) text += '1';
  for (let i = digits.length - 1; i >= 0; i--) text += BASE58_ALPHABET[digits[i]];
  return text;
}

// Returns the bytes, or throws an Error naming the first character outside the alphabet.
function base58Decode(text) {
  const bytes = [];
  for (let position = 0; position < text.length; position++) {
    let carry = BASE58_ALPHABET.indexOf(text[position]);
    if (carry < 0) {
      throw new Error(`character ${position + 1} (${JSON.stringify(text[position])}) is not Base58`);
    }
    for (let i = 0; i < bytes.length; i++) {
      carry += bytes[i] * 58;
      bytes[i] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  for (let i = 0; i < text.length && text[i] === '1'; i++) bytes.push(0);
  return Uint8Array.from(bytes.reverse());
}

async function base58CheckEncode(payload) {
  const checksum = (await sha256d(payload)).subarray(0, 4);
  return base58Encode(concatBytes(payload, checksum));
}

async function base58CheckDecode(text) {
  const bytes = base58Decode(text);
  if (bytes.length < 5) throw new Error('too short for Base58Check');
  const payload = bytes.subarray(0, bytes.length - 4);
  const checksum = (await sha256d(payload)).subarray(0, 4);
  if (!equalBytes(checksum, bytes.subarray(bytes.length - 4))) {
    throw new Error('bad checksum (a character is mistyped or missing)');
  }
  return payload;
}
