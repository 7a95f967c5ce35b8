/// A candidate that was not reported, and why: for `--explain` and for the summary's counts.
package struct Suppression: Sendable, Hashable {
  package enum Reason: String, Sendable, CaseIterable, Comparable {
    case entropy = "entropy below threshold"
    case check = "failed the rule's format check"
    case ruleAllowlist = "rule allowlist"
    case globalAllowlist = "global allowlist"
    case inlineMarker = "inline marker"
    case vaultReference = "vault reference"
    case baseline = "baseline"
    case ignoreEntry = "ignore entry"
    case pathAllowlist = "path allowlist"
    case belowConfidence = "below --min-confidence"

    package static func < (a: Reason, b: Reason) -> Bool {
      allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!  // every case is in allCases
    }

    /// Whether this reason drops a finding (counted in the summary) rather than a mere candidate.
    package var suppressesFinding: Bool { self != .entropy && self != .check }
  }

  package var reason: Reason
  /// Which allowlist, marker, baseline or ignore entry, and what matched.
  package var detail: String
  package var ruleID: String?
  package var path: [UInt8]
  package var line: Int
  package var column: Int
  package var secret: Secret?
  package var fingerprint: String?

  package init(
    reason: Reason, detail: String, ruleID: String?, path: [UInt8], line: Int, column: Int, secret: Secret?,
    fingerprint: String?
  ) {
    self.reason = reason
    self.detail = detail
    self.ruleID = ruleID
    self.path = path
    self.line = line
    self.column = column
    self.secret = secret
    self.fingerprint = fingerprint
  }

  /// The suppression of a located finding.
  package init(_ finding: Finding, reason: Reason, detail: String) {
    self.init(
      reason: reason, detail: detail, ruleID: finding.ruleID, path: finding.provenance.path, line: finding.line,
      column: finding.column, secret: finding.secret, fingerprint: finding.fingerprint)
  }

  package static func reportOrder(_ a: Suppression, _ b: Suppression) -> Bool {
    if a.path != b.path { return a.path.lexicographicallyPrecedes(b.path) }
    if a.line != b.line { return a.line < b.line }
    if a.column != b.column { return a.column < b.column }
    if a.ruleID != b.ruleID { return (a.ruleID ?? "") < (b.ruleID ?? "") }
    return a.reason < b.reason
  }
}
