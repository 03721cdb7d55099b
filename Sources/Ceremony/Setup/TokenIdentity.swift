import CryptoCore
import Foundation
import Token

/// Where a site's key is when it lives in a PKCS#11 token: the record
/// `signing-key.pkcs11.json` in the site folder, written at `init`, read by every later step.
/// It holds nothing secret: the module, the token, the key pair's CKA_ID and its public key.
package struct TokenKeyRecord: Codable, Sendable, Equatable {
    /// The PKCS#11 module's absolute path.
    package let module: String
    /// The token's label.
    package let token: String
    /// The key pair's CKA_ID, hex.
    package let id: String
    /// The raw Ed25519 public key, hex (what the site declared).
    package let publicKey: String

    package static let fileName = "signing-key.pkcs11.json"

    package var location: TokenLocation { TokenLocation(module: module, token: token) }

    /// Reads the record from the site's folder, or nil when there is none.
    static func read(in site: DirectoryHandle) throws(CeremonyError) -> TokenKeyRecord? {
        guard try site.contains(fileName) else { return nil }
        let file = site.url.appendingPathComponent(fileName).path
        let data = try site.read(fileName, limit: 1 << 14)
        guard let record = try? TranscriptJSON.decoder.decode(TokenKeyRecord.self, from: data),
            let id = [UInt8](hexString: record.id), !id.isEmpty,
            let key = [UInt8](hexString: record.publicKey), key.count == 32
        else { throw CeremonyError(.damagedRecord, file: file, "not a PKCS#11 key record") }
        return record
    }

    /// Why the file at `path` is not this site's token key record for `publicKey`, or nil when it is.
    package static func defect(ofFileAt path: String, publicKey: [UInt8]?) -> String? {
        guard let data = FileManager.default.contents(atPath: path), data.count <= 1 << 14,
            let record = try? TranscriptJSON.decoder.decode(TokenKeyRecord.self, from: data)
        else { return "not a PKCS#11 key record" }
        guard let encoded = try? TranscriptJSON.prettyEncoder.encode(record), encoded == data else {
            return "does not re-encode to its own bytes: it holds more than a key record"
        }
        guard let publicKey, record.publicKey == publicKey.hex else {
            return "names another key than the one the manifest names for the site"
        }
        return nil
    }
}

/// Where a site command takes a token's PIN from: `--pin-file PATH` (`-` for standard
/// input), or else an echo-off prompt on the terminal. Never argv, never the environment.
package struct PINSource: Sendable, Equatable {
    package let file: String?

    package init(file: String? = nil) { self.file = file }

    /// The PIN for `token`.
    /// - Throws: ``CeremonyError/Code/tokenFailed`` naming the file (or the missing terminal), never the PIN.
    func read(token: String) throws(CeremonyError) -> SecretBytes {
        do {
            if let file { return try SecretInput.read(path: file, limit: 256) }
            return try SecretInput.prompt("PIN for PKCS#11 token '\(token)': ", limit: 256)
        } catch .noTerminal {
            throw CeremonyError(
                .tokenFailed, "PKCS#11 token '\(token)': no terminal to ask the PIN on: give it with --pin-file PATH")
        } catch {
            throw CeremonyError(.tokenFailed, "PKCS#11 token '\(token)': PIN: \(error)")
        }
    }
}

/// A site's choice at `init` to make its key in a token instead of a seed file.
package struct TokenChoice: Sendable {
    package let location: TokenLocation
    package let pin: PINSource

    package init(module: String, token: String, pin: PINSource) {
        location = TokenLocation(module: module, token: token)
        self.pin = pin
    }
}

extension SiteIdentity {
    /// The token holding `key`, when it is a token's.
    package static func tokenKey(_ key: Ed25519.SigningKey) -> TokenKey? { key.external as? TokenKey }

    /// Makes a key pair in the token and records where it is; the key never leaves the token.
    static func createInToken(
        _ choice: TokenChoice, site: DirectoryHandle, label: String
    ) throws(CeremonyError) -> Ed25519.SigningKey {
        let pin = try choice.pin.read(token: choice.location.token)
        let token: TokenKey
        do { token = try TokenKey.generate(in: choice.location, pin: pin, label: label) } catch {
            throw CeremonyError(.tokenFailed, error.description, underlying: error)
        }
        let key = try tested(token, file: site.url.path)
        let record = TokenKeyRecord(
            module: choice.location.module, token: choice.location.token, id: token.id.hex,
            publicKey: token.publicKey.hex)
        // The encoder cannot fail on four strings.
        let data = try! TranscriptJSON.prettyEncoder.encode(record)
        try site.write(data, to: TokenKeyRecord.fileName, mode: .secret)
        return key
    }

    /// Opens the key a record names, checking the token's public key is the recorded one.
    static func loadFromToken(
        _ record: TokenKeyRecord, file: String, pin source: PINSource
    ) throws(CeremonyError) -> Ed25519.SigningKey {
        let pin = try source.read(token: record.token)
        let token: TokenKey
        do {
            // The record was checked on reading: its id is hex.
            token = try TokenKey.open(in: record.location, pin: pin, id: [UInt8](hexString: record.id) ?? [])
        } catch {
            throw CeremonyError(.tokenFailed, file: file, error.description, underlying: error)
        }
        guard token.publicKey.hex == record.publicKey else {
            throw CeremonyError(
                .tokenFailed, file: file, "PKCS#11 token '\(record.token)' holds another key under the recorded id")
        }
        return try tested(token, file: file)
    }

    /// The token's key after one test signature that verifies, so that a token that
    /// cannot sign is an error here and not at the first bundle.
    private static func tested(_ token: TokenKey, file: String) throws(CeremonyError) -> Ed25519.SigningKey {
        let probe = Array("bip38-2fkg token check".utf8)
        do {
            let signature = try token.signature(of: probe)
            guard Ed25519.verify(signature: signature, message: probe, publicKey: token.publicKey) else {
                throw TokenError.unexpected(token: token.location.token, "its signature does not verify")
            }
        } catch {
            throw CeremonyError(.tokenFailed, file: file, "\(error)", underlying: error)
        }
        return Ed25519.SigningKey(external: token)
    }
}
