package import ScanEngine

/// gitleaks 8's JSON report: the same field names and types, so pipelines built around gitleaks switch
/// by changing one word. `Fingerprint` is gitleaks' own (`commit:file:rule:line`), so `.gitleaksignore`
/// entries copied from it keep working; Hush's content fingerprint is in its own formats.
package struct GitleaksJSONReporter: Reporter {
  package init() {}

  package func render(_ report: ScanReport, options: ReportOptions) -> [UInt8] {
    var json = JSONWriter()
    json.beginArray()
    for finding in report.findings {
      let commit = finding.provenance.commit
      let file = finding.provenance.displayPath
      json.beginObject()
      json.string("RuleID", finding.ruleID)
      json.string("Description", finding.ruleDescription)
      json.int("StartLine", finding.line)
      json.int("EndLine", finding.endLine)
      json.int("StartColumn", finding.column)
      json.int("EndColumn", finding.endColumn)
      json.string("Match", finding.shownMatch(options))
      json.string("Secret", finding.shownSecret(options))
      json.string("File", file)
      json.string("SymlinkFile", "")
      json.string("Commit", commit?.id ?? "")
      json.number("Entropy", finding.entropy)
      json.string("Author", commit?.author ?? "")
      json.string("Email", commit?.email ?? "")
      json.string("Date", commit?.date ?? "")
      json.string("Message", commit?.message ?? "")
      json.beginArray("Tags")
      for tag in finding.tags { json.string(nil, tag) }
      json.endArray()
      json.string("Fingerprint", (commit.map { "\($0.id):" } ?? "") + "\(file):\(finding.ruleID):\(finding.line)")
      json.endObject()
    }
    json.endArray()
    return json.bytes + [0x0A]
  }
}
