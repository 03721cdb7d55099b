/// Where a long step (issue, mint, verify) reports its finished cards.
///
/// The library only counts; how progress is shown is the tool's choice
/// (ToolSupport's `TerminalProgress` prints a line on a terminal and nothing in scripts).
package protocol CardProgress: Sendable {
    /// A step over `total` cards starts; `label` names it (`site A issue batch 1`).
    func begin(_ label: String, total: Int)
    /// One more card is done (called from any thread).
    func step()
    /// The step is over.
    func finish()
}
