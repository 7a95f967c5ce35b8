package import ScanEngine

/// GitHub Actions workflow commands: each finding shows inline on the pull request, no upload step.
package struct GitHubReporter: Reporter {
  package init() {}

  package func render(_ report: ScanReport, options: ReportOptions) -> [UInt8] {
    var out = ""
    for finding in report.findings {
      let properties = [
        "file=\(GitHubReporter.property(finding.provenance.displayPath))", "line=\(finding.line)", "col=\(finding.column)",
        "endLine=\(finding.endLine)", "endColumn=\(finding.endColumn)", "title=\(GitHubReporter.property("hush: \(finding.ruleID)"))",
      ]
      let message = "\(finding.ruleDescription): \(finding.shownSecret(options)) (fingerprint \(finding.fingerprint))"
      out += "::error \(properties.joined(separator: ","))::\(GitHubReporter.data(message))\n"
    }
    for error in report.errors { out += "::error title=hush::\(GitHubReporter.data(error))\n" }
    out += "::notice title=hush::\(GitHubReporter.data(TextReporter.summary(report)))\n"
    return Array(out.utf8)
  }

  /// Escaping of a command's message, per GitHub's toolkit.
  static func data(_ text: String) -> String {
    text.replacingAll("%", with: "%25").replacingAll("\r", with: "%0D").replacingAll("\n", with: "%0A")
  }

  /// Escaping of a property value, which also may not contain `:` or `,`.
  static func property(_ text: String) -> String {
    data(text).replacingAll(":", with: "%3A").replacingAll(",", with: "%2C")
  }
}
