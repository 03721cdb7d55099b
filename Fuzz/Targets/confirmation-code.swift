// BIP38 confirmation codes (cfrm38...): as text, as raw bytes, and as raw bytes
// behind a valid checksum.
// max_len: 256
import BIP38

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    fuzzBase58Check(data, size, ConfirmationCode.self, "confirmation code") { code in
        _ = (code.format, code.addressHash, code.ownerEntropy.ownerSalt, code.lotSequence?.bytes, code.encryptedPointB)
    }
}
