// WIF private keys: as text, and as a Base58Check payload (past the checksum).
// max_len: 256
import BIP38

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = fuzzBytes(data, size)
    for text in [fuzzText(bytes), Base58.checkEncode(bytes)] {
        guard let wif = try? WIF(text) else { continue }
        let again = try? WIF(wif.revealedText())
        fuzzExpect(
            again?.key.scalar == wif.key.scalar && again?.format == wif.format && again?.network == wif.network,
            "WIF round trip")
        _ = wif.key.address(format: wif.format, network: wif.network)
    }
    return 0
}
