// Site A's intermediate batch (transfer/batch-NNNN.intermediate.json), signed so
// it reaches the decoder: serials, lot/sequence and every intermediate code.
// max_len: 32768
// dict: payload.dict
import BIP38
import Ceremony
import CryptoCore
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    fuzzPayload(data, size, kind: .intermediateBatch, as: IntermediateBatchBody.self) { signed in
        for card in signed.payload.body.cards {
            _ = (card.serial.description, card.lot, card.sequence, card.passphraseCommitment.count)
            if let lotSequence = card.intermediateCode.lotSequence { _ = Serial(lotSequence) == card.serial }
            _ = card.intermediateCode.ownerEntropy.ownerSalt
        }
    }
}
