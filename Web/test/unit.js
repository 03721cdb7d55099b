// Known answers for the page's parts, run inside the page by browser_test.py
// (WebDriver's script, not the page's). Resolves to a list of failures, each one line;
// an empty list is a pass. Sources of the answers are named at each table.
async function verifyPageUnitTests() {
  const { base58Encode, base58Decode, ripemd160, scrypt, aesKey, aesDecryptBlock, toHex, fromHex } =
    window.bip38.internals;
  const failures = [];
  const utf8 = (text) => new TextEncoder().encode(text);
  const expect = (name, got, want) => {
    if (got !== want) failures.push(`${name}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  };

  // RIPEMD-160: the authors' published test set (Dobbertin, Bosselaers, Preneel).
  for (const [message, digest] of [
    ['', '9c1185a5c5e9fc54612808977ee8f548b2258d31'],
    ['abc', '8eb208f7e05d987a9b044a8e98c6b087f15a0bfc'],
    ['message digest', '5d0689ef49d2fae572b881b123a85ffa21595f36'],
    ['1234567890'.repeat(8), '9b752e45573d4b39f4dbd3323cab82bf63326bfb'],
  ]) {
    expect(`ripemd160(${JSON.stringify(message)})`, toHex(ripemd160(utf8(message))), digest);
  }

  // Base58: the Bitcoin wiki's worked address (hash160 f54a58... → 1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs)
  // and leading zero bytes as leading '1's.
  const address = '00f54a5851e9372b87810a8e60cdd2e7cfd80b6e31c7f18fe8';
  expect('base58 address', base58Encode(fromHex(address)), '1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs');
  expect('base58 address back', toHex(base58Decode('1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs')), address);
  expect('base58 zeros', base58Encode(fromHex('000000ff')), '1115Q');
  expect('base58 zeros back', toHex(base58Decode('1115Q')), '000000ff');
  expect('base58 empty', base58Encode(new Uint8Array(0)), '');
  let refused = '';
  try {
    base58Decode('1PMycacnJaSqwwJqjawXBErnLsZ7RkXUA0');
  } catch (error) {
    refused = error.message;
  }
  expect('base58 refuses 0', refused, 'character 34 ("0") is not Base58');

  // scrypt: RFC 7914 section 12 (the third runs its lane in a worker).
  for (const [password, salt, N, r, p, derived] of [
    ['', '', 16, 1, 1, '77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906'],
    ['password', 'NaCl', 1024, 8, 16, 'fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640'],
    ['pleaseletmein', 'SodiumChloride', 16384, 8, 1, '7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887'],
  ]) {
    expect(`scrypt(${JSON.stringify(password)}, N=${N}, r=${r}, p=${p})`,
      toHex(await scrypt(utf8(password), utf8(salt), N, r, p, 64)), derived);
  }

  // AES-256 decryption of one block: FIPS-197 appendix C.3.
  const key = await aesKey(fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'));
  expect('AES-256 FIPS-197 C.3', toHex(await aesDecryptBlock(key, fromHex('8ea2b7ca516745bfeafc49904b496089'))),
    '00112233445566778899aabbccddeeff');

  // The card passphrase rule (crockford-20): canonical forms, and text that has none.
  const canonical = window.bip38.canonicalCardPassphrase;
  for (const [typed, want] of [
    ['7K3M-Q9XD-2HTV-8WNC-4RZB', '7K3M-Q9XD-2HTV-8WNC-4RZB'],
    ['7k3mq9xd2htv8wnc4rzb', '7K3M-Q9XD-2HTV-8WNC-4RZB'],
    [' 7k3m q9xd\t2htv 8wnc 4rzb ', '7K3M-Q9XD-2HTV-8WNC-4RZB'],
    ['7K3M\u2010Q9XD\u20112HTV\u2012\u20138WNC\u2014\u20154RZB', '7K3M-Q9XD-2HTV-8WNC-4RZB'],
    ['7K3M\u00a0Q9XD\u00a02HTV\u00a08WNC\u00a04RZB', '7K3M-Q9XD-2HTV-8WNC-4RZB'],
    ['OOOO-IIII-LLLL-oooo-iill', '0000-1111-1111-0000-1111'],
    ['0000-1111-2222-3333-444', null],
    ['0000-1111-2222-3333-44445', null],
    ['UUUU-1111-2222-3333-4444', null],
    ['0000-1111-2222-3333-444\u00e9', null],
    ['0000_1111_2222_3333_4444', null],
    ['0000-1111-2222-3333-4444\n', null],
    ['\uff10000-1111-2222-3333-4444', null],
    ['', null],
    ['TestingOneTwoThree', null],
  ]) {
    expect(`canonical(${JSON.stringify(typed)})`, canonical(typed), want);
  }
  return failures;
}
