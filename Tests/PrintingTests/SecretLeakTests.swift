@_spi(Explain) import BIP38
import Ceremony
import CryptoCore
import Foundation
import Testing

/// No card secret reaches argv, the environment, stdout or stderr, the logs,
/// the bundles, the sites' retained folders or the audit.
///
/// Runs the mock ceremony (`Ceremony/run-ceremony.sh`, as `make ceremony`
/// does: both sites, both printers, assembly, closing, audit) under
/// `bash -x`, so every command line the script runs is traced on stderr.
/// Then rebuilds every card's secrets from the physical print run (the
/// scratch-off label and the card face, decrypted) and searches every byte
/// the run produced for each of them, as raw bytes, hex in either case and
/// base64, and the private key also as WIF:
///
/// - argv: the script's xtrace (each command as executed, arguments expanded);
/// - the environment the run was given;
/// - everything the run printed on stdout and stderr (the tools' output and
///   refusals; the toolkit writes no other log);
/// - ceremony.json, transfer/ (every bundle), site-a/, site-b/, audit/.
///
/// Left out on purpose: printed/ and cards/, the print run itself, which must
/// hold the passphrases (labels) and encrypted keys (faces), and mock-secrets/,
/// the mock audit's copy of the spools made before the sites destroyed them. That
/// copy serves as the positive control: the same search finds every passphrase
/// and encrypted key there.
///
/// The negative control runs the same ceremony with a fault from the audit's
/// catalogue (site A keeps the passphrases, site B keeps seedb): the same
/// search must then find exactly those secrets.
@Suite struct SecretLeakTests {
    @Test(
        "a whole mock ceremony leaves no card secret outside the print run", arguments: ["", "sites-both-keep-shares"])
    func noSecretOutsideThePrintRun(fault: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("leak-\(UUID().uuidString)")
        defer { MockCeremonyRun.remove(folder) }
        let arguments = ["-x", MockCeremonyRun.script]
        let environment = [
            "BIN": MockCeremonyRun.bin, "CARDS": "4", "BATCH_SIZE": "2", "CEREMONY_DIR": folder.path, "FAULT": fault,
        ]
        let result = try run("bash", arguments, environment: environment)
        // An honest run passes its audit; the faulty one fails it (exit 3) but completes.
        try #require(result.status == (fault.isEmpty ? 0 : 3), "\(result.stderr.suffix(3000))")
        #expect(result.stderr.contains("passphrase-site issue --batch 1"), "the xtrace should show each command line")

        let layout = CeremonyLayout(root: folder)
        let cards = try CardSecrets.all(layout)
        #expect(cards.count == 4)

        // Positive control: the mock audit's copy of the print run holds each passphrase and
        // encrypted key, and the search sees them (the sites destroyed printed/ after assembly).
        #expect(!FileManager.default.fileExists(atPath: layout.printed(.siteA).path))
        let printRun = Haystack(folders: [layout.mockSecrets])
        for card in cards {
            #expect(printRun.find(card.passphrase) != nil, "search missed \(card.serial)'s passphrase in mock-secrets/")
            #expect(
                printRun.find(card.encryptedKey) != nil, "search missed \(card.serial)'s encrypted key in mock-secrets/"
            )
        }

        var everything = Haystack(folders: [layout.transfer, layout.site(.siteA), layout.site(.siteB), layout.audit])
        everything.add("ceremony.json", try Data(contentsOf: layout.manifest))
        everything.add(
            "argv (bash -x trace and the script's arguments)",
            Data((arguments.joined(separator: " ") + "\n" + result.stderr).utf8))
        everything.add("stdout", Data(result.stdout.utf8))
        everything.add("stderr", Data(result.stderr.utf8))
        let given = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        everything.add("environment", Data(given.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "\n").utf8))
        #expect(everything.blobs.count >= 15, "expected the bundles, both sites, the audit and the run's output")

        var found: Set<String> = []
        for card in cards {
            for (name, value) in card.secrets {
                guard let place = everything.find(value) else { continue }
                found.insert(name)
                if fault.isEmpty { Issue.record("\(card.serial)'s \(name) found in \(place)") }
            }
        }
        if !fault.isEmpty {
            // seedb is kept raw: factorb and the key are not derivable by search, only by the audit's math.
            #expect(found == ["passphrase", "seedb"], "the fault's secrets, found: \(found.sorted())")
        }
    }

    @Test("the search finds a secret in every encoding it claims")
    func searchSeesEveryEncoding() {
        let secret: [UInt8] = Array(0..<32)
        for form in [
            Data(secret), Data(secret.hex.utf8), Data(secret.hex.uppercased().utf8),
            Data(Data(secret).base64EncodedString().utf8),
        ] {
            var haystack = Haystack(folders: [])
            haystack.add("blob", Data("prefix {\"x\": \"".utf8) + form + Data("\"} suffix".utf8))
            #expect(haystack.find(secret) == "blob")
        }
        // base64 at another alignment (after one and two leading bytes) is found too.
        for lead in [[UInt8(9)], [UInt8(9), 9]] {
            var haystack = Haystack(folders: [])
            haystack.add("blob", Data(Data(lead + secret).base64EncodedString().utf8))
            #expect(haystack.find(secret) == "blob", "base64 after \(lead.count) byte(s)")
        }
    }
}

/// One card's secrets, rebuilt from its label and face (the physical card).
struct CardSecrets {
    let serial: Serial
    let passphrase: [UInt8]
    let encryptedKey: [UInt8]
    /// Name and raw bytes (text secrets as their UTF-8).
    let secrets: [(String, [UInt8])]

    static func all(_ layout: CeremonyLayout) throws -> [CardSecrets] {
        let ceremony = try Transcript.load(layout)
        var out: [CardSecrets] = []
        for batch in 1...ceremony.body.batchCount {
            var labels: [Serial: Passphrase] = [:]
            for record in try SecretRecord.read(layout.mockLabels(batch)) {
                let serial = try #require(record.text("serial").flatMap { Serial(text: $0) })
                labels[serial] = try Passphrase(utf8: try #require(record["passphrase"]))
            }
            for face in try CardFace.readSpool(layout.mockFaces(batch)) {
                let passphrase = try #require(labels[face.serial])
                let decrypted = try face.encryptedKey.decrypt(passphrase: passphrase, network: ceremony.body.network)
                let ec = try #require(decrypted.ecMultiply)
                let phrase = passphrase.normalizedUTF8.revealedBytes()
                out.append(
                    CardSecrets(
                        serial: face.serial, passphrase: phrase, encryptedKey: Array(face.encryptedKey.text.utf8),
                        secrets: [
                            ("passphrase", phrase), ("prefactor", ec.owner.prefactor.revealedBytes()),
                            ("passfactor", ec.owner.passfactor.revealedBytes()), ("seedb", ec.seedb.revealedBytes()),
                            ("factorb", ec.factorb.revealedBytes()),
                            ("private key", decrypted.key.scalar.revealedBytes()),
                            ("WIF", Array(decrypted.wif.revealedText().utf8)),
                        ]))
            }
        }
        return out
    }
}

/// Named blobs of bytes to search for secrets.
struct Haystack {
    var blobs: [(name: String, data: Data)] = []

    /// Every regular file below each folder, named by its path.
    init(folders: [URL]) {
        for folder in folders {
            guard
                let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
            else { continue }
            for case let url as URL in walker
            where (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
                if let data = FileManager.default.contents(atPath: url.path) { blobs.append((url.path, data)) }
            }
        }
    }

    mutating func add(_ name: String, _ data: Data) { blobs.append((name, data)) }

    /// Where `secret` appears as raw bytes, hex (either case) or base64 (at any
    /// of the three alignments), or nil.
    func find(_ secret: [UInt8]) -> String? {
        var forms = [Data(secret), Data(secret.hex.utf8), Data(secret.hex.uppercased().utf8)]
        for lead in 0..<3 {
            // The base64 characters that depend only on the secret's own bytes.
            let encoded = Array(Data([UInt8](repeating: 0, count: lead) + secret).base64EncodedString().utf8)
            let skip = lead == 0 ? 0 : 4
            let usable = encoded.dropFirst(skip).dropLast(4)
            if usable.count >= 8 { forms.append(Data(usable)) }
        }
        return blobs.first { blob in forms.contains { blob.data.range(of: $0) != nil } }?.name
    }
}
