import BIP38
import Ceremony
import CryptoCore
import Foundation

/// The forms in which the audit looks for each card's secrets: every value, in every
/// encoding a site could have written it in, as literal byte strings for the search.
enum NeedleForms {
    static func needles(for cards: [AuditedCard]) -> [Needle] {
        var needles: [Needle] = []
        func add(_ serial: Serial, _ share: Share, _ name: String, _ raw: [UInt8], binary: Bool) {
            guard !raw.isEmpty else { return }
            needles.append(Needle(serial: serial, share: share, name: name, bytes: raw))
            let base64 = Array(Data(raw).base64EncodedString().utf8)
            needles.append(
                Needle(
                    serial: serial, share: share, name: "\(name) (base64)",
                    bytes: Array(base64.prefix(max(8, base64.count - 4)))))
            if binary {
                needles.append(Needle(serial: serial, share: share, name: "\(name) (hex)", bytes: Array(raw.hex.utf8)))
                needles.append(
                    Needle(serial: serial, share: share, name: "\(name) (HEX)", bytes: Array(raw.hex.uppercased().utf8))
                )
            }
        }
        for card in cards {
            let s = card.serial
            if let secrets = card.secrets {
                add(s, .one, "passphrase", secrets.passphrase.revealedBytes(), binary: false)
                add(s, .one, "prefactor", secrets.prefactor.revealedBytes(), binary: true)
                add(s, .one, "passfactor", secrets.passfactor.revealedBytes(), binary: true)
                if let key = secrets.privateKey { add(s, .key, "private key", key.revealedBytes(), binary: true) }
                if let wif = secrets.wif { add(s, .key, "WIF", Array(wif.utf8), binary: false) }
            }
            if let seedb = card.seedb ?? card.secrets?.seedb {
                add(s, .two, "seedb", seedb.revealedBytes(), binary: true)
                add(s, .two, "factorb", SHA256.doubleHash(secret: seedb).revealedBytes(), binary: true)
            }
            if let key = card.face?.encryptedKey ?? card.secrets?.encryptedKey {
                add(s, .two, "encrypted key", Array(key.text.utf8), binary: false)
                add(s, .two, "encrypted key (raw)", key.bytes, binary: true)
            }
        }
        return needles
    }
}
