// BIP38 decryption and confirmation-code checking, both modes, both networks.
// https://github.com/bitcoin/bips/blob/master/bip-0038.mediawiki
//
// secp256k1 is node-elliptic's (Debian's node-elliptic, bundled into the page); RIPEMD-160
// is hash.js's, which node-elliptic already brings; SHA-256, PBKDF2 and AES are WebCrypto's.

const secp256k1 = new EC('secp256k1');
const CURVE_ORDER = secp256k1.curve.n;

// Bitcoin's two networks: P2PKH address version and WIF version bytes.
const NETWORKS = [
  { name: 'mainnet', address: 0x00, wif: 0x80 },
  { name: 'testnet', address: 0x6f, wif: 0xef },
];

// The heavy scrypt of BIP38 (N = 16384, r = 8, p = 8) and the light one of EC mode.
const HEAVY = { N: 16384, r: 8, p: 8 };
const LIGHT = { N: 1024, r: 1, p: 1 };

class WrongPassphrase extends Error {}

function ripemd160(bytes) {
  return Uint8Array.from(hashRipemd.ripemd160().update(Array.from(bytes)).digest());
}

function passphraseBytes(passphrase) {
  return new TextEncoder().encode(passphrase.normalize('NFC'));
}

function pointBytes(point, compressed) {
  return Uint8Array.from(point.encode('array', compressed));
}

function scalarBytes(bn) {
  return Uint8Array.from(bn.toArray('be', 32));
}

async function addressOf(publicKey, network) {
  const hash = ripemd160(await sha256(publicKey));
  return base58CheckEncode(concatBytes([network.address], hash));
}

// The network whose address of `publicKey` hashes to `addressHash`, and that address;
// null when neither does (the passphrase is wrong).
async function matchAddress(publicKey, addressHash) {
  for (const network of NETWORKS) {
    const address = await addressOf(publicKey, network);
    const hash = (await sha256d(new TextEncoder().encode(address))).subarray(0, 4);
    if (equalBytes(hash, addressHash)) return { network, address };
  }
  return null;
}

async function wifOf(privateKey, compressed, network) {
  const payload = concatBytes([network.wif], privateKey, compressed ? [0x01] : []);
  return base58CheckEncode(payload);
}

function lotSequence(flag, ownerEntropy) {
  if ((flag & 0x04) === 0) return { lot: null, sequence: null };
  const value = new DataView(ownerEntropy.buffer, ownerEntropy.byteOffset + 4, 4).getUint32(0, false);
  return { lot: value >>> 12, sequence: value & 0xfff };
}

// A BIP38 string's payload, or an Error saying what is wrong with the text. White space
// anywhere is dropped (a card prints its encrypted key over several lines; Base58 has none).
async function decodeCode(text, kind, prefixes, length) {
  const trimmed = text.replace(/\s+/g, '');
  if (trimmed.length === 0) throw new Error(`the ${kind} is empty`);
  let payload;
  try {
    payload = await base58CheckDecode(trimmed);
  } catch (error) {
    throw new Error(`the ${kind} is not valid: ${error.message}`);
  }
  if (payload.length !== length) {
    throw new Error(`the ${kind} is not valid: ${payload.length} bytes, not ${length}`);
  }
  const prefix = prefixes.find((p) => p.bytes.every((b, i) => payload[i] === b));
  if (!prefix) throw new Error(`the ${kind} is not valid: unknown prefix (is it a ${kind}?)`);
  return { payload, prefix };
}

// EC-multiply mode: passfactor and passpoint from the passphrase and ownerentropy.
async function passfactorOf(passphrase, flag, ownerEntropy, onProgress) {
  const hasLotSequence = (flag & 0x04) !== 0;
  const ownerSalt = hasLotSequence ? ownerEntropy.subarray(0, 4) : ownerEntropy;
  const prefactor = await scrypt(passphraseBytes(passphrase), ownerSalt, HEAVY.N, HEAVY.r, HEAVY.p, 32, onProgress);
  const passfactor = hasLotSequence ? await sha256d(concatBytes(prefactor, ownerEntropy)) : prefactor;
  const factor = new BN(passfactor);
  if (factor.isZero() || factor.cmp(CURVE_ORDER) >= 0) throw new WrongPassphrase();
  return { factor, passpoint: pointBytes(secp256k1.g.mul(factor), true) };
}

async function decryptNonEC(payload, passphrase, onProgress) {
  const flag = payload[2];
  const compressed = (flag & 0x20) !== 0;
  const addressHash = payload.subarray(3, 7);
  const derived = await scrypt(passphraseBytes(passphrase), addressHash, HEAVY.N, HEAVY.r, HEAVY.p, 64, onProgress);
  const key = await aesKey(derived.subarray(32, 64));
  const half1 = xorBytes(await aesDecryptBlock(key, payload.subarray(7, 23)), derived.subarray(0, 16));
  const half2 = xorBytes(await aesDecryptBlock(key, payload.subarray(23, 39)), derived.subarray(16, 32));
  const privateKey = concatBytes(half1, half2);
  const scalar = new BN(privateKey);
  if (scalar.isZero() || scalar.cmp(CURVE_ORDER) >= 0) throw new WrongPassphrase();
  const match = await matchAddress(pointBytes(secp256k1.g.mul(scalar), compressed), addressHash);
  if (!match) throw new WrongPassphrase();
  return { privateKey, compressed, match, ecMultiply: false, lot: null, sequence: null };
}

async function decryptEC(payload, passphrase, onProgress) {
  const flag = payload[2];
  const compressed = (flag & 0x20) !== 0;
  const addressHash = payload.subarray(3, 7);
  const ownerEntropy = payload.subarray(7, 15);
  const { factor, passpoint } = await passfactorOf(passphrase, flag, ownerEntropy, onProgress);
  const derived = await scrypt(passpoint, concatBytes(addressHash, ownerEntropy), LIGHT.N, LIGHT.r, LIGHT.p, 64);
  const key = await aesKey(derived.subarray(32, 64));
  const decrypted2 = xorBytes(await aesDecryptBlock(key, payload.subarray(23, 39)), derived.subarray(16, 32));
  const encryptedPart1 = concatBytes(payload.subarray(15, 23), decrypted2.subarray(0, 8));
  const decrypted1 = xorBytes(await aesDecryptBlock(key, encryptedPart1), derived.subarray(0, 16));
  const seedb = concatBytes(decrypted1, decrypted2.subarray(8, 16));
  const factorb = new BN(await sha256d(seedb));
  const scalar = factor.mul(factorb).umod(CURVE_ORDER);
  if (scalar.isZero()) throw new WrongPassphrase();
  const match = await matchAddress(pointBytes(secp256k1.g.mul(scalar), compressed), addressHash);
  if (!match) throw new WrongPassphrase();
  return { privateKey: scalarBytes(scalar), compressed, match, ecMultiply: true, ...lotSequence(flag, ownerEntropy) };
}

async function confirmCode(payload, passphrase, onProgress) {
  const flag = payload[5];
  const compressed = (flag & 0x20) !== 0;
  const addressHash = payload.subarray(6, 10);
  const ownerEntropy = payload.subarray(10, 18);
  const encryptedPointB = payload.subarray(18, 51);
  const { factor, passpoint } = await passfactorOf(passphrase, flag, ownerEntropy, onProgress);
  const derived = await scrypt(passpoint, concatBytes(addressHash, ownerEntropy), LIGHT.N, LIGHT.r, LIGHT.p, 64);
  const key = await aesKey(derived.subarray(32, 64));
  const prefix = encryptedPointB[0] ^ (derived[63] & 0x01);
  if (prefix !== 0x02 && prefix !== 0x03) throw new WrongPassphrase();
  const x1 = xorBytes(await aesDecryptBlock(key, encryptedPointB.subarray(1, 17)), derived.subarray(0, 16));
  const x2 = xorBytes(await aesDecryptBlock(key, encryptedPointB.subarray(17, 33)), derived.subarray(16, 32));
  let pointB;
  try {
    pointB = secp256k1.curve.decodePoint(Array.from(concatBytes([prefix], x1, x2)));
  } catch (error) {
    throw new WrongPassphrase();
  }
  if (!pointB.validate()) throw new WrongPassphrase();
  const match = await matchAddress(pointBytes(pointB.mul(factor), compressed), addressHash);
  if (!match) throw new WrongPassphrase();
  return { compressed, match, ...lotSequence(flag, ownerEntropy) };
}

const ENCRYPTED_KEY_PREFIXES = [
  { bytes: [0x01, 0x42], mode: 'non-ec' },
  { bytes: [0x01, 0x43], mode: 'ec' },
];
const CONFIRMATION_PREFIXES = [{ bytes: [0x64, 0x3b, 0xf6, 0xa8, 0x9a], mode: 'confirmation' }];

// The passphrases to try, in order: as typed, then its canonical card form (if any, and different).
function passphraseTries(passphrase) {
  const tries = [{ form: 'exact', text: passphrase }];
  const canonical = canonicalCardPassphrase(passphrase);
  if (canonical !== null && canonical !== passphrase) tries.push({ form: 'canonical', text: canonical });
  return tries;
}

async function withTries(passphrase, onProgress, attempt) {
  if (typeof passphrase !== 'string') throw new Error('the passphrase must be text');
  const tries = passphraseTries(passphrase);
  for (let i = 0; i < tries.length; i++) {
    const progress = onProgress ? (fraction) => onProgress((i + fraction) / tries.length, i, tries.length) : null;
    try {
      const result = await attempt(tries[i].text, progress);
      return { result, form: tries[i].form };
    } catch (error) {
      if (!(error instanceof WrongPassphrase)) throw error;
    }
  }
  throw new Error(
    tries.length > 1
      ? 'wrong passphrase (tried as typed and in its card form)'
      : 'wrong passphrase (check every character; nothing was decrypted)',
  );
}

// How many heavy scrypt calls a passphrase may cost (1, or 2 with its card form).
function scryptCalls(passphrase) {
  return passphraseTries(passphrase).length;
}

async function decrypt(encryptedKey, passphrase, onProgress) {
  if (typeof encryptedKey !== 'string') throw new Error('the encrypted key must be text');
  const { payload, prefix } = await decodeCode(encryptedKey, 'encrypted key', ENCRYPTED_KEY_PREFIXES, 39);
  const flag = payload[2];
  const allowed = prefix.mode === 'ec' ? 0x24 : 0xe0;
  if ((flag & ~allowed) !== 0 || (prefix.mode === 'non-ec' && (flag & 0xc0) !== 0xc0)) {
    throw new Error(`the encrypted key is not valid: flag byte 0x${flag.toString(16).padStart(2, '0')}`);
  }
  const { result, form } = await withTries(passphrase, onProgress, (text, progress) =>
    prefix.mode === 'ec' ? decryptEC(payload, text, progress) : decryptNonEC(payload, text, progress),
  );
  const { privateKey, compressed, match, ecMultiply, lot, sequence } = result;
  return {
    address: match.address,
    wif: await wifOf(privateKey, compressed, match.network),
    private_key_hex: toHex(privateKey),
    compressed,
    ec_multiply: ecMultiply,
    network: match.network.name,
    lot,
    sequence,
    passphrase_form: form,
  };
}

async function confirm(confirmationCode, passphrase, onProgress) {
  if (typeof confirmationCode !== 'string') throw new Error('the confirmation code must be text');
  const { payload } = await decodeCode(confirmationCode, 'confirmation code', CONFIRMATION_PREFIXES, 51);
  const flag = payload[5];
  if ((flag & ~0x24) !== 0) {
    throw new Error(`the confirmation code is not valid: flag byte 0x${flag.toString(16).padStart(2, '0')}`);
  }
  const { result, form } = await withTries(passphrase, onProgress, (text, progress) =>
    confirmCode(payload, text, progress),
  );
  return {
    address: result.match.address,
    compressed: result.compressed,
    network: result.match.network.name,
    lot: result.lot,
    sequence: result.sequence,
    passphrase_form: form,
  };
}
