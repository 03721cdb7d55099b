// The ceremony manifest (ceremony.json's payload), signed so it reaches the
// decoder, then validated and used as the sites use it (batches, serials, policy).
// max_len: 16384
// dict: payload.dict
import BIP38
import CryptoCore
import Foundation

@testable import Ceremony

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    fuzzPayload(data, size, kind: .manifest, as: ManifestBody.self) { signed in
        let body = signed.payload.body
        _ = (body.trustedKeys, body.keyID(of: .siteA), body.keyID(of: .siteB), body.policy.entropyBits)
        for force in [false, true] {
            do {
                try body.validate(forceWeakPolicy: force)
            } catch {
                continue
            }
            // What a validated manifest promises: batches and serials are computable.
            let batches = body.batchCount
            fuzzExpect(batches >= 1, "a valid manifest has a batch")
            let ceremony = Transcript(layout: CeremonyLayout(path: "/nonexistent"), manifest: signed, auditorKey: nil)
            for batch in [0, 1, batches, batches + 1] {
                let inRange = (try? ceremony.checkBatch(batch)) != nil
                fuzzExpect(inRange == (1...batches).contains(batch), "checkBatch(\(batch))")
            }
            let last = body.serials(batch: batches)
            fuzzExpect(!last.isEmpty && last.count <= body.batchSize, "last batch size")
            for serial in [body.serials(batch: 1).first, last.last].compactMap({ $0 }) {
                fuzzExpect(
                    (try? LotSequence(lot: serial.lot, sequence: serial.sequence)) != nil, "serial \(serial) fits BIP38"
                )
            }
            fuzzExpect(body.policy.generate().count > 0, "passphrase from a valid policy")
        }
    }
}
