import Ceremony
// A site's self-signed key declaration (transfer/site-*.declaration.json).
// max_len: 8192
// dict: payload.dict
import CryptoCore
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard let signed = fuzzSignedPayload(fuzzBytes(data, size), kind: .siteDeclaration, as: SiteDeclarationBody.self)
    else { return 0 }
    let key = signed.payload.body.key
    if let raw = key.rawPublicKey {
        fuzzExpect(raw.count == 32, "raw public key length")
        _ = KeyID(publicKey: raw)
    }
    _ = KeyID(hex: key.keyid)
    return 0
}
