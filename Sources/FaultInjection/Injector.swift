@_spi(Explain) import BIP38
import Ceremony
import CryptoCore
import Foundation

/// Applies a fault to a ceremony folder, acting as the dishonest party would:
/// with that party's own signing key where it re-signs what it sends.
package struct Injector {
    package let layout: CeremonyLayout

    package init(layout: CeremonyLayout) { self.layout = layout }

    /// Applies `fault` (for `afterMint` faults, to `batch`).
    ///
    /// What it signs records the build its party's honest payloads record (a dishonest site
    /// copies its own build field; ``Fault/aForgesBuild`` and ``Fault/bRunsOtherBuild`` are
    /// the faults that change it), unless the caller simulates builds already (``MockCeremony``).
    package func inject(_ fault: Fault, batch: Int) throws(CeremonyError) {
        do {
            let builds = Provenance.simulated ?? copiedBuilds()
            try Provenance.$simulated.withValue(builds) { try apply(fault, batch: batch) }
        } catch let error as CeremonyError {
            throw error
        } catch {
            throw CeremonyError(.failed, "injecting \(fault.rawValue): \(error)", underlying: error)
        }
    }

    /// The build each party's key declaration records (nil for a party without one).
    private func copiedBuilds() -> @Sendable (Party, PayloadKind) -> BuildRecord? {
        var builds: [Party: BuildRecord] = [:]
        for party in [Party.siteA, .siteB] {
            guard let data = try? BoundedFile.read(layout.declaration(party), limit: 1 << 16),
                let envelope = try? Envelope(json: data),
                let payload = try? TranscriptJSON.decoder.decode(
                    Payload<SiteDeclarationBody>.self, from: envelope.payload)
            else { continue }
            builds[party] = payload.build
        }
        return { [builds] party, _ in builds[party] }
    }

    private func apply(_ fault: Fault, batch: Int) throws {
        // Each phase has its own file (Injector+AfterMint.swift, Injector+AfterClose.swift);
        // a fault of phase `during` acts while a site draws or signs (MockCeremony).
        switch fault.phase {
        case .during: break  // acted while drawing or signing (MockCeremony)
        case .afterMint: try applyAfterMint(fault, batch: batch)
        case .afterClose: try applyAfterClose(fault, batch: batch)
        }
    }

    // MARK: - What a dishonest site has at hand

    struct JournalEntry {
        let serial: String
        let passphrase: String
        let code: IntermediateCode
    }

    /// Site A's open journal for a batch (the passphrases it holds until seal).
    func journal(_ batch: Int) throws -> [JournalEntry] {
        try JournalCard.openJournal(layout, batch: batch).map { card in
            JournalEntry(
                serial: card.serial.description,
                passphrase: String(decoding: card.passphrase.normalizedUTF8.revealedBytes(), as: UTF8.self),
                code: card.intermediateCode)
        }
    }

    /// Site B's seedb per card (it had them in memory; recovered here from its faces and the codes).
    func seeds(_ batch: Int) throws -> [(Serial, SecretBytes)] {
        let ceremony = try Transcript.load(layout)
        let (issued, _) = try ceremony.open(
            layout.intermediateBatch(batch), kind: .intermediateBatch, signer: .siteA, batch: batch,
            as: IntermediateBatchBody.self)
        return try CardFace.readSpool(spoolFaces(batch)).map { face in
            let code = issued.payload.body.cards.first { $0.serial == face.serial }!.intermediateCode
            return (face.serial, try face.encryptedKey.recoverSeedb(passpoint: code.passpoint))
        }
    }

    // MARK: - Files

    func write(_ site: URL, _ relative: String, _ data: Data) throws {
        let url = site.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    func append(_ site: URL, _ relative: String, _ text: String) throws {
        let url = site.appendingPathComponent(relative)
        let old = (try? BoundedFile.read(url)) ?? Data()
        try write(site, relative, old + Data(text.utf8))
    }

    func sqlite(_ url: URL, rows: [(String, String)]) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let script = """
            import sqlite3, sys, json
            db = sqlite3.connect(sys.argv[1])
            db.execute("create table if not exists cards (serial text, passphrase text)")
            db.executemany("insert into cards values (?, ?)", json.load(sys.stdin))
            db.commit()
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, url.path]
        let input = Pipe()
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: rows.map { [$0.0, $0.1] }))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CeremonyError(.failed, "python3 sqlite3 failed") }
    }

}

/// The JSON a fault edits, read without a trap: a mock ceremony that is not shaped as the
/// fault expects is an error naming what was missing.
enum JSONShape {
    static func object(_ value: Any?, _ what: String) throws(CeremonyError) -> [String: Any] {
        guard let object = value as? [String: Any] else { throw CeremonyError(.failed, "\(what) is not a JSON object") }
        return object
    }

    static func array(_ value: Any?, _ what: String) throws(CeremonyError) -> [Any] {
        guard let array = value as? [Any] else { throw CeremonyError(.failed, "\(what) is not a JSON array") }
        return array
    }
}

extension Injector {
    /// The face spool the audit reads for `batch`: the mock audit's copy in `mock-secrets/`
    /// once the sites have destroyed theirs (`destroy-spools`), else the one in `printed/`.
    func spoolFaces(_ batch: Int) -> URL {
        FileManager.default.fileExists(atPath: layout.mockSecrets.path) ? layout.mockFaces(batch) : layout.faces(batch)
    }

    /// The label spool the audit reads for `batch` (as ``spoolFaces(_:)``).
    func spoolLabels(_ batch: Int) -> URL {
        FileManager.default.fileExists(atPath: layout.mockSecrets.path)
            ? layout.mockLabels(batch) : layout.labels(batch)
    }
}
