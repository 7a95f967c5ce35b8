internal import PCRE2

/// A rule set that failed to compile: the rule (or allowlist) is named, with PCRE2's reason.
package struct RuleSetError: Error, Sendable, CustomStringConvertible {
  package var ruleID: String?
  package var message: String
  package var description: String {
    if let ruleID { return "rule '\(ruleID)': \(message)" }
    return message
  }
}

/// An allowlist with its patterns compiled.
package struct CompiledAllowlist: Sendable {
  package var definition: AllowlistDefinition
  let regexes: [CompiledPattern]
  let paths: [CompiledPattern]
  let stopwords: [[UInt8]]

  init(_ definition: AllowlistDefinition, owner: String?) throws(RuleSetError) {
    self.definition = definition
    func compile(_ source: String, _ what: String) throws(RuleSetError) -> CompiledPattern {
      do { return try CompiledPattern(source) } catch {
        throw RuleSetError(ruleID: owner, message: "allowlist \(what) '\(source)': \(error)")
      }
    }
    var regexes: [CompiledPattern] = []
    for source in definition.regexes { regexes.append(try compile(source, "regex")) }
    var paths: [CompiledPattern] = []
    for source in definition.paths { paths.append(try compile(source, "path")) }
    self.regexes = regexes
    self.paths = paths
    self.stopwords = definition.stopwords.map { Array($0.utf8).map(Prefilter.lower) }
  }

  /// True when only path checks are configured, so the whole chunk can be skipped up front.
  var isPathOnly: Bool {
    !paths.isEmpty && regexes.isEmpty && stopwords.isEmpty && definition.commits.isEmpty
  }
}

/// A compiled rule: its definition and its JIT-compiled patterns.
package struct Rule: Sendable {
  package var definition: RuleDefinition
  let pattern: LazyPattern?
  let pathPattern: CompiledPattern?
  let allowlists: [CompiledAllowlist]
  /// Structural checks named by `validate:<name>` tags.
  let checks: [SecretCheck]
  package var id: String { definition.id }
}

/// Compiled rules plus the keyword prefilter that arms them. Immutable and shared by all workers;
/// every pattern is compiled (and JIT-compiled) before any worker sees it, or, for the built-in pack,
/// on first use under a lock (`LazyPattern`).
package struct RuleSet: Sendable {
  package let rules: [Rule]
  let globalAllowlists: [CompiledAllowlist]
  let prefilter: Prefilter
  /// Rule indices armed by each keyword of `prefilter`.
  let rulesByKeyword: [[Int]]
  /// Rules without keywords: they run on every chunk.
  let unconditionalRules: [Int]
  /// Keyword indices of each rule.
  let keywordsByRule: [[Int]]
  let maxCaptureCount: Int
  /// Paths of tests, fixtures, examples and documentation, where findings are less likely real.
  let lowConfidencePath: CompiledPattern
  static let lowConfidencePathSource =
    #"(?i)(?:^|/)(?:tests?|specs?|__tests__|fixtures?|testdata|test[-_]?data|examples?|samples?|docs?|mocks?)(?:/|$)|(?:[._-](?:test|spec|example|sample)|Tests?)\.[A-Za-z0-9]+$"#

  /// - Parameter compileEagerly: compile every regex now, reporting the first that does not compile.
  ///   Pass false only for rules already known to compile (the built-in pack, which the test suite
  ///   compiles): their regexes then compile on first use.
  package init(
    rules definitions: [RuleDefinition], globalAllowlists: [AllowlistDefinition] = [], compileEagerly: Bool = true
  ) throws(RuleSetError) {
    var rules: [Rule] = []
    var seen: Set<String> = []
    var maxCaptures = 0
    for definition in definitions {
      guard seen.insert(definition.id).inserted else {
        throw RuleSetError(ruleID: definition.id, message: "duplicate rule id")
      }
      guard definition.regex != nil || definition.path != nil else {
        throw RuleSetError(ruleID: definition.id, message: "needs a 'regex' or a 'path'")
      }
      var pattern: LazyPattern?
      if let raw = definition.regex {
        let source = RuleSet.strippingLazyPreamble(raw)
        var compiled: CompiledPattern?
        if compileEagerly {
          do { compiled = try CompiledPattern(source) } catch {
            throw RuleSetError(ruleID: definition.id, message: "\(error)")
          }
          maxCaptures = max(maxCaptures, compiled?.captureCount ?? 0)
          if definition.secretGroup > (compiled?.captureCount ?? 0) {
            throw RuleSetError(
              ruleID: definition.id,
              message:
                "secretGroup \(definition.secretGroup) but the regex has \(compiled?.captureCount ?? 0) capture groups")
          }
        }
        pattern = LazyPattern(source: source, compiled: compiled)
      }
      var pathPattern: CompiledPattern?
      if let source = definition.path {
        do { pathPattern = try CompiledPattern(source) } catch {
          throw RuleSetError(ruleID: definition.id, message: "path \(error)")
        }
      }
      var allowlists: [CompiledAllowlist] = []
      for allowlist in definition.allowlists { allowlists.append(try CompiledAllowlist(allowlist, owner: definition.id)) }
      let checks = try SecretCheck.checks(tags: definition.tags, ruleID: definition.id)
      rules.append(
        Rule(definition: definition, pattern: pattern, pathPattern: pathPattern, allowlists: allowlists, checks: checks))
    }
    var globals: [CompiledAllowlist] = []
    for allowlist in globalAllowlists { globals.append(try CompiledAllowlist(allowlist, owner: nil)) }

    // One prefilter keyword per distinct lowercase keyword.
    var keywordIndex: [String: Int] = [:]
    var keywordList: [String] = []
    var rulesByKeyword: [[Int]] = []
    var keywordsByRule: [[Int]] = []
    var unconditional: [Int] = []
    for (ruleIndex, rule) in rules.enumerated() {
      var mine: [Int] = []
      for keyword in rule.definition.keywords where !keyword.isEmpty {
        let key = String(decoding: Array(keyword.utf8).map(Prefilter.lower), as: UTF8.self)
        let index: Int
        if let existing = keywordIndex[key] { index = existing } else {
          index = keywordList.count
          keywordIndex[key] = index
          keywordList.append(key)
          rulesByKeyword.append([])
        }
        if !mine.contains(index) {
          mine.append(index)
          rulesByKeyword[index].append(ruleIndex)
        }
      }
      keywordsByRule.append(mine)
      if mine.isEmpty { unconditional.append(ruleIndex) }
    }
    self.rules = rules
    self.globalAllowlists = globals
    self.prefilter = Prefilter(keywords: keywordList)
    self.rulesByKeyword = rulesByKeyword
    self.keywordsByRule = keywordsByRule
    self.unconditionalRules = unconditional
    self.maxCaptureCount = maxCaptures
    // A constant pattern of ours: it compiles, or the test suite fails.
    self.lowConfidencePath = try! CompiledPattern(RuleSet.lowConfidencePathSource)
  }

  /// The global allowlist (named, with the path pattern) that skips this path entirely, when one
  /// with only path checks matches it.
  func pathAllowlist(for path: [UInt8], rule: String? = nil, buffer: MatchBuffer) -> String? {
    for (index, allowlist) in globalAllowlists.enumerated() where allowlist.isPathOnly {
      let targets = allowlist.definition.targetRules
      guard rule.map({ targets.contains($0) }) ?? targets.isEmpty else { continue }
      if let pattern = Scanner.firstMatch(allowlist.paths, path, buffer: buffer) {
        return "\(Scanner.name(allowlist, index)): path '\(allowlist.definition.paths[pattern])'"
      }
    }
    return nil
  }

  /// Removes a leading lazy, bounded preamble such as `[\w.-]{0,50}?` (optionally inside the leading
  /// `(?i)`): it only widens the match backwards, makes PCRE2 quadratic on long lines, and cannot change
  /// which secrets are found; reporters show the line for context instead.
  package static func strippingLazyPreamble(_ pattern: String) -> String {
    var bytes = Array(pattern.utf8)
    var prefix: [UInt8] = []
    // Keep leading inline flag groups like (?i) or (?is).
    while bytes.count > 3, bytes[0] == UInt8(ascii: "("), bytes[1] == UInt8(ascii: "?"),
      let close = bytes.firstIndex(of: UInt8(ascii: ")")),
      bytes[2..<close].allSatisfy({ $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") || $0 == UInt8(ascii: "-") })
    {
      prefix += bytes[...close]
      bytes.removeFirst(close + 1)
    }
    // A character class (no nested classes), then {0,N}? with N ≥ 2.
    guard bytes.first == UInt8(ascii: "[") else { return pattern }
    var index = 1
    if index < bytes.count, bytes[index] == UInt8(ascii: "^") { return pattern }
    if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1 }
    while index < bytes.count, bytes[index] != UInt8(ascii: "]") {
      if bytes[index] == UInt8(ascii: "\\") { index += 1 }
      if bytes[index] == UInt8(ascii: "[") { return pattern }
      index += 1
    }
    guard index < bytes.count else { return pattern }
    let rest = bytes[(index + 1)...]
    let quantifier = Array("{0,".utf8)
    guard rest.starts(with: quantifier) else { return pattern }
    var cursor = rest.startIndex + quantifier.count
    var digits = 0
    while cursor < bytes.count, bytes[cursor] >= UInt8(ascii: "0"), bytes[cursor] <= UInt8(ascii: "9") {
      cursor += 1
      digits += 1
    }
    guard digits > 0, cursor + 1 < bytes.count, bytes[cursor] == UInt8(ascii: "}"),
      bytes[cursor + 1] == UInt8(ascii: "?")
    else { return pattern }
    return String(decoding: prefix + bytes[(cursor + 2)...], as: UTF8.self)
  }
}
