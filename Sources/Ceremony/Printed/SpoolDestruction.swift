import CryptoCore
import Foundation

/// `destroy-spools`: once every batch is printed and assembled, a site overwrites and
/// removes its print spool folder (`printed/site-a/`: the label spools and sheets, every
/// passphrase; `printed/site-b/`: the face spools and sheets, every encrypted key), as
/// `seal` does for the journal, and records it in a signed retention statement
/// (`transfer/spools.retention-SITE.json`, no batch, the next link of its chain).
package enum SpoolDestruction {
    /// What was destroyed: the files, relative to the ceremony folder.
    package struct Result: Sendable {
        package let destroyed: [String]
        package let statement: PayloadDigest
    }

    /// Destroys `party`'s print spools and writes its retention statement.
    ///
    /// Refused before every batch is sealed (site A) or minted (site B), after the closing
    /// manifest (which lists the statement), when done already, and when the folder holds
    /// anything but files (a folder inside it is not the printer's).
    package static func destroy(
        _ party: Party, ceremony: Transcript, key: Ed25519.SigningKey
    ) throws(CeremonyError) -> Result {
        let layout = ceremony.layout
        let lock = try SiteLock.acquire(party, layout: layout, for: "destroy-spools")
        defer { withExtendedLifetime(lock) {} }
        let statementURL = layout.spoolRetention(party)
        guard !FileManager.default.fileExists(atPath: statementURL.path) else {
            throw .alreadyDone("\(party.siteName)'s spools are destroyed already (\(layout.relative(statementURL)))")
        }
        guard !FileManager.default.fileExists(atPath: layout.closingManifest.path) else {
            throw .outOfOrder("the ceremony is closed: destroy-spools comes after assembly and before close")
        }
        for batch in 1...ceremony.body.batchCount
        where !FileManager.default.fileExists(atPath: layout.retention(party, batch: batch).path) {
            throw .outOfOrder(
                "batch \(batch) is not \(party == .siteA ? "sealed" : "minted") yet: destroy the spools after every batch is printed and assembled"
            )
        }
        var destroyed: [String] = []
        let root = try DirectoryHandle.open(layout.root, policy: .followed)
        if let printed = try root.folderIfPresent(layout.printed.lastPathComponent, policy: .tightened),
            let spools = try printed.folderIfPresent(party.rawValue, policy: .tightened)
        {
            let names = try spools.names()
            for name in names {
                guard let info = try spools.info(name), info.st_mode & S_IFMT != S_IFDIR else {
                    throw .refusedBundle(
                        file: layout.relative(spools.url.appendingPathComponent(name)),
                        reason: "is a folder, not a print file: destroy-spools destroys only files; move it away")
                }
            }
            for name in names {
                try spools.destroy(name)
                destroyed.append(layout.relative(spools.url.appendingPathComponent(name)))
            }
            try printed.removeFolder(party.rawValue)
        }
        let transcript = try ceremony.entries()
        let link = ceremony.nextLink(for: party, in: transcript)
        let what = party == .siteA ? "label spools and sheets (passphrases)" : "face spools and sheets (encrypted keys)"
        let body = RetentionStatementBody(
            site: party, kept: RetentionInventory.files(in: layout.site(party), layout: layout),
            destroyed: destroyed.isEmpty
                ? ["no print spool was left in \(layout.relative(layout.printed(party)))/"]
                : destroyed.map { "\($0): \(what), overwritten with zeros and removed" },
            notes: [
                "the print spools were destroyed after printing and assembly (runbook step X-5.3 / X-5.4)",
                "overwriting is best effort on journaling or copy-on-write file systems and SSDs",
            ])
        let payload = Payload(
            type: .retentionStatement, ceremony: ceremony.id, signer: party, batch: nil, sequence: link.sequence,
            prev: link.prev, answers: nil, body: body)
        let signed = SignedPayload(payload, signers: [key])
        try signed.write(in: try DirectoryHandle.transfer(layout: layout), name: statementURL.lastPathComponent)
        return Result(destroyed: destroyed, statement: signed.digest)
    }
}
