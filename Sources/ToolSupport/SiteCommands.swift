import ArgumentParser
import Ceremony

/// One site's tool, as the commands both sites share see it: which site it runs, and what
/// its printer makes for each batch.
package protocol SiteToolRole {
    /// The site (``Party/siteA`` or ``Party/siteB``).
    static var party: Party { get }
    /// What the site's printer makes for each batch ("labels" at site A, "faces" at site B).
    static var printerOutput: String { get }
}

/// `destroy-spools`, the same at both sites: overwrites and removes the site's print spools,
/// recorded in a signed retention statement.
package struct DestroySpoolsCommand<Site: SiteToolRole>: ParsableCommand {
    package static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "destroy-spools",
            abstract:
                "After printing and assembly: overwrite and remove printed/\(Site.party.rawValue)/, recorded in a signed retention statement.",
            discussion: "Runs after every batch is done and before close, which lists the statement.")
    }
    @OptionGroup var ceremony: CeremonyOption
    @OptionGroup var pin: PINOption
    @OptionGroup var output: JSONOption

    package init() {}

    package func run() throws {
        try destroySpools(Site.party, layout: ceremony.layout, pin: pin.source, output: output)
    }
}

/// `log-exception`, the same at both sites: an exception log entry signed with the site key.
package struct LogExceptionCommand<Site: SiteToolRole>: ParsableCommand {
    package static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "log-exception",
            abstract: "Append an entry, signed with the site key, to the exception log (transfer/exceptions.jsonl).",
            discussion:
                "The log is hash-chained: each entry holds the SHA-256 of the one before; close records its head.")
    }
    @OptionGroup var ceremony: CeremonyOption
    @OptionGroup var exception: ExceptionOptions
    @OptionGroup var pin: PINOption
    @OptionGroup var output: JSONOption

    package init() {}

    package func run() throws {
        let layout = ceremony.layout
        guard let role = ExceptionRole(rawValue: Site.party.rawValue) else {
            preconditionFailure("a site's party is an exception role")
        }
        try logException(
            layout, role: role, options: exception,
            signer: try SiteIdentity.load(from: layout.site(Site.party), pin: pin.source), output: output)
    }
}

/// `status`, the same at both sites: each batch's state and the next step, changing nothing.
package struct StatusCommand<Site: SiteToolRole>: ParsableCommand {
    package static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "status",
            abstract: "Show each batch's state (pending, issued, minted, verified, sealed) and the next step.",
            discussion: """
                Reads which bundles transfer/ holds and whether this site's printer made each batch's \(Site.printerOutput); \
                it changes nothing and verifies only the manifest's and the closing manifest's signatures.
                """)
    }
    @OptionGroup var ceremony: CeremonyOption
    @OptionGroup var output: JSONOption

    package init() {}

    package func run() throws {
        let status = try CeremonyStatus.read(ceremony.layout, site: Site.party)
        output.emit(status.lines, status.json)
    }
}
