import Ceremony
// A site's retention statement (transfer/batch-NNNN.retention-site-*.json).
// max_len: 16384
// dict: payload.dict
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    fuzzPayload(data, size, kind: .retentionStatement, as: RetentionStatementBody.self) { signed in
        let body = signed.payload.body
        _ = (body.site, body.kept.map(\.path), body.destroyed.count, body.notes.count)
    }
}
