import Foundation
import Testing

@testable import Reporting
@testable import ScanEngine

let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

/// Compares `bytes` with `Golden/<name>`; `RECORD_GOLDEN=1 swift test` writes the file instead.
func assertGolden(_ bytes: [UInt8], named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
  let url = goldenDirectory.appendingPathComponent(name)
  if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
    try Data(bytes).write(to: url)
    return
  }
  let expected = try Data(contentsOf: url)
  #expect(Data(bytes) == expected, "\(name) differs from its golden file; rerun with RECORD_GOLDEN=1 if the change is intended\n\(String(decoding: bytes, as: UTF8.self))", sourceLocation: sourceLocation)
}

/// A fixed report: a worktree finding, a history finding with its commit, a suppression, one error.
func fixtureReport() throws -> ScanReport {
  let rules = try RuleSet(rules: [
    RuleDefinition(id: "acme-api-token", description: "Acme API token", regex: #"\b(acme_[a-z0-9]{32})\b"#, secretGroup: 1, entropy: 3, keywords: ["acme_"], tags: ["acme", "env:ACME_API_TOKEN"]),
    RuleDefinition(id: "generic-password", description: "Password assigned in code", regex: #"password\s*=\s*"([^"]{6,})""#, secretGroup: 1, keywords: ["password"], tags: ["generic"]),
  ])
  let scanner = Scanner(rules: rules)
  var findings = scanner.scan(Chunk(bytes: Array("# settings\nTOKEN = \"acme_4f9c2b7d1e8a6c3f5b0dfa7c4f1b8e2d\"\nother = 1 # hush:allow\n".utf8), provenance: Provenance(path: Array("src/settings, prod.py".utf8))))
  let commit = Provenance.Commit(id: "0123456789abcdef0123456789abcdef01234567", author: "Alice <Leak>", email: "alice@example.invalid", date: "2024-03-05T10:20:30+01:00", message: "add \"db\" config")
  var historic = scanner.scan(Chunk(bytes: Array("password = \"Fake-Pa55word&<x>\"\n".utf8), provenance: Provenance(path: Array("config/db.yml".utf8), commit: commit, blob: "b")))
  historic[0].commitCount = 3
  findings += historic
  findings.sort(by: Finding.reportOrder)
  var stats = ScanStats()
  stats.filesScanned = 12
  stats.bytesScanned = 34_567
  stats.skippedBinary = 1
  stats.durationMs = 42
  let suppression = Suppression(reason: .inlineMarker, detail: "hush:allow", ruleID: "acme-api-token", path: Array("src/a.py".utf8), line: 3, column: 1, secret: nil, fingerprint: nil)
  return ScanReport(
    findings: findings, stats: stats, errors: ["vendor/x.bin: cannot read: Permission denied"], toolVersion: "9.9.9",
    suppressions: [suppression], exitCode: 2,
    repository: RepositoryInfo(uri: "https://github.com/example/leaky", revision: "fedcba9876543210fedcba9876543210fedcba98", branch: "main"))
}

@Suite struct GoldenTests {
  @Test("each format is pinned by a golden file", arguments: [
    ("text", "report.txt"), ("json", "report.json"), ("sarif", "report.sarif"), ("junit", "report.junit.xml"),
    ("csv", "report.csv"), ("gitleaks-json", "report.gitleaks.json"), ("github", "report.github.txt"),
  ])
  func golden(format: String, file: String) throws {
    let reporters: [String: any Reporter] = [
      "text": TextReporter(), "json": JSONReporter(), "sarif": SARIFReporter(), "junit": JUnitReporter(), "csv": CSVReporter(),
      "gitleaks-json": GitleaksJSONReporter(), "github": GitHubReporter(),
    ]
    let reporter = try #require(reporters[format])
    try assertGolden(reporter.render(try fixtureReport(), options: ReportOptions()), named: file)
  }
}
