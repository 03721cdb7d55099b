/// The toolkit's version: one for every executable of this package (`--version`,
/// and the `build` record of every payload, Docs/Bundles.md). Bumped with each
/// release; two builds of one version are told apart by their executables' SHA-256.
package enum ToolkitVersion {
    package static let current = "0.9.0"
}
