package import ScanEngine

/// Runs each rule's examples and negatives through the whole scan pipeline, with mutations that catch
/// offset, diff and suppression bugs. Used by the test suite and by `hush rules check`.
package struct RuleChecker {
  /// One failed expectation, naming the rule and the case.
  package struct Failure: Sendable, CustomStringConvertible {
    package var ruleID: String
    package var file: String
    package var line: Int
    package var message: String
    package var description: String { "\(file):\(line): rule '\(ruleID)': \(message)" }
  }

  /// Prepended to an example: multi-byte UTF-8, so byte offsets and character columns differ.
  static let multibytePrefix = "ключ — 鍵: "

  package let rules: [LoadedRule]
  package let ruleSet: RuleSet
  /// Also require every rule to have at least one example and one negative (our own pack does).
  package var requireExamples: Bool

  /// Compiles `rules` (with `globalAllowlists`) into one rule set, as a scan would.
  package init(
    rules: [LoadedRule], globalAllowlists: [AllowlistDefinition] = [], requireExamples: Bool = false
  ) throws(RuleSetError) {
    self.rules = rules
    self.ruleSet = try RuleSet(rules: rules.map(\.definition), globalAllowlists: globalAllowlists)
    self.requireExamples = requireExamples
  }

  /// All failures of all rules; empty when the pack is sound.
  package func check() -> [Failure] {
    let scanner = Scanner(rules: ruleSet)
    return rules.flatMap { check($0, scanner: scanner) }
  }

  package func check(_ rule: LoadedRule, scanner: Scanner) -> [Failure] {
    var failures: [Failure] = []
    func fail(_ message: String) {
      failures.append(Failure(ruleID: rule.definition.id, file: rule.file, line: rule.line, message: message))
    }
    if requireExamples {
      if rule.examples.isEmpty { fail("has no examples") }
      if rule.negatives.isEmpty { fail("has no negatives") }
    }
    for (number, example) in rule.examples.enumerated() {
      failures += checkExample(rule, example, label: "example \(number + 1)", scanner: scanner)
    }
    for (number, negative) in rule.negatives.enumerated() {
      let found = findings(of: rule, in: negative, path: "negative.txt", scanner: scanner)
      if !found.isEmpty {
        fail("negative \(number + 1) produced a finding (secret \(found[0].secret.redacted))")
      }
    }
    return failures
  }

  /// The checks for one example; each failure message names the example and the mutation.
  package func checkExample(_ rule: LoadedRule, _ example: RuleExample, label: String, scanner: Scanner) -> [Failure] {
    var failures: [Failure] = []
    func fail(_ message: String) {
      failures.append(Failure(ruleID: rule.definition.id, file: rule.file, line: rule.line, message: "\(label): \(message)"))
    }
    let keywords = rule.definition.keywords
    let lowered = example.text.lowercased()
    if !keywords.isEmpty, !keywords.contains(where: { lowered.contains($0) }) {
      fail("contains none of the rule's keywords \(keywords), so the prefilter would never run the rule on it")
      return failures
    }
    let path = example.path ?? "example.txt"
    let found = findings(of: rule, in: example.text, path: path, scanner: scanner)
    guard let first = matching(found, example) else {
      if found.isEmpty {
        fail("produced no finding")
      } else {
        fail("found \(found.map(\.secret.redacted)), not the expected secret \(Secret(Array((example.secret ?? "").utf8)).redacted)")
      }
      return failures
    }
    let isSingleLine = !example.text.contains("\n")

    // Offsets: a multi-byte prefix moves the column by its characters, not its bytes.
    let shifted = findings(of: rule, in: RuleChecker.multibytePrefix + example.text, path: path, scanner: scanner)
    if let moved = matching(shifted, example) {
      let expectedColumn = first.line == 1 ? first.column + RuleChecker.multibytePrefix.count : first.column
      if moved.line != first.line || moved.column != expectedColumn {
        fail("after a multi-byte prefix the secret is at \(moved.line):\(moved.column), expected \(first.line):\(expectedColumn)")
      }
    } else {
      fail("not found after a multi-byte prefix on its line")
    }
    // A diff's added line.
    if isSingleLine, matching(findings(of: rule, in: "+" + example.text, path: path, scanner: scanner), example) == nil {
      fail("not found as an added line of a diff ('+' prefix)")
    }
    // Inline suppression, on the line where the secret ends.
    let suppressed = findings(of: rule, in: RuleChecker.appendingMarker(to: example.text, after: first), path: path, scanner: scanner)
    if matching(suppressed, example) != nil {
      fail("still reported with 'hush:allow' on its line")
    }
    // A vault reference in place of the secret.
    let secretText = example.secret ?? first.secret.revealed
    if !secretText.isEmpty, example.text.contains(secretText) {
      let replaced = example.text.replacingAll(secretText, with: "hush://x")
      if !findings(of: rule, in: replaced, path: path, scanner: scanner).isEmpty {
        fail("still reported after the secret is replaced by a vault reference")
      }
    }
    return failures
  }

  /// `text` with ` # hush:allow` at the end of the line holding the finding's last byte.
  static func appendingMarker(to text: String, after finding: Finding) -> String {
    var bytes = Array(text.utf8)
    var end = max(finding.secretRange.upperBound, finding.secretRange.lowerBound)
    while end < bytes.count, bytes[end] != 0x0A { end += 1 }
    if end > 0, end <= bytes.count, bytes[end - 1] == 0x0D { end -= 1 }
    bytes.insert(contentsOf: Array(" # hush:allow".utf8), at: end)
    return String(decoding: bytes, as: UTF8.self)
  }

  private func matching(_ found: [Finding], _ example: RuleExample) -> Finding? {
    guard let expected = example.secret else { return found.first }
    return found.first { $0.secret.bytes == Array(expected.utf8) }
  }

  private func findings(of rule: LoadedRule, in text: String, path: String, scanner: Scanner) -> [Finding] {
    let chunk = Chunk(bytes: Array(text.utf8), provenance: Provenance(path: Array(path.utf8)))
    return scanner.scan(chunk).filter { $0.ruleID == rule.definition.id }
  }
}

