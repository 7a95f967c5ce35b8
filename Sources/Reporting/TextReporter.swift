package import ScanEngine

/// The report for people: each finding with its location, rule, redacted secret and line, then a
/// one-line summary. Terminal control bytes from scanned files are never echoed.
package struct TextReporter: Reporter {
  package init() {}

  package func render(_ report: ScanReport, options: ReportOptions) -> [UInt8] {
    let style = Style(enabled: options.color)
    var out = ""
    for finding in report.findings {
      let location = "\(TextReporter.printable(finding.provenance.displayPath)):\(finding.line):\(finding.column)"
      out += "\(style.bold(location))  \(style.yellow(finding.ruleID))  \(finding.ruleDescription)\n"
      if let commit = finding.provenance.commit {
        out += "    commit: \(commit.id.prefix(12)) \(TextReporter.printable(commit.author)) <\(TextReporter.printable(commit.email))> \(commit.date)\n"
      }
      out += "    secret: \(style.red(TextReporter.printable(finding.shownSecret(options))))"
      out += finding.decoding.map { " (decoded from \($0))\n" } ?? "\n"
      if !finding.lineText.isEmpty, finding.decoding == nil {
        let range = finding.secretRangeInLine
        let before = TextReporter.printable(String(decoding: finding.lineText[..<range.lowerBound], as: UTF8.self))
        let after = TextReporter.printable(String(decoding: finding.lineText[range.upperBound...], as: UTF8.self))
        let shown = TextReporter.printable(finding.shownSecret(options))
        out += "    \(finding.line) │ \(before)\(style.red(shown))\(after)\n"
      }
      out += "\n"
    }
    out += TextReporter.summary(report) + "\n"
    return Array(out.utf8)
  }

  /// `2 findings in 1 file · 12 files (3.4 KB) scanned in 5 ms · skipped 1 binary, 0 over size`.
  package static func summary(_ report: ScanReport) -> String {
    let files = Set(report.findings.map(\.provenance.path)).count
    let count = report.findings.count
    var line = count == 0 ? "no secrets found" : "\(count) finding\(count == 1 ? "" : "s") in \(files) file\(files == 1 ? "" : "s")"
    let stats = report.stats
    line += " · \(stats.filesScanned) file\(stats.filesScanned == 1 ? "" : "s") (\(byteCount(stats.bytesScanned))) scanned in \(stats.durationMs) ms"
    var skipped: [String] = []
    if stats.skippedBinary > 0 { skipped.append("\(stats.skippedBinary) binary") }
    if stats.skippedLarge > 0 { skipped.append("\(stats.skippedLarge) over the size limit (raise --max-file-size to scan)") }
    if stats.skippedSpecial > 0 { skipped.append("\(stats.skippedSpecial) symlink or special") }
    if !skipped.isEmpty { line += " · skipped " + skipped.joined(separator: ", ") }
    if stats.skippedSubmodules > 0 {
      line += " · \(stats.skippedSubmodules) submodule\(stats.skippedSubmodules == 1 ? "" : "s") not scanned (scan each submodule's repository, e.g. with --repos)"
    }
    if stats.cachedBlobs > 0 { line += " · \(stats.cachedBlobs) known clean from the cache" }
    let suppressed = report.suppressedCounts
    if !suppressed.isEmpty {
      let total = suppressed.reduce(0) { $0 + $1.count }
      line += " · \(total) suppressed (" + suppressed.map { "\($0.count) \($0.reason.rawValue)" }.joined(separator: ", ") + ")"
    }
    if !report.errors.isEmpty { line += " · \(report.errors.count) error\(report.errors.count == 1 ? "" : "s") (partial scan)" }
    return line
  }

  static func byteCount(_ bytes: Int) -> String {
    let units = ["B", "KB", "MB", "GB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1000, unit < units.count - 1 {
      value /= 1000
      unit += 1
    }
    if unit == 0 { return "\(bytes) B" }
    let tenths = (value * 10).rounded() / 10
    return "\(tenths) \(units[unit])"
  }

  /// Replaces control characters (ESC among them) so file contents cannot drive the terminal.
  package static func printable(_ text: String) -> String {
    var out = ""
    out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
    for scalar in text.unicodeScalars {
      switch scalar.value {
      case 0x09: out += " "
      case 0..<0x20, 0x7F, 0x80..<0xA0: out += "\u{FFFD}"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}

struct Style {
  var enabled: Bool
  func wrap(_ text: String, _ code: String) -> String { enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
  func bold(_ text: String) -> String { wrap(text, "1") }
  func red(_ text: String) -> String { wrap(text, "1;31") }
  func yellow(_ text: String) -> String { wrap(text, "33") }
}
