import CryptoCore
import Foundation

/// Where a site's key lives when it is not a seed file: a PKCS#11 module (the shared
/// library a token's vendor ships, SoftHSM2's `/usr/lib/softhsm/libsofthsm2.so`) and
/// the label of one token it serves.
package struct TokenLocation: Sendable, Equatable, Codable {
    /// The module's path, loaded with dlopen.
    package let module: String
    /// The token's label (CK_TOKEN_INFO's `label`, trailing blanks not counted).
    package let token: String

    package init(module: String, token: String) {
        self.module = module
        self.token = token
    }
}

/// Why a token could not be used. Messages name the module, the token and the
/// PKCS#11 call with its return value (`CKR_PIN_INCORRECT`), never the PIN.
package enum TokenError: Error, Equatable, Sendable, CustomStringConvertible {
    /// dlopen refused the module, or it has no `C_GetFunctionList`.
    case moduleUnusable(module: String, reason: String)
    /// No token with this label is present in any slot of the module.
    case noToken(module: String, token: String)
    /// C_Login said the PIN is wrong (CKR_PIN_INCORRECT, CKR_PIN_LEN_RANGE).
    case wrongPIN(token: String)
    /// The token has locked its user PIN after too many wrong ones.
    case pinLocked(token: String)
    /// No key pair with this CKA_ID in the token (destroyed, or another token).
    case keyNotFound(token: String, id: String)
    /// A call failed.
    case callFailed(token: String, call: String, result: UInt)
    /// The token answered with something that is not an Ed25519 key or signature.
    case unexpected(token: String, String)

    package var description: String {
        switch self {
        case .moduleUnusable(let module, let reason): "PKCS#11 module \(module): cannot be used: \(reason)"
        case .noToken(let module, let token): "no PKCS#11 token labelled '\(token)' in \(module)"
        case .wrongPIN(let token): "PKCS#11 token '\(token)': wrong PIN"
        case .pinLocked(let token): "PKCS#11 token '\(token)': the user PIN is locked"
        case .keyNotFound(let token, let id): "PKCS#11 token '\(token)': no signing key with id \(id)"
        case .callFailed(let token, let call, let result):
            "PKCS#11 token '\(token)': \(call) failed (\(TokenError.name(of: result)))"
        case .unexpected(let token, let what): "PKCS#11 token '\(token)': \(what)"
        }
    }

    /// The name of a CK_RV the sites may meet, or its hex value.
    static func name(of result: UInt) -> String {
        let names: [UInt: String] = [
            0x05: "CKR_GENERAL_ERROR", 0x06: "CKR_FUNCTION_FAILED", 0x07: "CKR_ARGUMENTS_BAD",
            0x30: "CKR_DEVICE_ERROR", 0x31: "CKR_DEVICE_MEMORY", 0x32: "CKR_DEVICE_REMOVED",
            0x60: "CKR_KEY_HANDLE_INVALID", 0x70: "CKR_MECHANISM_INVALID", 0x82: "CKR_OBJECT_HANDLE_INVALID",
            0xA0: "CKR_PIN_INCORRECT", 0xA2: "CKR_PIN_LEN_RANGE", 0xA4: "CKR_PIN_LOCKED",
            0xB3: "CKR_SESSION_HANDLE_INVALID", 0xB5: "CKR_SESSION_READ_ONLY", 0xD1: "CKR_TEMPLATE_INCONSISTENT",
            0xE0: "CKR_TOKEN_NOT_PRESENT", 0xE2: "CKR_TOKEN_WRITE_PROTECTED", 0x101: "CKR_USER_NOT_LOGGED_IN",
            0x190: "CKR_CRYPTOKI_NOT_INITIALIZED",
        ]
        return names[result] ?? "CKR 0x" + String(result, radix: 16)
    }
}

/// An Ed25519 key pair made inside a PKCS#11 token, never out of it: the private key
/// is CKA_SENSITIVE and not CKA_EXTRACTABLE, and signs with CKM_EDDSA inside the token.
///
/// One logged-in session per key, held while the key lives. Calls are serialised
/// (PKCS#11 sessions are not for concurrent use).
package final class TokenKey: Ed25519.ExternalSigner, @unchecked Sendable {
    package let location: TokenLocation
    /// The key pair's CKA_ID (16 random bytes, the same on both halves).
    package let id: [UInt8]
    /// The raw 32-byte Ed25519 public key, read from the token (CKA_EC_POINT).
    package let publicKey: [UInt8]
    let session: PKCS11Session
    let lock = NSLock()

    init(location: TokenLocation, id: [UInt8], publicKey: [UInt8], session: PKCS11Session) {
        self.location = location
        self.id = id
        self.publicKey = publicKey
        self.session = session
    }

    /// Makes a new key pair in the token: CKM_EC_EDWARDS_KEY_PAIR_GEN on edwards25519,
    /// stored on the token, the private half sensitive, not extractable, sign only.
    /// - Parameter label: CKA_LABEL of both halves (which site it is).
    /// - Throws: ``TokenError``: the module, the token, the PIN or a call.
    package static func generate(
        in location: TokenLocation, pin: SecretBytes, label: String
    ) throws(TokenError) -> TokenKey {
        let session = try PKCS11Session.open(location, pin: pin)
        let id = SystemRandom.bytes(count: 16)
        let publicKey = try session.generateEd25519(id: id, label: label)
        return TokenKey(location: location, id: id, publicKey: publicKey, session: session)
    }

    /// Opens the key pair with CKA_ID `id` in the token.
    /// - Throws: ``TokenError``; ``TokenError/keyNotFound(token:id:)`` once it was destroyed.
    package static func open(in location: TokenLocation, pin: SecretBytes, id: [UInt8]) throws(TokenError) -> TokenKey {
        let session = try PKCS11Session.open(location, pin: pin)
        let publicKey = try session.publicKey(id: id)
        return TokenKey(location: location, id: id, publicKey: publicKey, session: session)
    }

    /// The 64-byte Ed25519 signature of `message`, made in the token (CKM_EDDSA, pure Ed25519).
    package func signature(of message: [UInt8]) throws(TokenError) -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        return try session.signEd25519(id: id, message: message)
    }

    /// ``Ed25519/ExternalSigner``'s entry point.
    package func sign(_ message: [UInt8]) throws -> [UInt8] { try signature(of: message) }

    /// A one-line name for messages: the token and the key's id.
    package var name: String { "PKCS#11 token '\(location.token)'" }

    /// Destroys both halves of the key pair in the token (C_DestroyObject), then checks
    /// that no object with its id is left. The key signs nothing afterwards.
    package func destroy() throws(TokenError) {
        lock.lock()
        defer { lock.unlock() }
        try session.destroyKeyPair(id: id)
    }
}
