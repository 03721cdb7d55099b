// Site B's encrypted keys kept in other encodings, as secret bytes, or on the face sheet (KeptForm's key forms).
import BIP38
import Ceremony
import Foundation
import Printing

extension Injector {
    /// Writes batch `batch`'s encrypted keys as `name` in `site` in the form `form`: UTF-16,
    /// base58 without the checksum, their 24 secret bytes end to end, or the printed face
    /// sheet (under its own name), alone or between blocks of random bytes.
    func keepKey(_ form: KeptForm, batch: Int, site: URL, name: String) throws {
        func put(_ data: [UInt8]) throws { try write(site, name, Data(data)) }
        switch form {
        case .keyUTF16:
            let keys = try CardFace.readSpool(spoolFaces(batch)).map { "\($0.serial) \($0.encryptedKey.text)\n" }
            try put(Array(keys.joined().utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        case .keyBase58:
            let keys = try CardFace.readSpool(spoolFaces(batch)).map {
                "\($0.serial) \(Base58.encode($0.encryptedKey.bytes))\n"
            }
            try put(Array(keys.joined().utf8))
        case .keySecretBytes:
            try put(try CardFace.readSpool(spoolFaces(batch)).flatMap { Array($0.encryptedKey.bytes[15..<39]) })
        case .faceSheet:
            let sheet = try PrintRun.faceSheet(layout, batch: batch, denomination: "1 BTC")
            try write(site, "kept/\(sheet.lastPathComponent)", try BoundedFile.read(sheet))
        case .faceSheetInBinary:
            let sheet = try PrintRun.faceSheet(layout, batch: batch, denomination: "1 BTC")
            var random = SystemRandomNumberGenerator()
            func noise() -> [UInt8] { (0..<65_536).map { _ in UInt8.random(in: 0...255, using: &random) } }
            try put(noise() + [0] + Array(try BoundedFile.read(sheet)) + [0] + noise())
        default: preconditionFailure("\(form.rawValue) is not a key form")
        }
    }
}
