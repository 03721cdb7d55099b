import Ceremony
// The closing manifest (transfer/closing.json): every payload digest in order.
// max_len: 32768
// dict: payload.dict
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    fuzzPayload(data, size, kind: .closingManifest, as: ClosingManifestBody.self) { signed in
        let entries = signed.payload.body.entries
        _ = (Set(entries), entries.map(\.digest.humanForm), entries.sorted { $0.digest < $1.digest })
    }
}
