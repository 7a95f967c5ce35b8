import Foundation
import Testing

@testable import Remediation

/// Odd inputs must never trap the planner (callers feed it whatever the scanner found), edits must stay in bounds
/// and apart, and a planned rewrite must leave no copy of the literal behind.
@Suite struct FuzzTests {
  struct LCG {
    var state: UInt64
    mutating func next(_ n: Int) -> Int {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Int((state >> 33) % UInt64(max(n, 1)))
    }
  }

  static let paths = [
    "a.py", "a.js", "a.ts", "a.go", "A.swift", "A.java", "A.kt", "a.rb", "a.sh", ".env", "docker-compose.yml",
    ".github/workflows/ci.yml", "k.yaml", "application.yml", "c.json", "c.properties", ".npmrc", "main.tf", "Dockerfile",
    "notes.txt", "vars.tfvars",
  ]
  static let fragments = [
    "\"", "'", "`", "\"\"\"", "#", "//", "/*", "*/", "\n", "\r\n", " ", "\t", "=", ":", "{", "}", "(", ")", "${", "#{",
    "\\", "f\"", "b'", "#\"", "\"#", "const (", "const ", "import (", "import \"fmt\"", "package main", ")", "export K=",
    "provider \"aws\" {", "secret_key = ", "kind: Secret\napiVersion: v1\n", "\"\"\"doc\"\"\"\n", "from __future__ import x\n",
    "key", "api_key", "var", "let", "static final ", "const val ", "ENV ", "- ", "\u{FEFF}", "é", "variable \"x\" {", "default = ", "terraform {", "<<EOF\n", "<<'EOF'\n", "EOF\n",
  ]

  @Test func plannerNeverTrapsAndEditsAreSound() {
    let trace = ProcessInfo.processInfo.environment["HUSH_FUZZ_TRACE"] != nil
    var rng = LCG(state: UInt64(ProcessInfo.processInfo.environment["HUSH_FUZZ_SEED"] ?? "42") ?? 42)
    let rounds = Int(ProcessInfo.processInfo.environment["HUSH_FUZZ_ROUNDS"] ?? "4000") ?? 4000
    let secret = "FAKEfuzzFAKE0000zzzz"
    for round in 0..<rounds {
      var s = ""
      for _ in 0..<(1 + rng.next(10)) { s += Self.fragments[rng.next(Self.fragments.count)] }
      let cut = rng.next(s.unicodeScalars.count + 1)
      var scalars = Array(s.unicodeScalars)
      scalars.insert(contentsOf: secret.unicodeScalars, at: cut)
      for _ in 0..<rng.next(4) { scalars.append(contentsOf: Self.fragments[rng.next(Self.fragments.count)].unicodeScalars) }
      let text = String(String.UnicodeScalarView(scalars))
      let content = Array(text.utf8)
      let n = Array(secret.utf8)
      guard let at = (0...(content.count - n.count)).first(where: { Array(content[$0..<($0 + n.count)]) == n }) else { continue }
      // Sometimes a range that also spans neighbouring bytes (multi-line secrets, odd scanner ranges).
      var lo = at, hi = at + n.count
      if rng.next(5) == 0 { lo = max(0, lo - rng.next(4)); hi = min(content.count, hi + rng.next(4)) }
      let path = Self.paths[rng.next(Self.paths.count)]
      let style: Style = rng.next(2) == 0 ? .strict : .lenient
      let occ = Occurrence(range: lo..<hi, ruleID: "generic-password", tags: rng.next(3) == 0 ? ["env:API_KEY"] : [])
      if trace { print("round \(round) \(path) \(lo)..<\(hi) \(text.debugDescription)") }
      let plan = Planner.plan(path: path, content: content, occurrence: occ, style: style)
      let sorted = plan.edits.sorted { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }
      for e in sorted {
        #expect(e.range.lowerBound >= 0 && e.range.upperBound <= content.count, "round \(round) \(path): \(text.debugDescription)")
      }
      for (a, b) in zip(sorted, sorted.dropFirst()) {
        #expect(a.range.upperBound <= b.range.lowerBound, "overlap, round \(round) \(path): \(text.debugDescription)")
      }
      let out = Planner.apply(plan.edits, to: content)
      if plan.disposition == .rewrite {
        let o = String(decoding: out, as: UTF8.self)
        #expect(!o.contains(secret), "literal left behind, round \(round) \(path): \(text.debugDescription) → \(o.debugDescription)")
      } else {
        #expect(plan.edits.isEmpty && plan.envMappings.isEmpty && plan.renameTo == nil, "round \(round) \(path)")
      }
    }
  }
}
