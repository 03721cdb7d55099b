import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading secrets (passphrases, keys) from files, standard input or the
/// terminal, straight into a ``SecretBytes``: never through argv.
package enum SecretInput {
    /// Why a secret could not be read. Messages name the source, never the content.
    package enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case cannotOpen(path: String, reason: String)
        case readFailed(path: String, reason: String)
        case tooLarge(path: String, limit: Int)
        case empty(path: String)
        case noTerminal

        package var description: String {
            switch self {
            case .cannotOpen(let path, let reason): "\(path): cannot open: \(reason)"
            case .readFailed(let path, let reason): "\(path): read failed: \(reason)"
            case .tooLarge(let path, let limit): "\(path): larger than \(limit) bytes, refused"
            case .empty(let path): "\(path): empty"
            case .noTerminal: "no terminal to prompt on: give the secret with a file option"
            }
        }
    }

    /// Reads a secret from `path` (`-` for standard input), strips one trailing
    /// newline (`\n` or `\r\n`), and refuses a secret over `limit` bytes (counted
    /// after the newline is stripped) or, unless `allowEmpty`, an empty one.
    package static func read(
        path: String, limit: Int = 4096, stripNewline: Bool = true, allowEmpty: Bool = false
    ) throws(Failure) -> SecretBytes {
        let descriptor: Int32
        if path == "-" {
            descriptor = STDIN_FILENO
        } else {
            // Non-blocking, and checked on the open descriptor: a FIFO, device or socket in a
            // secret file's place is refused at once, never waited on (`-` reads standard input).
            descriptor = unsafe open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
            guard descriptor >= 0 else {
                throw unsafe .cannotOpen(path: path, reason: String(cString: strerror(errno)))
            }
            var info = stat()
            guard unsafe fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
                close(descriptor)
                throw .cannotOpen(path: path, reason: "not a regular file (give a file, or - for standard input)")
            }
        }
        defer { if path != "-" { close(descriptor) } }
        return try read(
            descriptor: descriptor, name: path, limit: limit, stripNewline: stripNewline, allowEmpty: allowEmpty)
    }

    /// Reads everything from an open descriptor into a secret, as ``read(path:limit:stripNewline:allowEmpty:)``.
    package static func read(
        descriptor: Int32, name: String, limit: Int, stripNewline: Bool = true, allowEmpty: Bool = false
    ) throws(Failure)
        -> SecretBytes
    {
        // Read into one zeroing buffer one byte larger than the limit and the
        // newline that may follow it (`\r\n`), so an oversized input is detected
        // without growing (and copying) secrets.
        var total = 0
        var failure: Failure?
        let buffer = unsafe SecretBytes(count: limit + (stripNewline ? 2 : 0) + 1) { out in
            while total < out.count {
                let n = unsafe Glibc.read(descriptor, out.baseAddress! + total, out.count - total)
                if n == 0 { break }
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = unsafe .readFailed(path: name, reason: String(cString: strerror(errno)))
                    return
                }
                total += n
            }
        }
        if let failure { throw failure }
        var end = total
        if stripNewline && end > 0 && end < buffer.count && buffer[end - 1] == UInt8(ascii: "\n") {
            end -= 1
            if end > 0 && buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        }
        guard end <= limit else { throw .tooLarge(path: name, limit: limit) }
        guard end > 0 || allowEmpty else { throw .empty(path: name) }
        return buffer[0..<end]
    }

    /// Whether standard input is a terminal (so a prompt is possible).
    package static var standardInputIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }

    /// Whether standard error is a terminal (so progress lines are wanted).
    package static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Prompts on the terminal with echo off and reads one line (empty refused unless `allowEmpty`).
    package static func prompt(
        _ message: String, limit: Int = 4096, allowEmpty: Bool = false
    ) throws(Failure)
        -> SecretBytes
    {
        guard standardInputIsTerminal else { throw .noTerminal }
        FileHandle.standardError.write(Data(message.utf8))
        var saved = termios()
        unsafe tcgetattr(STDIN_FILENO, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        unsafe tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            unsafe tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        // Read up to the newline, one byte at a time, into a zeroing buffer.
        var total = 0
        let line = unsafe SecretBytes(count: limit) { out in
            while total < out.count {
                var byte: UInt8 = 0
                let n = unsafe Glibc.read(STDIN_FILENO, &byte, 1)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 || byte == UInt8(ascii: "\n") { break }
                unsafe out[total] = byte
                total += 1
            }
        }
        guard total > 0 || allowEmpty else { throw .empty(path: "terminal") }
        return line[0..<total]
    }
}
