/// Why a site or the audit refused to go on. Each is one line; the tools add the file.
public enum CeremonyError: Error, Sendable, CustomStringConvertible {
    case invalidPolicy(String)
    case weakPolicy(bits: Double)
    case invalidManifest(String)
    case notInitialised(String)
    case alreadyDone(String)
    case outOfOrder(String)
    case refusedBundle(file: String, reason: String)
    case refusedCard(file: String, serial: Serial, reason: String)
    case transcript(file: String, TranscriptError)
    case storage(StorageError)
    case failed(String)

    public var description: String {
        switch self {
        case .invalidPolicy(let why): "invalid passphrase policy: \(why)"
        case .weakPolicy(let bits):
            "passphrase policy gives \(String(format: "%.1f", bits)) bits, under the \(Int(PassphrasePolicy.minimumBits))-bit floor (use --force-weak-policy to accept)"
        case .invalidManifest(let why): "invalid manifest: \(why)"
        case .notInitialised(let why): why
        case .alreadyDone(let why): why
        case .outOfOrder(let why): why
        case .refusedBundle(let file, let reason): "\(file): \(reason)"
        case .refusedCard(let file, let serial, let reason): "\(file): card \(serial): \(reason)"
        case .transcript(let file, let error): "\(file): \(error)"
        case .storage(let error): error.description
        case .failed(let why): why
        }
    }
}

/// Runs a file-system step, reporting its failure as ``CeremonyError/storage(_:)``.
public func storing<T>(_ body: () throws(StorageError) -> T) throws(CeremonyError) -> T {
    do {
        return try body()
    } catch {
        throw .storage(error)
    }
}
