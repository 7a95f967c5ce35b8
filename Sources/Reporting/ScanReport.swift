// Reporting: findings → bytes for people (text) and programs (JSON). Reporters never choose exit codes.
//
//     let report = ScanReport(findings: outcome.findings, stats: outcome.stats, toolVersion: "0.1.0")
//     let bytes = JSONReporter().render(report, options: ReportOptions(showSecrets: false))
//     let text = TextReporter().render(report, options: ReportOptions(color: isatty(1) != 0))
package import ScanEngine

/// What a scan produced, as reporters see it.
package struct ScanReport: Sendable {
  package var findings: [Finding]
  package var stats: ScanStats
  /// Operational problems (unreadable files, rules that hit a limit): the report is partial.
  package var errors: [String]
  package var toolVersion: String
  /// For history scans of a shallow clone: history stopped at the clone's depth.
  package var shallow: Bool?
  /// What was not reported, and why (counted in summaries; listed with `--explain`).
  package var suppressions: [Suppression]
  /// The exit status the run ends with, for SARIF's `invocations`.
  package var exitCode: Int
  /// For git scans: the repository, revision and branch, for SARIF's `versionControlProvenance`.
  package var repository: RepositoryInfo?

  package init(
    findings: [Finding], stats: ScanStats, errors: [String] = [], toolVersion: String, shallow: Bool? = nil,
    suppressions: [Suppression] = [], exitCode: Int = 0, repository: RepositoryInfo? = nil
  ) {
    self.findings = findings
    self.stats = stats
    self.errors = errors
    self.toolVersion = toolVersion
    self.shallow = shallow
    self.suppressions = suppressions
    self.exitCode = exitCode
    self.repository = repository
  }

  /// Suppressed findings by reason, in a fixed order (candidates dropped for entropy not counted).
  package var suppressedCounts: [(reason: Suppression.Reason, count: Int)] {
    var counts: [Suppression.Reason: Int] = [:]
    for suppression in suppressions where suppression.reason.suppressesFinding { counts[suppression.reason, default: 0] += 1 }
    return Suppression.Reason.allCases.compactMap { reason in counts[reason].map { (reason, $0) } }
  }
}

package struct RepositoryInfo: Sendable {
  package var uri: String
  package var revision: String?
  package var branch: String?
  package init(uri: String, revision: String?, branch: String?) {
    self.uri = uri
    self.revision = revision
    self.branch = branch
  }
}

package struct ReportOptions: Sendable {
  /// Print secrets in full. Off by default: reports carry only the redacted form.
  package var showSecrets: Bool
  /// gitleaks' `--redact=N`: hide N% of each secret (its end), `REDACTED` at 100.
  package var redactPercent: Int?
  /// ANSI colour, for terminals only.
  package var color: Bool
  package init(showSecrets: Bool = false, redactPercent: Int? = nil, color: Bool = false) {
    self.showSecrets = showSecrets
    self.redactPercent = redactPercent
    self.color = color
  }
}

package protocol Reporter {
  func render(_ report: ScanReport, options: ReportOptions) -> [UInt8]
}

extension Finding {
  /// The secret as a report may show it.
  func shownSecret(_ options: ReportOptions) -> String { options.shown(secret) }

  /// The match with every occurrence of the secret shown as `options` says.
  func shownMatch(_ options: ReportOptions) -> String {
    let text = String(decoding: match, as: UTF8.self)
    let raw = secret.revealed
    guard !raw.isEmpty, !options.showSecrets else { return text }
    return text.replacingAll(raw, with: options.shown(secret))
  }
}

extension ReportOptions {
  /// A secret as these options show it: in full, gitleaks-style partially, or redacted (the default).
  package func shown(_ secret: Secret) -> String {
    if showSecrets { return secret.revealed }
    guard let percent = redactPercent else { return secret.redacted }
    if percent >= 100 { return "REDACTED" }
    let characters = Array(secret.revealed)
    let keep = Int((Double(characters.count) * Double(100 - max(0, percent)) / 100).rounded(.toNearestOrEven))
    return String(characters.prefix(keep)) + "..."
  }
}

