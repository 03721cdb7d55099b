import ArgumentParser

/// A refusal the user can act on: printed as one line on stderr, exit status 1.
struct ToolFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body`, turning its typed error into a ``ToolFailure`` whose line
/// starts with the file (or argument) the input came from.
func failure<T, E: Error & CustomStringConvertible>(file: String, _ body: () throws(E) -> T) throws -> T {
    do {
        return try body()
    } catch {
        // SecretInput failures already start with the path.
        let line = error.description.hasPrefix(file + ":") ? error.description : "\(file): \(error.description)"
        throw ToolFailure(line)
    }
}
