// Site B's key batch (transfer/batch-NNNN.keys.json), signed so it reaches the
// decoder: serials, addresses and confirmation codes.
// max_len: 32768
// dict: payload.dict
import BIP38
import Ceremony
import CryptoCore
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    fuzzPayload(data, size, kind: .keyBatch, as: KeyBatchBody.self) { signed in
        for card in signed.payload.body.cards {
            _ = (card.serial.description, card.address.addressHash, card.encryptedKeyCommitment.count)
            let code = card.confirmationCode
            _ = (code.lotSequence.map(Serial.init) == card.serial, code.ownerEntropy.ownerSalt, code.format)
        }
    }
}
