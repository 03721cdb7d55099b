import ArgumentParser
import Ceremony
import CryptoCore
import Foundation

/// `log-exception`'s options: the runbook step and the reason (not secret, so from argv or a file).
package struct ExceptionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The runbook step id the exception happened at (Ceremony/RUNBOOK.md).", valueName: "id"))
    package var step: String
    @Option(help: ArgumentHelp("What happened, one line (never a secret).", valueName: "text"))
    package var reason: String?
    @Option(help: ArgumentHelp("Read the reason from this file (one line; - for standard input).", valueName: "path"))
    package var reasonFile: String?

    package init() {}

    package func validate() throws {
        guard (reason == nil) != (reasonFile == nil) else {
            throw ValidationError("give the reason with exactly one of --reason and --reason-file")
        }
        if let why = ExceptionLog.problem(step: step) { throw ValidationError(why) }
    }

    /// The reason, read from its file when given one (a trailing newline dropped).
    package func readReason() throws(CeremonyError) -> String {
        if let reason { return reason }
        let path = reasonFile ?? "-"
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile().prefix(ExceptionLog.reasonLimit * 4 + 2)
        } else {
            do {
                data = try BoundedFile.read(URL(fileURLWithPath: path), limit: ExceptionLog.reasonLimit * 4 + 2)
            } catch {
                throw error.naming(file: path)
            }
        }
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        if text.hasSuffix("\r") { text.removeLast() }
        return text
    }
}

/// Appends an exception entry for `role` (signed by `signer` for a site) and prints it.
package func logException(
    _ layout: CeremonyLayout, role: ExceptionRole, options: ExceptionOptions, signer: Ed25519.SigningKey?,
    output: JSONOption?
) throws {
    let (entry, digest) = try ExceptionLog.append(
        layout, role: role, step: options.step, reason: try options.readReason(), signer: signer)
    (output ?? .text).emit(
        [
            "exception \(entry.index) logged at step \(entry.step) by \(role.rawValue)\(signer == nil ? " (unsigned)" : ", signed")",
            "exception log \(layout.relative(layout.exceptionLog)) head \(digest.hex)",
            "compare aloud: \(digest.humanForm)",
        ],
        [
            "index": .int(entry.index), "step": .string(entry.step), "role": .string(role.rawValue),
            "signed": .bool(signer != nil), "log": .string(layout.relative(layout.exceptionLog)),
            "head": .string(digest.hex), "short_form": .string(digest.humanForm),
        ])
}

/// `destroy-spools` for `party`: destroys its print spools and prints what it did.
package func destroySpools(_ party: Party, layout: CeremonyLayout, pin: PINSource, output: JSONOption) throws {
    let (key, ceremony) = try SiteIdentity.open(party, layout: layout, pin: pin)
    let result = try SpoolDestruction.destroy(party, ceremony: ceremony, key: key)
    let statement = layout.relative(layout.spoolRetention(party))
    output.emit(
        result.destroyed.map { "destroyed \($0)" }
            + (result.destroyed.isEmpty
                ? ["no print spool was left in \(layout.relative(layout.printed(party)))/"] : [])
            + ["retention statement \(statement) \(result.statement.humanForm)"],
        [
            "site": .string(party.rawValue), "destroyed": .array(result.destroyed.map(JSONValue.string)),
            "retention_statement": .string(statement), "digest": .string(result.statement.hex),
        ])
}
