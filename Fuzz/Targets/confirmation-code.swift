// BIP38 confirmation codes (cfrm38...): as text, as raw bytes, and as raw bytes
// behind a valid checksum.
// max_len: 256
import BIP38

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = fuzzBytes(data, size)
    let parsed = [
        try? ConfirmationCode(fuzzText(bytes)), try? ConfirmationCode(bytes: bytes),
        try? ConfirmationCode(Base58.checkEncode(bytes)),
    ]
    for case let code? in parsed {
        fuzzExpect((try? ConfirmationCode(code.text)) == code, "confirmation code round trip")
        _ = (code.format, code.addressHash, code.ownerEntropy.ownerSalt, code.lotSequence?.bytes, code.encryptedPointB)
    }
    return 0
}
