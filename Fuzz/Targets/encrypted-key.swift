// BIP38 encrypted keys (6P...), both modes: as text, as raw bytes, and as raw bytes
// behind a valid checksum.
// max_len: 256
import BIP38

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    fuzzBase58Check(data, size, EncryptedKey.self, "encrypted key") { key in
        _ = (key.isECMultiply, key.format, key.addressHash, key.ownerEntropy?.ownerSalt, key.lotSequence?.bytes)
        fuzzExpect(key.isECMultiply == (key.ownerEntropy != nil), "ownerentropy only for EC-multiply keys")
    }
}
