package import ScanEngine

/// The JSON report: a stable contract (`version` 1) for CI and other tools.
package struct JSONReporter: Reporter {
  package init() {}

  package func render(_ report: ScanReport, options: ReportOptions) -> [UInt8] {
    var json = JSONWriter()
    json.beginObject()
    json.int("version", 1)
    json.beginObject("tool")
    json.string("name", "hush")
    json.string("version", report.toolVersion)
    json.endObject()
    json.beginArray("findings")
    for finding in report.findings {
      json.beginObject()
      json.string("rule", finding.ruleID)
      json.string("description", finding.ruleDescription)
      json.string("file", finding.provenance.displayPath)
      json.int("line", finding.line)
      json.int("column", finding.column)
      json.int("endLine", finding.endLine)
      json.int("endColumn", finding.endColumn)
      json.string("secret", finding.shownSecret(options))
      json.string("fingerprint", finding.fingerprint)
      json.number("entropy", finding.entropy)
      json.string("confidence", finding.confidence.rawValue)
      if let decoding = finding.decoding { json.string("decoded", decoding) }
      json.beginArray("tags")
      for tag in finding.tags { json.string(nil, tag) }
      json.endArray()
      if let commit = finding.provenance.commit {
        json.string("commit", commit.id)
        json.string("author", commit.author)
        json.string("email", commit.email)
        json.string("date", commit.date)
        json.string("message", commit.message)
      }
      if let count = finding.commitCount { json.int("commits", count) }
      json.endObject()
    }
    json.endArray()
    json.beginObject("stats")
    json.int("filesScanned", report.stats.filesScanned)
    json.int("bytesScanned", report.stats.bytesScanned)
    json.int("skippedBinary", report.stats.skippedBinary)
    json.int("skippedLarge", report.stats.skippedLarge)
    json.int("skippedSpecial", report.stats.skippedSpecial)
    json.int("skippedSubmodules", report.stats.skippedSubmodules)
    json.int("cachedBlobs", report.stats.cachedBlobs)
    json.int("durationMs", report.stats.durationMs)
    json.beginObject("suppressed")
    for (reason, count) in report.suppressedCounts { json.int(reason.rawValue, count) }
    json.endObject()
    json.endObject()
    if let shallow = report.shallow { json.bool("shallow", shallow) }
    json.beginArray("errors")
    for error in report.errors { json.string(nil, error) }
    json.endArray()
    json.endObject()
    return json.bytes + [0x0A]
  }
}
