// Base58 and Base58Check decoding of arbitrary text.
// max_len: 512
import BIP38

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = fuzzBytes(data, size)
    let text = fuzzText(bytes)
    if let decoded = try? Base58.decode(text) {
        // Canonical text re-encodes to itself; every decoding round-trips.
        fuzzExpect((try? Base58.decode(Base58.encode(decoded))) == decoded, "base58 round trip")
    }
    if let payload = try? Base58.checkDecode(text) {
        fuzzExpect((try? Base58.checkDecode(Base58.checkEncode(payload))) == payload, "base58check round trip")
    }
    // Raw bytes through encode and back.
    fuzzExpect((try? Base58.decode(Base58.encode(bytes))) == bytes, "base58 encode/decode")
    fuzzExpect((try? Base58.checkDecode(Base58.checkEncode(bytes))) == bytes, "base58check encode/decode")
    return 0
}
