import CryptoCore
import Foundation

/// The Markdown tables `make bench` prints (and Docs/Performance.md shows).
enum Table {
    static func render(_ r: Results) -> String {
        let m = r.machine
        let cards = r.settings.cards
        let cores = m.cores
        var lines: [String] = []
        lines.append(
            "Machine: \(m.cpu), \(cores) cores, \(format(m.memoryGiB, 1)) GiB, \(m.kernel), \(m.swift); \(m.date).")
        lines.append(
            "Medians with (min–max) over \(r.settings.runs) runs (baseline: \(r.scryptHeavyMs.runs) calls); batch of \(cards) cards."
        )
        let busiest = r.scaling.map(\.otherLoadCores.median).max() ?? 0
        if busiest > 0.25 {
            lines.append("")
            lines.append(
                "**The machine was busy**: other processes used up to \(format(busiest, 2)) cores during the site runs (column \"other load\"). Figures on more cores than were free measure the neighbours, not the code; `CPU efficiency` still does. Run again when the machine is quiet."
            )
        }
        lines.append("")
        lines.append("| figure | value | target | met |")
        lines.append("|---|---|---|---|")
        func target(_ name: String) -> (String, String) {
            guard let t = r.targets.first(where: { $0.name == name }) else { return ("", "") }
            return (t.target, t.met ? "yes" : "**no**")
        }
        func row(_ figure: String, _ value: String, _ name: String = "") {
            let (t, met) = target(name)
            lines.append("| \(figure) | \(value) | \(t) | \(met) |")
        }
        row("`scrypt_heavy_ms`: one scrypt(16384,8,8), libsodium, 1 thread (wall)", r.scryptHeavyMs.text())
        row("the same calls' CPU time", r.scryptHeavyCpuMs.text() + " ms")
        let f = r.computeFloor
        row(
            "compute floor: one Salsa20/8 core in the \(f.kernel) kernel, \(f.lanesAtOnce) lanes side by side (4 lanes)",
            f.salsaCoreNanoseconds.text(2) + " ns (" + f.salsaCoreNanosecondsFourLanes.text(2) + " ns)")
        row(
            "compute floor of one scrypt(16384,8,8) on one core (× 2·N·2r·p = 4,194,304 cores)",
            f.heavyScryptMilliseconds.text() + " ms; libsodium × "
                + format(r.scryptHeavyMs.median / f.heavyScryptMilliseconds.median, 2))
        for c in r.scryptHeavyConcurrent {
            row("scrypt(16384,8,8) per call with \(c.cores) threads at once", c.perCallMilliseconds.text() + " ms")
        }
        row(
            "process start (`bip38 --help`), and its peak memory",
            r.processStartMs.text() + " ms, " + r.processFloorMib.text(0) + " MiB")
        row("`site_a_cards_per_s`: `passphrase-site issue`, \(cards) cards, \(cores) cores", r.siteACardsPerS.text(2))
        row("`site_a_bound_cards_per_s` = \(cores) / baseline", format(r.siteABoundCardsPerS, 2))
        for point in r.scaling.sorted(by: { $0.cores > $1.cores }) where point.site == "A" && point.cards == cards {
            let pinned = point.cores == cores ? "" : ", taskset"
            row(
                "`site_a_ratio` (\(point.cores) core\(point.cores == 1 ? "" : "s")\(pinned)): over libsodium's bound",
                point.ratioToBound!.text(3),
                "site_a_ratio@\(point.cores)")
            row(
                "site A (\(point.cores) core\(point.cores == 1 ? "" : "s")): the floor / \(point.cores) over its time per card",
                format(f.ratio(millisecondsPerCard: 1000 / point.cardsPerSecond.median, cores: point.cores), 3),
                "site_a_floor@\(point.cores)")
        }
        if let own = r.scryptLanes.first(where: { $0.threads == 1 }),
            let pinned = r.scaling.first(where: { $0.site == "A" && $0.cores == 1 && $0.cards == cards })
        {
            // Site A's scrypt runs its lanes side by side on each core, faster than the
            // libsodium baseline; over the bound of that own call (1 core, pinned, against
            // the in-process call) the ratio shows what the site itself adds.
            let ownBound = 1000 / own.milliseconds.median
            row(
                "site A on 1 core over its own scrypt's bound (1 / \(format(own.milliseconds.median, 1)) ms, lanes on 1 thread)",
                format(pinned.cardsPerSecond.median / ownBound, 3))
        }
        let b = r.siteBSplit
        row(
            "`site_b_cards_per_s`: `key-site mint`, \(cards) cards, \(cores) cores (whole process)",
            r.siteBCardsPerS.text(0))
        if let big = r.scaling.filter({ $0.site == "B" && $0.cores == cores }).max(by: { $0.cards < $1.cards }),
            big.cards > cards
        {
            row(
                "site B per core, whole process, \(big.cards) cards", big.cardsPerSecondPerCore.text(0),
                "site_b_process_per_core")
        } else {
            row(
                "site B per core, whole process, \(cards) cards",
                r.siteBCardsPerS.scaled(1 / Double(cores), unit: "").text(0),
                "site_b_process_per_core")
        }
        row(
            "site B per core, per-card compute only (batched as `key-site mint` runs it)",
            b.computeCardsPerSecondPerCore.text(0),
            "site_b_compute_per_core")
        row(
            "`verify_ms`: `bip38 confirm`, one card, whole process",
            r.verifyMs.text() + " ms; × " + r.verifyRatio.text(3) + " baseline", "verify_ms")
        row(
            "`decrypt_ms`: `bip38 decrypt`, one card, whole process",
            r.decryptMs.text() + " ms; × " + r.decryptRatio.text(3) + " baseline", "decrypt_ms")
        for c in r.cardProcesses {
            row(
                "`bip38 confirm` / `decrypt` on \(c.cores) core\(c.cores == 1 ? "" : "s"): the floor / \(c.cores) over their time",
                format(f.ratio(millisecondsPerCard: c.verifyMilliseconds.median, cores: c.cores), 3) + " / "
                    + format(f.ratio(millisecondsPerCard: c.decryptMilliseconds.median, cores: c.cores), 3))
        }
        for l in r.scryptLanes {
            row(
                "stretch: scrypt(16384,8,8), own C kernel (\(f.kernel)) over OpenSSL PBKDF2, lanes on \(l.threads) thread\(l.threads == 1 ? "" : "s") (in-process)",
                l.milliseconds.text() + " ms; × " + l.ratioToBaseline.text(3) + " libsodium; "
                    + format(f.ratio(millisecondsPerCard: l.milliseconds.median, cores: l.threads), 3) + " × floor"
                    + (l.agreesWithLibsodium ? "; same bytes" : "; **differs**"),
                l.threads == cores ? "stretch_lanes" : "")
        }
        row(
            "stretch: `bip38 confirm` / `decrypt`, whole process, as built (`Scrypt.derive` runs the lanes on the free cores)",
            "× \(r.verifyRatio.text(3)) / × \(r.decryptRatio.text(3)) baseline", "stretch_process")
        let l = r.scryptLight
        row(
            "scrypt(1024,1,1) (site B, per card): libsodium / own C kernel on 1 thread with a reused workspace (in-process)",
            "\(l.libsodiumMicroseconds.text()) / \(l.lanesMicroseconds.text()) µs; × \(l.ratio.text(3))"
                + (l.agreesWithLibsodium ? "; same bytes" : "; **differs**"))
        for a in r.audit {
            if let full = a.fullAuditMillisecondsPerCard {
                row(
                    "audit, whole `ceremony-audit` per card (\(a.cards) cards; one heavy scrypt per card for the positive control)",
                    full.text() + " ms (verdict \(a.fullAuditVerdict ?? "?"))")
            }
            row(
                "audit share search per card, \(a.cards) cards, \(mib(a.paddingBytesPerSite)) per site folder",
                format(a.shareSearchMillisecondsPerCard, 2) + " ms (\(format(a.shareSearchMiBPerSecond, 1)) MiB/s)")
        }
        lines.append("")
        lines.append("Scaling (whole processes; peak memory: \(r.settings.memoryFrom)):")
        lines.append("")
        lines.append(
            "| site | cores | cards | seconds | cards/s | cards/s/core | ratio to bound | CPU efficiency | other load (cores) | peak MiB |"
        )
        lines.append("|---|---|---|---|---|---|---|---|---|---|")
        for p in r.scaling.sorted(by: { ($0.site, $0.cards, $0.cores) < ($1.site, $1.cards, $1.cores) }) {
            let digits = p.site == "A" ? 2 : 0
            lines.append(
                "| \(p.site) | \(p.cores) | \(p.cards) | \(p.seconds.text(2)) | \(p.cardsPerSecond.text(digits)) | \(p.cardsPerSecondPerCore.text(digits)) | \(p.ratioToBound?.text(3) ?? "–") | \(p.cpuEfficiency?.text(3) ?? "–") | \(p.otherLoadCores.text(2)) | \(p.peakMemoryMiB.text(0)) |"
            )
        }
        for c in r.cardProcesses {
            lines.append(
                "| `bip38 confirm` / `decrypt` | \(c.cores) | 1 | \(c.verifyMilliseconds.text(0)) / \(c.decryptMilliseconds.text(0)) ms | | | × \(c.verifyRatio.text(2)) / × \(c.decryptRatio.text(2)) | | \(c.otherLoadCores.text(2)) | \(c.verifyPeakMemoryMiB.text(0)) / \(c.decryptPeakMemoryMiB.text(0)) |"
            )
        }
        lines.append("")
        lines.append("Site B time split (per card on one core, then per batch of \(cards)):")
        lines.append("")
        lines.append("| part | time |")
        lines.append("|---|---|")
        lines.append("| scrypt(1024,1,1) over the passpoint | \(b.scryptLightMicroseconds.text()) µs |")
        lines.append(
            "| curve multiplications (passpoint·factorb, factorb·G) | \(b.curveMultiplicationsMicroseconds.text()) µs |"
        )
        lines.append("| AES-256, 4 blocks | \(b.aesMicroseconds.text(2)) µs |")
        lines.append(
            "| other per card (SHA-256d, RIPEMD-160, Base58Check, allocation) | \(b.otherPerCardMicroseconds.text()) µs |"
        )
        lines.append("| = `generateKey` per card | \(b.generateKeyMicroseconds.text()) µs |")
        lines.append(
            "| scrypt(1024,1,1), batched \(Scrypt.kernel.lanesAtOnce) cards a kernel call, per card | \(b.scryptLightBatchedMicroseconds.text()) µs |"
        )
        lines.append(
            "| = `prepareKey` + `PreparedKey.finish`, batched as `key-site mint` runs it, per card | \(b.batchedKeyMicroseconds.text()) µs |"
        )
        lines.append(
            "| signing per batch (verify A's bundle, sign key batch and statement) | \(b.signingMilliseconds.text(2)) ms |"
        )
        lines.append("| disk per batch (3 atomic writes with fsync) | \(b.diskMilliseconds.text(2)) ms |")
        if let point = r.scaling.first(where: { $0.site == "B" && $0.cores == cores && $0.cards == cards }) {
            let wall = point.seconds.median * 1000
            let compute = b.batchedKeyMicroseconds.median * Double(cards) / Double(cores) / 1000
            let rest = wall - compute - b.signingMilliseconds.median - b.diskMilliseconds.median
            lines.append("| whole `key-site mint` of \(cards) cards on \(cores) cores | \(format(wall, 1)) ms |")
            lines.append("| of which card compute (spread over \(cores) cores) | \(format(compute, 1)) ms |")
            lines.append(
                "| of which process start, manifest, transcript and bundle checks, JSON | \(format(rest, 1)) ms |")
        }
        lines.append("")
        let a = r.siteACosts
        lines.append(
            "Site A per card, one thread: `IntermediateCode.make` \(a.intermediateCodeMilliseconds.text()) ms; journal record write (fsync, rename, folder fsync) \(a.journalWriteMilliseconds.text(2)) ms."
        )
        return lines.joined(separator: "\n")
    }

    static func mib(_ bytes: Int) -> String { format(Double(bytes) / Double(1 << 20), 1) + " MiB" }
}
