/// Failures of the cryptographic primitives. Messages never contain secret material.
///
/// Public, unlike the rest of CryptoCore (`package`): the BIP38 library
/// product's `BIP38Error.primitive` carries it.
public enum CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Bytes that should encode a secp256k1 point do not (wrong length, wrong
    /// prefix byte, or x not on the curve).
    case pointNotOnCurve
    /// A 32-byte scalar is 0 or not below the curve order n.
    case invalidScalar
    /// A product or sum landed on the point at infinity or on 0.
    case degenerateResult
    /// An input had the wrong length for the primitive.
    case wrongLength(what: String, expected: Int, actual: Int)
    /// The C library reported a failure it does not explain further.
    case libraryFailure(String)
    /// The memory a call needs cannot be had: its size overflows, exceeds the
    /// machine's physical memory, or the allocation failed (scrypt's working memory).
    case memoryUnavailable(String)
    /// Bytes that should be text are not valid UTF-8, or Unicode normalisation failed.
    case invalidText(String)

    public var description: String {
        switch self {
        case .pointNotOnCurve: "point not on curve"
        case .invalidScalar: "scalar out of range (0 or not below the curve order)"
        case .degenerateResult: "curve operation gave a degenerate result"
        case .wrongLength(let what, let expected, let actual): "\(what) must be \(expected) bytes, got \(actual)"
        case .libraryFailure(let what): "crypto library failure: \(what)"
        case .memoryUnavailable(let what): "memory unavailable: \(what)"
        case .invalidText(let what): "invalid text: \(what)"
        }
    }
}
