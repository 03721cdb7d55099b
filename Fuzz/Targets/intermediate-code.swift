// BIP38 intermediate codes (passphrase...): as text, as raw bytes, and as raw bytes
// behind a valid checksum. The passpoint must be a point on secp256k1.
// max_len: 256
import BIP38

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = fuzzBytes(data, size)
    let parsed = [
        try? IntermediateCode(fuzzText(bytes)), try? IntermediateCode(bytes: bytes),
        try? IntermediateCode(Base58.checkEncode(bytes)),
    ]
    for case let code? in parsed {
        fuzzExpect((try? IntermediateCode(code.text)) == code, "intermediate code round trip")
        fuzzExpect(code.bytes.count == IntermediateCode.byteCount, "intermediate code length")
        _ = (code.lotSequence?.bytes, code.ownerEntropy.ownerSalt, code.passpoint.uncompressed)
    }
    return 0
}
