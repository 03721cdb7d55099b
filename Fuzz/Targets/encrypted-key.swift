// BIP38 encrypted keys (6P...), both modes: as text, as raw bytes, and as raw bytes
// behind a valid checksum.
// max_len: 256
import BIP38

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = fuzzBytes(data, size)
    let parsed = [
        try? EncryptedKey(fuzzText(bytes)), try? EncryptedKey(bytes: bytes),
        try? EncryptedKey(Base58.checkEncode(bytes)),
    ]
    for case let key? in parsed {
        fuzzExpect((try? EncryptedKey(key.text)) == key, "encrypted key round trip")
        fuzzExpect(key.bytes.count == EncryptedKey.byteCount, "encrypted key length")
        _ = (key.isECMultiply, key.format, key.addressHash, key.ownerEntropy?.ownerSalt, key.lotSequence?.bytes)
        fuzzExpect(key.isECMultiply == (key.ownerEntropy != nil), "ownerentropy only for EC-multiply keys")
    }
    return 0
}
