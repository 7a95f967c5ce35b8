package import ScanEngine

/// CSV (RFC 4180): a header row and one row per finding.
package struct CSVReporter: Reporter {
  package init() {}

  static let header = ["rule", "description", "file", "line", "column", "end_line", "end_column", "secret", "fingerprint", "entropy", "commit", "author", "email", "date", "tags", "confidence"]

  package func render(_ report: ScanReport, options: ReportOptions) -> [UInt8] {
    var out = CSVReporter.header.joined(separator: ",") + "\r\n"
    for finding in report.findings {
      let commit = finding.provenance.commit
      let fields = [
        finding.ruleID, finding.ruleDescription, finding.provenance.displayPath, "\(finding.line)", "\(finding.column)",
        "\(finding.endLine)", "\(finding.endColumn)", finding.shownSecret(options), finding.fingerprint,
        JSONWriter.formatted(finding.entropy), commit?.id ?? "", commit?.author ?? "", commit?.email ?? "", commit?.date ?? "",
        finding.tags.joined(separator: ";"), finding.confidence.rawValue,
      ]
      out += fields.map(CSVReporter.field).joined(separator: ",") + "\r\n"
    }
    return Array(out.utf8)
  }

  static func field(_ value: String) -> String {
    guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
    return "\"" + value.replacingAll("\"", with: "\"\"") + "\""
  }
}
