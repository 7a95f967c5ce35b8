import Foundation
import Testing

@testable import ScanEngine
@testable import Triage

func finding(_ secret: String, rule: String = "acme-api-token", path: String = "a.txt", line: Int = 1) -> Finding {
  Finding(
    ruleID: rule, ruleDescription: "", tags: [], provenance: Provenance(path: Array(path.utf8)), line: line, column: 1,
    endLine: line, endColumn: secret.count, secretRange: 0..<secret.utf8.count, matchRange: 0..<secret.utf8.count,
    secret: Secret(Array(secret.utf8)), entropy: 4, fingerprint: Secret.fingerprint(ruleID: rule, secret: Array(secret.utf8)),
    lineText: [], secretRangeInLine: 0..<0, match: [], commitCount: nil)
}

@Suite struct BaselineTests {
  @Test("entries are sorted, one per line, closed by a sentinel, and round-trip")
  func roundTrip() throws {
    let baseline = Baseline(findings: [finding("zzz-secret-2"), finding("aaa-secret-1", path: "b.txt")])
    let text = String(decoding: baseline.serialized(), as: UTF8.self)
    let lines = text.split(separator: "\n")
    #expect(lines.count == 5)
    #expect(lines[3] == "{}")
    #expect(lines[1] < lines[2])
    #expect(try Baseline.parse(Data(baseline.serialized()), file: "b.json") == baseline)
    #expect(!text.contains("secret-1"))
  }

  @Test("a baseline suppresses by content, wherever the secret moves; another secret is reported")
  func filter() {
    let baseline = Baseline(findings: [finding("acme_secret_one", line: 3)])
    let (reported, suppressed) = baseline.filter([finding("acme_secret_one", path: "moved.txt", line: 40), finding("acme_secret_two", line: 3)], file: "b")
    #expect(reported.map(\.secret.revealed) == ["acme_secret_two"])
    #expect(suppressed.count == 1 && suppressed[0].reason == .baseline)
  }

  @Test("a conflicted or foreign file is an error that says what to do")
  func errors() {
    #expect(throws: TriageError.self) { try Baseline.parse(Data("<<<<<<< HEAD".utf8), file: "b.json") }
    #expect(throws: TriageError.self) { try Baseline.parse(Data("{\"version\": 2}".utf8), file: "b.json") }
  }
}

@Suite struct IgnoreFileTests {
  let today = Day("2027-01-15")!

  @Test("fingerprints and globs with reasons; expired entries stop suppressing and are reported")
  func entries() throws {
    let target = finding("acme_secret_one")
    let text = """
      # fixtures
      fp:\(target.fingerprint) # test fixture, expires 2027-06-01
      fp:\(finding("acme_secret_two").fingerprint) # expired one, expires 2027-01-01
      Tests/Fixtures/**
      *.pem # sample keys
      """
    let file = try IgnoreFile.parse(text, file: ".hush/ignore", today: today)
    #expect(file.entries.count == 3)
    #expect(file.expired.count == 1 && file.expired[0].contains(".hush/ignore:3"))
    #expect(file.entry(for: target)?.line == 2)
    #expect(file.entry(for: finding("acme_secret_two")) == nil)
    #expect(file.entry(for: finding("x1", path: "Tests/Fixtures/deep/a.json"))?.line == 4)
    #expect(file.entry(for: finding("x1", path: "certs/site.pem"))?.line == 5)
    #expect(file.entry(for: finding("x1", path: "src/a.swift")) == nil)
  }

  @Test("the same entry suppresses until its expiry day, inclusive")
  func expiryBoundary() throws {
    let text = "fp:\(finding("s1s1s1s1s1").fingerprint) # expires 2027-01-15\n"
    #expect(try IgnoreFile.parse(text, file: "i", today: Day("2027-01-15")!).entries.count == 1)
    #expect(try IgnoreFile.parse(text, file: "i", today: Day("2027-01-16")!).entries.isEmpty)
  }

  @Test("a bad expiry date or fingerprint names the line")
  func errors() {
    do {
      _ = try IgnoreFile.parse("fp:abc # expires soon\n", file: "i", today: today)
      Issue.record("expected an error")
    } catch { #expect(error.line == 1) }
    #expect(throws: TriageError.self) { try IgnoreFile.parse("fp:not-hex\n", file: "i", today: today) }
  }

  @Test("globs: ** spans directories, * stays within one, bare names match anywhere")
  func globs() {
    #expect(Glob("**/fixtures/*.json").matches("a/b/fixtures/x.json"))
    #expect(!Glob("src/*.json").matches("src/a/x.json"))
    #expect(Glob("/src/*.json").matches("src/x.json"))
    #expect(Glob("secrets.env").matches("deploy/secrets.env"))
    #expect(Glob("vendor/").matches("vendor/lib/a.go"))
  }

  @Test("HUSH_TODAY fixes the clock")
  func clock() {
    #expect(Day.today(environment: ["HUSH_TODAY": "2030-02-03"]).description == "2030-02-03")
  }
}

@Suite struct GitleaksIgnoreTests {
  @Test("position-based gitleaks entries suppress the finding at that position only")
  func positions() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gli-\(UUID().uuidString)")
    try Data("a.txt:acme-api-token:3\n".utf8).write(to: dir)
    defer { try? FileManager.default.removeItem(at: dir) }
    let ignore = try #require(GitleaksIgnore.load(path: dir.path))
    #expect(ignore.filter([finding("s", line: 3)]).suppressed.count == 1)
    #expect(ignore.filter([finding("s", line: 4)]).reported.count == 1)
  }
}
