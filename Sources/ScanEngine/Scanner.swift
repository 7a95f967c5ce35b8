// ScanEngine: finds secrets in bytes. Knows nothing of git, files, TOML or terminals.
//
//     let rules = try RuleSet(rules: [RuleDefinition(id: "acme", regex: #"acme_[a-z0-9]{32}"#, keywords: ["acme_"])])
//     let scanner = Scanner(rules: rules)
//     let chunk = Chunk(bytes: Array(text.utf8), provenance: Provenance(path: Array("app.py".utf8)))
//     for finding in scanner.scan(chunk) { print(finding.line, finding.column, finding.secret) }
//     print(scanner.diagnostics)  // rules that hit a match limit, and where
package import PCRE2

/// Runs a `RuleSet` over chunks. One `Scanner` per worker: it owns its PCRE2 match buffer.
///
/// The order of stages is fixed here and only here:
/// 1. global path allowlists skip a chunk before any work is done on it;
/// 2. the keyword prefilter arms rules (rules without keywords are always armed), gated by `path`;
/// 3. each armed rule's regex runs only in windows around its keyword hits, so the cost follows the
///    hits, not rules × bytes;
/// 4. the secret is the `secretGroup` capture (else the first non-empty group, else the match);
/// 5. entropy, which is cheap, then a rule's `validate:` checks, run before allowlists, which may run regexes;
/// 6. rule allowlists, then global allowlists, then inline markers, then vault references.
package final class Scanner {
  package let rules: RuleSet
  private let buffer: MatchBuffer
  /// What this scanner could not do fully (a rule that hit a resource limit), in order.
  package private(set) var diagnostics: [ScanDiagnostic] = []
  /// Findings dropped by an allowlist, an inline marker or a vault reference; with
  /// `recordsCandidates`, also candidates dropped for low entropy and files skipped by a path allowlist.
  package private(set) var suppressions: [Suppression] = []
  /// Record every dropped candidate, for `--explain`. Off by default: entropy drops are frequent.
  package var recordsCandidates = false

  /// Bytes before the keyword's line (and before the keyword on a very long line) where a match may start.
  static let windowBefore = 256
  /// How far from a keyword, on a very long line, a match may start.
  static let windowReach = 4096
  /// How much of a long line, each side of a match, allowlists (`regexTarget = "line"`) and inline
  /// markers look at.
  static let lineContextLimit = 2048

  /// Markers that suppress findings on their line: ours, and those of tools users migrate from.
  static let inlineMarkers: [[UInt8]] = ["hush:allow", "gitleaks:allow", "betterleaks:allow", "pragma: allowlist secret"]
    .map { Array($0.utf8) }
  static let vaultReference = Array("hush://".utf8)

  package init(rules: RuleSet, limits: MatchBuffer.Limits = MatchBuffer.Limits(), recordsCandidates: Bool = false) {
    self.rules = rules
    self.recordsCandidates = recordsCandidates
    self.buffer = MatchBuffer(captureCapacity: rules.maxCaptureCount, limits: limits)
  }

  /// How many times encoded content is decoded and scanned again, across kinds (base64 inside base64,
  /// or percent-encoding inside hex, is 2).
  static let decodingDepth = 2

  /// Scans one chunk and returns its findings in report order.
  package func scan(_ chunk: Chunk) -> [Finding] {
    scan(chunk, depth: 0)
  }

  private func scan(_ chunk: Chunk, depth: Int) -> [Finding] {
    // Hush's own files hold fingerprints, allowlist patterns or ciphertext, never secrets to report.
    // (Decoded content, depth > 0, shares its file's path, which passed these checks already.)
    if depth == 0, Scanner.isHushFile(chunk.provenance.path) { return [] }
    if depth == 0, let allowlist = rules.pathAllowlist(for: chunk.provenance.path, buffer: buffer) {
      if recordsCandidates {
        suppressions.append(
          Suppression(
            reason: .pathAllowlist, detail: allowlist, ruleID: nil, path: chunk.provenance.path, line: 0, column: 0,
            secret: nil, fingerprint: nil))
      }
      return []
    }
    return chunk.bytes.withUnsafeBufferPointer { bytes in
      var context = ChunkContext(chunk: chunk, bytes: bytes)
      context.checkLowConfidencePath = { [rules, buffer] in
        Scanner.anyMatches([rules.lowConfidencePath], chunk.provenance.path, buffer: buffer)
      }
      // Stage 2: keyword hits, by keyword.
      var hitsByKeyword = [[Int]](repeating: [], count: rules.prefilter.keywords.count)
      rules.prefilter.forEachHit(in: bytes) { hit in
        hitsByKeyword[hit.keyword].append(hit.end - rules.prefilter.keywords[hit.keyword].count)
      }
      var armed = Set(rules.unconditionalRules)
      for (keyword, hits) in hitsByKeyword.enumerated() where !hits.isEmpty {
        armed.formUnion(rules.rulesByKeyword[keyword])
      }
      var findings: [Finding] = []
      for ruleIndex in armed.sorted() {
        let rule = rules.rules[ruleIndex]
        if let gate = rule.pathPattern, !Scanner.anyMatches([gate], chunk.provenance.path, buffer: buffer) {
          continue
        }
        // A global allowlist aimed at this rule that only checks paths skips the rule on this file.
        if let allowlist = rules.pathAllowlist(for: chunk.provenance.path, rule: rule.id, buffer: buffer) {
          if recordsCandidates {
            suppressions.append(
              Suppression(
                reason: .pathAllowlist, detail: allowlist, ruleID: rule.id, path: chunk.provenance.path, line: 0,
                column: 0, secret: nil, fingerprint: nil))
          }
          continue
        }
        guard let lazy = rule.pattern else {
          findings.append(context.pathFinding(rule))
          continue
        }
        guard let pattern = lazy.get() else { continue }
        let windows: [Range<Int>]
        if rules.keywordsByRule[ruleIndex].isEmpty {
          windows = [0..<bytes.count]
        } else {
          windows = Scanner.windows(
            around: rules.keywordsByRule[ruleIndex].map { hitsByKeyword[$0] }, in: bytes)
        }
        run(rule, pattern, windows: windows, context: &context, into: &findings)
      }
      if depth < Scanner.decodingDepth {
        let inside = decoded(in: chunk, context: &context, depth: depth, outer: &findings)
        findings += inside
      }
      findings.sort(by: Finding.reportOrder)
      return findings
    }
  }

  /// Findings inside encoded segments of the chunk (base64, hex, percent) that decode to text, located
  /// at the encoded bytes holding the secret (hex, percent) or at the whole run (base64). When the same
  /// rule matched overlapping text as written, the secret is reported once: as written when that
  /// match is part of the segment or percent-encoded (a URI rule reading `p%40ss` in place), decoded
  /// when the match is a whole base64 or hex run (`password: <base64>` — the base64 is not the
  /// password, its decoding is).
  private func decoded(in chunk: Chunk, context: inout ChunkContext, depth: Int, outer: inout [Finding]) -> [Finding] {
    var findings: [Finding] = []
    var superseded = Set<Int>()
    defer {
      if !superseded.isEmpty { outer = outer.enumerated().filter { !superseded.contains($0.offset) }.map(\.element) }
    }
    for segment in EncodedSegments.find(in: context.bytes) {
      guard let decoded = EncodedSegments.decode(segment, in: context.bytes) else { continue }
      // The decoded text is scanned after the text before it on its line (at most `windowBefore`
      // bytes), so a rule that needs a name sees it: `aws_secret_access_key: <base64>` in a
      // Kubernetes Secret decodes to the key alone. Findings inside that prefix are the outer scan's.
      // (Found by a short backward search: most segments have no finding, and the chunk's line index
      // costs a pass over the whole chunk.)
      var prefixStart = segment.range.lowerBound
      let lowest = max(0, segment.range.lowerBound - Scanner.windowBefore)
      while prefixStart > lowest, context.bytes[prefixStart - 1] != 0x0A { prefixStart -= 1 }
      let prefix = Array(context.bytes[prefixStart..<segment.range.lowerBound])
      let inner = scan(Chunk(bytes: prefix + decoded.text, provenance: chunk.provenance), depth: depth + 1)
      guard !inner.isEmpty else { continue }
      let line = Array(context.bytes[context.lineSpan(covering: segment.range)])
      if Scanner.inlineMarkers.contains(where: { line.contains(subsequence: $0) }) { continue }
      for var finding in inner where finding.secretRange.lowerBound >= prefix.count {
        let seen = { (other: Finding) in other.ruleID == finding.ruleID && other.matchRange.overlaps(segment.range) }
        if findings.contains(where: seen) { continue }
        var core = segment.range
        while core.upperBound > core.lowerBound, context.bytes[core.upperBound - 1] == UInt8(ascii: "=") { core = core.lowerBound..<core.upperBound - 1 }
        if let index = outer.firstIndex(where: seen) {
          let written = outer[index].secretRange
          // A percent-encoded match is kept as written: the URL is the credential as used.
          guard segment.kind != .percent, written.lowerBound <= core.lowerBound, written.upperBound >= core.upperBound
          else { continue }
          superseded.insert(index)
        }
        let inDecoded = (finding.secretRange.lowerBound - prefix.count)..<(finding.secretRange.upperBound - prefix.count)
        context.locate(&finding, at: decoded.encodedRange(of: inDecoded) ?? segment.range)
        finding.matchRange = segment.range
        let kind = segment.kind.rawValue
        finding.decoding = finding.decoding.map { "\(kind), \($0)" } ?? kind
        findings.append(finding)
      }
    }
    return findings
  }

  static let hushFiles: [[UInt8]] = [".hush/baseline.json", ".hush/config.toml", ".hush/ignore"].map { Array($0.utf8) }
  static let hushVaults = Array(".hush/vaults/".utf8)

  /// Whether `path` is `.hush/baseline.json`, `.hush/config.toml`, `.hush/ignore` or under `.hush/vaults/`.
  static func isHushFile(_ path: [UInt8]) -> Bool {
    func ends(with suffix: [UInt8]) -> Bool {
      path == suffix || (path.count > suffix.count && path.suffix(suffix.count).elementsEqual(suffix) && path[path.count - suffix.count - 1] == 0x2F)
    }
    if hushFiles.contains(where: ends(with:)) { return true }
    return path.starts(with: hushVaults) || path.contains(subsequence: [0x2F] + hushVaults)
  }

  // MARK: - Stage 3: regex in windows

  private func run(
    _ rule: Rule, _ pattern: CompiledPattern, windows: [Range<Int>], context: inout ChunkContext,
    into findings: inout [Finding]
  ) {
    let bytes = context.bytes
    var position = 0
    var reportedLimit = false
    for window in windows {
      position = max(position, window.lowerBound)
      while position <= window.upperBound {
        let found: Match?
        do {
          found = try buffer.match(pattern, in: bytes, from: position, startLimit: window.upperBound)
        } catch {
          if !reportedLimit {
            reportedLimit = true
            let line = context.lineNumber(at: position)
            diagnostics.append(
              ScanDiagnostic(
                ruleID: rule.id, path: context.chunk.provenance.path,
                message: "\(error.isResourceLimit ? "match limit exceeded" : error.description) at line \(line); skipped the rest of that line for this rule"))
          }
          // Skip to the next line and go on: one expensive line must not cost the rest of the chunk.
          position = context.lineEnd(from: position) + 1
          continue
        }
        guard let match = found else { break }
        let matchRange = match.range
        position = matchRange.isEmpty ? matchRange.upperBound + 1 : matchRange.upperBound
        if let finding = evaluate(rule, match, context: &context) { findings.append(finding) }
      }
    }
  }

  /// Match-start windows around keyword hits: from `windowBefore` bytes before the hit's line (at most
  /// `windowReach` before the hit on a long line) to the end of its line (at most `windowReach` after).
  /// Sorted and merged, so each byte is searched at most once per rule.
  static func windows(around hitLists: [[Int]], in bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
    var starts = hitLists.count == 1 ? hitLists[0] : hitLists.flatMap { $0 }.sorted()
    if starts.isEmpty { return [] }
    starts = starts.filter { $0 >= 0 }
    var windows: [Range<Int>] = []
    for hit in starts {
      if let last = windows.last, hit + windowReach <= last.upperBound { continue }
      var lineStart = hit
      let lowest = max(0, hit - windowReach)
      while lineStart > lowest, bytes[lineStart - 1] != 0x0A { lineStart -= 1 }
      var lineEnd = hit
      let highest = min(bytes.count, hit + windowReach)
      while lineEnd < highest, bytes[lineEnd] != 0x0A { lineEnd += 1 }
      let window = max(0, lineStart - windowBefore)..<lineEnd
      if let last = windows.last, window.lowerBound <= last.upperBound {
        windows[windows.count - 1] = last.lowerBound..<max(last.upperBound, window.upperBound)
      } else {
        windows.append(window)
      }
    }
    return windows
  }

  // MARK: - Stages 4–6: secret, entropy, allowlists

  private func evaluate(_ rule: Rule, _ match: Match, context: inout ChunkContext) -> Finding? {
    let definition = rule.definition
    var secretRange = match.range
    if definition.secretGroup > 0 {
      guard let group = match.range(group: definition.secretGroup) else { return nil }
      secretRange = group
    } else if match.groups.count > 1 {
      if let group = match.groups.dropFirst().first(where: { $0.map { !$0.isEmpty } ?? false }) {
        secretRange = group!  // filtered to non-nil above
      }
    }
    guard !secretRange.isEmpty else { return nil }
    let bytes = context.bytes
    let secret = Array(bytes[secretRange])
    let entropy = Entropy.shannon(secret)
    func drop(_ reason: Suppression.Reason, _ detail: String) -> Finding? {
      if reason.suppressesFinding || recordsCandidates {
        let located = context.finding(rule, secretRange: secretRange, matchRange: match.range, secret: secret, entropy: entropy)
        suppressions.append(Suppression(located, reason: reason, detail: detail))
      }
      return nil
    }
    if let threshold = definition.entropy, threshold > 0, entropy <= threshold {
      return drop(.entropy, "entropy \((entropy * 100).rounded() / 100) is not above \(threshold)")
    }
    for check in rule.checks {
      if let why = check.failure(secret) { return drop(.check, "validate:\(check.rawValue): \(why)") }
    }

    // The "line" allowlists and inline markers see is the match's lines, cut to `lineContextLimit`
    // bytes each side of the match: on a 5 MB minified line, every candidate re-reading the whole line
    // would make the scan quadratic.
    let fullSpan = context.lineSpan(covering: match.range)
    let lineSpan = max(fullSpan.lowerBound, match.range.lowerBound - Scanner.lineContextLimit)..<min(fullSpan.upperBound, match.range.upperBound + Scanner.lineContextLimit)
    let candidate = Candidate(
      secret: secret, match: Array(bytes[match.range]), line: Array(bytes[lineSpan]),
      path: context.chunk.provenance.path, commit: context.chunk.provenance.commit?.id)
    for (index, allowlist) in rule.allowlists.enumerated() {
      if let why = allows(allowlist, candidate) {
        return drop(.ruleAllowlist, "\(Scanner.name(allowlist, index)): \(why)")
      }
    }
    for (index, allowlist) in rules.globalAllowlists.enumerated()
    where allowlist.definition.targetRules.isEmpty || allowlist.definition.targetRules.contains(rule.id) {
      if let why = allows(allowlist, candidate) {
        return drop(.globalAllowlist, "\(Scanner.name(allowlist, index)): \(why)")
      }
    }
    if let marker = Scanner.inlineMarkers.first(where: { candidate.line.contains(subsequence: $0) }) {
      return drop(.inlineMarker, Scanner.markerText(marker, in: candidate.line))
    }
    if secret.contains(subsequence: Scanner.vaultReference) { return drop(.vaultReference, "the value is a hush:// reference") }
    return context.finding(rule, secretRange: secretRange, matchRange: match.range, secret: secret, entropy: entropy)
  }

  static func name(_ allowlist: CompiledAllowlist, _ index: Int) -> String {
    let description = allowlist.definition.description
    return description.isEmpty ? "allowlist \(index + 1)" : "allowlist \(index + 1) (\(description))"
  }

  /// The marker and the reason written after it on the line, e.g. `hush:allow test key`.
  static func markerText(_ marker: [UInt8], in line: [UInt8]) -> String {
    var start = 0
    while start + marker.count <= line.count, !line[start..<start + marker.count].elementsEqual(marker) { start += 1 }
    let rest = line[min(line.count, start)...].prefix(120)
    return String(decoding: rest, as: UTF8.self).trimmingSuffixWhitespace
  }

  struct Candidate {
    var secret: [UInt8]
    var match: [UInt8]
    var line: [UInt8]
    var path: [UInt8]
    var commit: String?
  }

  /// Why `allowlist` drops the candidate (the checks that held), or nil when it does not.
  private func allows(_ allowlist: CompiledAllowlist, _ candidate: Candidate) -> String? {
    let definition = allowlist.definition
    var checks: [() -> String?] = []
    if !definition.commits.isEmpty {
      checks.append {
        guard let commit = candidate.commit else { return nil }
        return definition.commits.first { !$0.isEmpty && commit.hasPrefix($0.lowercased()) }.map { "commit \($0)" }
      }
    }
    if !allowlist.paths.isEmpty {
      checks.append {
        Scanner.firstMatch(allowlist.paths, candidate.path, buffer: self.buffer).map { "path '\(definition.paths[$0])'" }
      }
    }
    if !allowlist.regexes.isEmpty {
      checks.append {
        let target: [UInt8]
        switch definition.regexTarget {
        case .secret: target = candidate.secret
        case .match: target = candidate.match
        case .line: target = candidate.line
        }
        return Scanner.firstMatch(allowlist.regexes, target, buffer: self.buffer).map {
          "regex '\(definition.regexes[$0])' on the \(definition.regexTarget.rawValue)"
        }
      }
    }
    if !allowlist.stopwords.isEmpty {
      checks.append {
        let lowered = candidate.secret.map(Prefilter.lower)
        return allowlist.stopwords.firstIndex { !$0.isEmpty && lowered.contains(subsequence: $0) }.map {
          "stopword '\(definition.stopwords[$0])'"
        }
      }
    }
    if checks.isEmpty { return nil }
    switch definition.condition {
    case .or:
      for check in checks { if let why = check() { return why } }
      return nil
    case .and:
      var reasons: [String] = []
      for check in checks {
        guard let why = check() else { return nil }
        reasons.append(why)
      }
      return reasons.joined(separator: " and ")
    }
  }

  static func firstMatch(_ patterns: [CompiledPattern], _ subject: [UInt8], buffer: MatchBuffer) -> Int? {
    subject.withUnsafeBufferPointer { pointer in
      patterns.firstIndex { pattern in
        // A resource limit on an allowlist pattern counts as no match: a finding is never dropped
        // because an allowlist was too expensive to evaluate.
        ((try? buffer.match(pattern, in: pointer, from: 0)) ?? nil) != nil
      }
    }
  }

  static func anyMatches(_ patterns: [CompiledPattern], _ subject: [UInt8], buffer: MatchBuffer) -> Bool {
    firstMatch(patterns, subject, buffer: buffer) != nil
  }
}
extension Array where Element == UInt8 {
  /// Whether `needle` occurs in the array (naive search; needles here are short).
  package func contains(subsequence needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
    let first = needle[0]
    var index = 0
    let last = count - needle.count
    while index <= last {
      if self[index] == first, self[index..<index + needle.count].elementsEqual(needle) { return true }
      index += 1
    }
    return false
  }
}

extension String {
  var trimmingSuffixWhitespace: String {
    var text = self
    while let last = text.last, last.isWhitespace { text.removeLast() }
    return text
  }
}
