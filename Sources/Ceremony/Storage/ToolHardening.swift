import CryptoCore

extension ToolExit {
    /// Applies ``ProcessHardening`` (no core dumps, memory locked where the
    /// system allows) and prints one `tool: warning: ...` line on stderr for
    /// each protection the system refused. The first call in a site executable's `main`.
    public static func harden(_ tool: String) {
        for warning in ProcessHardening.apply().warnings { note("\(tool): warning: \(warning)") }
    }
}
