import Ceremony
// A site's self-signed key declaration (transfer/site-*.declaration.json).
// max_len: 8192
// dict: payload.dict
import CryptoCore
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    fuzzPayload(data, size, kind: .siteDeclaration, as: SiteDeclarationBody.self) { signed in
        let key = signed.payload.body.key
        if let raw = key.rawPublicKey {
            fuzzExpect(raw.count == 32, "raw public key length")
            _ = KeyID(publicKey: raw)
        }
        _ = KeyID(hex: key.keyid)
    }
}
