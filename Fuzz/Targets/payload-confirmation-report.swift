import Ceremony
// Site A's confirmation report (transfer/batch-NNNN.confirmation.json).
// max_len: 16384
// dict: payload.dict
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    fuzzPayload(data, size, kind: .confirmationReport, as: ConfirmationReportBody.self) { signed in
        let body = signed.payload.body
        _ = (body.checked, body.confirmed, body.failures.map(\.serial.description))
    }
}
