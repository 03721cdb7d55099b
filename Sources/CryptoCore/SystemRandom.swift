internal import CSodium
import Foundation

/// The operating system's cryptographic random generator, through libsodium's
/// `randombytes_buf` (getrandom(2) on Linux).
package enum SystemRandom {
    /// `count` random bytes as a secret.
    package static func secretBytes(count: Int) -> SecretBytes {
        ensureSodiumInitialized()
        return unsafe SecretBytes(count: count) { out in
            if out.count > 0 { unsafe randombytes_buf(out.baseAddress!, out.count) }
        }
    }

    /// `count` random bytes for public values (salts, identifiers).
    package static func bytes(count: Int) -> [UInt8] {
        ensureSodiumInitialized()
        var out = [UInt8](repeating: 0, count: count)
        if count > 0 { unsafe randombytes_buf(&out, count) }
        return out
    }

    /// A uniform integer in 0..<upperBound, without modulo bias
    /// (`randombytes_uniform`).
    package static func uniform(below upperBound: UInt32) -> UInt32 {
        ensureSodiumInitialized()
        return randombytes_uniform(upperBound)
    }
}
