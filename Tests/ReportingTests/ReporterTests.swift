import Foundation
import Testing

@testable import Reporting
@testable import ScanEngine

func sampleReport() throws -> ScanReport {
  let rule = RuleDefinition(id: "acme-api-token", description: "Acme API token", regex: #"\b(acme_[a-z0-9]{32})\b"#, secretGroup: 1, keywords: ["acme_"], tags: ["acme", "env:ACME_API_TOKEN"])
  let set = try RuleSet(rules: [rule])
  let text = "x\nключ = \"acme_4f9c2b7d1e8a6c3f5b0dfa7c4f1b8e2d\" \u{1B}[31m\n"
  let findings = Scanner(rules: set).scan(Chunk(bytes: Array(text.utf8), provenance: Provenance(path: Array("src/a\u{7}.py".utf8))))
  var stats = ScanStats()
  stats.filesScanned = 3
  stats.bytesScanned = 1500
  stats.skippedBinary = 1
  stats.durationMs = 12
  return ScanReport(findings: findings, stats: stats, toolVersion: "9.9.9")
}

@Suite struct ReporterTests {
  @Test("JSON has the documented keys in order and never the secret by default")
  func json() throws {
    let output = String(decoding: JSONReporter().render(try sampleReport(), options: ReportOptions()), as: UTF8.self)
    #expect(!output.contains("acme_4f9c2b7d1e8a6c3f5b0dfa7c4f1b8e2d"))
    #expect(output.contains("\"secret\": \"acme_4f…(37 bytes)\""))
    #expect(output.contains("\"file\": \"src/a\\u0007.py\""))
    let keys = ["\"version\"", "\"tool\"", "\"findings\"", "\"rule\"", "\"description\"", "\"file\"", "\"line\"", "\"column\"", "\"endLine\"", "\"endColumn\"", "\"secret\"", "\"fingerprint\"", "\"entropy\"", "\"tags\"", "\"stats\"", "\"filesScanned\"", "\"bytesScanned\"", "\"skippedBinary\"", "\"skippedLarge\"", "\"durationMs\""]
    var last = output.startIndex
    for key in keys {
      let found = try #require(output.range(of: key, range: last..<output.endIndex), "\(key) missing or out of order")
      last = found.upperBound
    }
    let shown = String(decoding: JSONReporter().render(try sampleReport(), options: ReportOptions(showSecrets: true)), as: UTF8.self)
    #expect(shown.contains("\"secret\": \"acme_4f9c2b7d1e8a6c3f5b0dfa7c4f1b8e2d\""))
  }

  @Test("JSON output is byte-identical across renders")
  func deterministic() throws {
    let report = try sampleReport()
    #expect(JSONReporter().render(report, options: ReportOptions()) == JSONReporter().render(report, options: ReportOptions()))
  }

  @Test("text shows location, rule, the line with the secret redacted, and a summary; control bytes are neutralised")
  func text() throws {
    let output = String(decoding: TextReporter().render(try sampleReport(), options: ReportOptions()), as: UTF8.self)
    #expect(output.contains("src/a\u{FFFD}.py:2:9  acme-api-token  Acme API token"))
    #expect(output.contains("2 │ ключ = \"acme_4f…(37 bytes)\" \u{FFFD}[31m"))
    #expect(!output.contains("\u{1B}"))
    #expect(!output.contains("acme_4f9c2b7d"))
    #expect(output.hasSuffix("1 finding in 1 file · 3 files (1.5 KB) scanned in 12 ms · skipped 1 binary\n"))
  }

  @Test("colour wraps the secret only when asked")
  func color() throws {
    let colored = String(decoding: TextReporter().render(try sampleReport(), options: ReportOptions(color: true)), as: UTF8.self)
    #expect(colored.contains("\u{1B}[1;31macme_4f…(37 bytes)\u{1B}[0m"))
  }

  @Test("numbers are written with at most three decimals")
  func numbers() {
    var writer = JSONWriter(pretty: false)
    writer.beginArray()
    writer.number(nil, 4.32192809)
    writer.number(nil, 3.0)
    writer.number(nil, 0.05)
    writer.endArray()
    #expect(String(decoding: writer.bytes, as: UTF8.self) == "[4.322,3,0.05]")
  }
}
