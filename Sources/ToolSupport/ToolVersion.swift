import BIP38

/// What every ceremony tool's `--version` prints: the toolkit's one version
/// (``ToolkitVersion``, in BIP38 so that `bip38` prints the same). The SHA-256 of
/// the executable that ran is in the `build` field of every payload it signs.
package let toolVersion = ToolkitVersion.current
