package import ScanEngine

/// JUnit XML: one test case per finding, one suite per file, for CI dashboards. A clean scan is one
/// passing test case, so dashboards show that the scan ran.
package struct JUnitReporter: Reporter {
  package init() {}

  package func render(_ report: ScanReport, options: ReportOptions) -> [UInt8] {
    var files: [[UInt8]] = []
    var byFile: [[UInt8]: [Finding]] = [:]
    for finding in report.findings {
      if byFile[finding.provenance.path] == nil { files.append(finding.provenance.path) }
      byFile[finding.provenance.path, default: []].append(finding)
    }
    let total = max(1, report.findings.count)
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    out += "<testsuites name=\"hush\" tests=\"\(total)\" failures=\"\(report.findings.count)\" errors=\"\(report.errors.count)\" time=\"\(seconds(report.stats.durationMs))\">\n"
    if report.findings.isEmpty {
      out += "  <testsuite name=\"hush\" tests=\"1\" failures=\"0\" errors=\"\(report.errors.count)\">\n"
      out += "    <testcase classname=\"hush\" name=\"no secrets found in \(report.stats.filesScanned) files\"/>\n"
      out += "  </testsuite>\n"
    }
    for file in files {
      let findings = byFile[file] ?? []
      let name = JUnitReporter.escape(String(decoding: file, as: UTF8.self))
      out += "  <testsuite name=\"\(name)\" tests=\"\(findings.count)\" failures=\"\(findings.count)\" errors=\"0\">\n"
      for finding in findings {
        let title = "\(finding.ruleID) at line \(finding.line), column \(finding.column)"
        let message = "\(finding.ruleDescription): \(finding.shownSecret(options))"
        var detail = "\(String(decoding: file, as: UTF8.self)):\(finding.line):\(finding.column) \(finding.ruleID)\nfingerprint: \(finding.fingerprint)"
        if let commit = finding.provenance.commit { detail += "\ncommit: \(commit.id) \(commit.author) <\(commit.email)> \(commit.date)" }
        out += "    <testcase classname=\"\(name)\" name=\"\(JUnitReporter.escape(title))\">\n"
        out += "      <failure type=\"\(JUnitReporter.escape(finding.ruleID))\" message=\"\(JUnitReporter.escape(message))\">\(JUnitReporter.escape(detail))</failure>\n"
        out += "    </testcase>\n"
      }
      out += "  </testsuite>\n"
    }
    out += "</testsuites>\n"
    return Array(out.utf8)
  }

  func seconds(_ milliseconds: Int) -> String {
    let fraction = milliseconds % 1000
    return "\(milliseconds / 1000).\(fraction < 10 ? "00" : fraction < 100 ? "0" : "")\(fraction)"
  }

  /// XML text and attribute escaping; characters XML 1.0 forbids become U+FFFD.
  static func escape(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
      case "\u{0}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": out += "\u{FFFD}"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
