import CryptoCore
import Foundation

/// Why an envelope was refused. One line each, naming the cause.
package enum EnvelopeError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case wrongPayloadType(expected: String, found: String)
    case unsigned
    case unknownKeyID(String)
    case duplicateSigner(String)
    case badSignature(keyid: String)
    case missingSignature(keyid: String)

    package var description: String {
        switch self {
        case .malformed(let why): "not a DSSE envelope: \(quoted(why, limit: 200))"
        case .wrongPayloadType(let expected, let found): "wrong payloadType \(quoted(found)), expected \(expected)"
        case .unsigned: "envelope has no signature"
        case .unknownKeyID(let keyid): "signed by an unknown key \(KeyID.short(keyid))"
        case .duplicateSigner(let keyid): "signed twice by \(KeyID.short(keyid))"
        case .badSignature(let keyid): "bad signature by \(KeyID.short(keyid)): the envelope was changed or forged"
        case .missingSignature(let keyid): "missing the signature of \(KeyID.short(keyid))"
        }
    }
}
