// Site B's card face spool (printed/site-b/batch-NNNN.faces.json), which
// card-print and the audit read back.
// max_len: 32768
// dict: payload.dict
import BIP38
import Ceremony
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard let faces = try? TranscriptJSON.decoder.decode([CardFace].self, from: Data(fuzzBytes(data, size))) else {
        return 0
    }
    for face in faces {
        _ = (
            face.serial.description, CardFace.commitment(face.encryptedKey), face.encryptedKey.lotSequence,
            face.address.addressHash
        )
    }
    let encoded = try! TranscriptJSON.prettyEncoder.encode(faces)
    fuzzExpect((try? TranscriptJSON.decoder.decode([CardFace].self, from: encoded)) == faces, "face spool round trip")
    return 0
}
