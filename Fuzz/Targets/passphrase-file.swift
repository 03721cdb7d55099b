// Passphrase files: read through SecretInput (size limit, one trailing newline
// stripped) and made a BIP38 passphrase (UTF-8 validation, NFC). Invalid UTF-8,
// NUL bytes, empty and oversized files must all end in a typed refusal.
// max_len: 12288
import BIP38
import CryptoCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One scratch file, rewritten for each input.
let scratch: (path: String, descriptor: Int32) = {
    var template = Array("/tmp/fuzz-passphrase-XXXXXX".utf8CString)
    let descriptor = mkstemp(&template)
    precondition(descriptor >= 0, "mkstemp")
    let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    unlink(path)  // the open descriptor is enough; nothing is left behind
    return (path, descriptor)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let descriptor = scratch.descriptor
    precondition(
        ftruncate(descriptor, 0) == 0 && pwrite(descriptor, data, size, 0) == size
            && lseek(descriptor, 0, SEEK_SET) == 0)
    let limit = 4096
    // The limit counts the secret after one trailing newline (\n or \r\n) is stripped.
    let bytes = [UInt8](UnsafeBufferPointer(start: data, count: size))
    var stripped = bytes.count
    if stripped > 0 && bytes[stripped - 1] == 0x0A {
        stripped -= 1
        if stripped > 0 && bytes[stripped - 1] == 0x0D { stripped -= 1 }
    }
    do {
        let secret = try SecretInput.read(descriptor: descriptor, name: "fuzz", limit: limit)
        fuzzExpect(secret.count > 0 && secret.count <= limit, "secret length within 1...limit")
        fuzzExpect(stripped <= limit, "accepted a secret over the limit")
        if let passphrase = try? Passphrase(utf8: secret) {
            fuzzExpect(passphrase.normalizedUTF8.count > 0, "empty normalised passphrase")
            // NFC is idempotent: normalising the normalised bytes changes nothing.
            fuzzExpect(
                (try? Passphrase(utf8: passphrase.normalizedUTF8))?.normalizedUTF8 == passphrase.normalizedUTF8,
                "NFC idempotent")
        }
    } catch {
        switch error {
        case .tooLarge: fuzzExpect(stripped > limit, "refused a secret within the limit")
        case .empty: break
        default: fuzzFailure("unexpected refusal \(error)")
        }
    }
    return 0
}
