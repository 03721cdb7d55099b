// Tolerant reading of a card passphrase (the shared rule of the card format "crockford-20",
// twin of the Swift reader): 20 characters of Crockford's base32 printed as 5 groups of 4.
//
// The canonical form of typed text: drop every ASCII space, tab and '-', the dashes
// U+2010...U+2015 and U+00A0; upper-case ASCII letters; read O as 0 and I, L as 1. When
// exactly 20 characters of the alphabet remain, they are the canonical form in groups of
// 4 joined by '-'; otherwise there is none (null).

const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function canonicalCardPassphrase(text) {
  let kept = '';
  for (const character of text) {
    const code = character.codePointAt(0);
    if (code === 0x20 || code === 0x09 || code === 0x2d || code === 0xa0 || (code >= 0x2010 && code <= 0x2015)) {
      continue;
    }
    let c = code >= 0x61 && code <= 0x7a ? String.fromCharCode(code - 0x20) : character;
    if (c === 'O') c = '0';
    else if (c === 'I' || c === 'L') c = '1';
    if (!CROCKFORD_ALPHABET.includes(c)) return null;
    kept += c;
    if (kept.length > 20) return null;
  }
  if (kept.length !== 20) return null;
  return kept.match(/.{4}/g).join('-');
}
