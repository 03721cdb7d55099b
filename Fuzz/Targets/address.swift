// P2PKH addresses: as text, and as a Base58Check payload (past the checksum).
// max_len: 256
import BIP38

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = fuzzBytes(data, size)
    for text in [fuzzText(bytes), Base58.checkEncode(bytes)] {
        guard let address = try? Address(text) else { continue }
        fuzzExpect((try? Address(address.text)) == address, "address round trip")
        _ = address.addressHash
    }
    return 0
}
