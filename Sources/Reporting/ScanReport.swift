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

  package init(findings: [Finding], stats: ScanStats, errors: [String] = [], toolVersion: String, shallow: Bool? = nil) {
    self.findings = findings
    self.stats = stats
    self.errors = errors
    self.toolVersion = toolVersion
    self.shallow = shallow
  }
}

package struct ReportOptions: Sendable {
  /// Print secrets in full. Off by default: reports carry only the redacted form.
  package var showSecrets: Bool
  /// ANSI colour, for terminals only.
  package var color: Bool
  package init(showSecrets: Bool = false, color: Bool = false) {
    self.showSecrets = showSecrets
    self.color = color
  }
}

package protocol Reporter {
  func render(_ report: ScanReport, options: ReportOptions) -> [UInt8]
}

extension Finding {
  /// The secret as a report may show it.
  func shownSecret(_ options: ReportOptions) -> String {
    options.showSecrets ? secret.revealed : secret.redacted
  }
}
