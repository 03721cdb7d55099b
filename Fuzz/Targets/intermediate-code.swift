// BIP38 intermediate codes (passphrase...): as text, as raw bytes, and as raw bytes
// behind a valid checksum. The passpoint must be a point on secp256k1.
// max_len: 256
import BIP38

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    fuzzBase58Check(data, size, IntermediateCode.self, "intermediate code") { code in
        _ = (code.lotSequence?.bytes, code.ownerEntropy.ownerSalt, code.passpoint.uncompressed)
    }
}
