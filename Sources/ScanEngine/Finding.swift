/// One reportable secret, located in its chunk.
package struct Finding: Sendable, Hashable, Codable {
  package var ruleID: String
  package var ruleDescription: String
  package var tags: [String]
  package var provenance: Provenance
  /// 1-based line of the secret's first byte (in the file, for diff chunks).
  package var line: Int
  /// 1-based column of the secret's first character (characters, not bytes).
  package var column: Int
  package var endLine: Int
  /// 1-based column of the secret's last character, inclusive.
  package var endColumn: Int
  /// Byte range of the secret within the chunk.
  package var secretRange: Range<Int>
  /// Byte range of the whole regex match within the chunk.
  package var matchRange: Range<Int>
  package var secret: Secret
  package var entropy: Double
  package var fingerprint: String
  /// The text of the line holding the secret's first byte (no line terminator), and the secret's byte
  /// range within it, for reporters that show context.
  package var lineText: [UInt8]
  package var secretRangeInLine: Range<Int>
  /// The bytes of the whole regex match (at most `ChunkContext.matchLimit`), for reports that carry
  /// gitleaks' `Match`; reporters redact the secret inside it.
  package var match: [UInt8]
  /// How the secret was encoded where it was found (`base64`, `hex`, `percent`, or `base64, percent`
  /// when nested, outermost first); nil when it was found as written. Lines and columns then point at the encoded text.
  package var decoding: String?
  /// How sure this finding is (the rule's confidence, lower in test and example paths).
  package var confidence: Confidence = .high
  /// For history scans: how many commits introduced this same secret at this path.
  package var commitCount: Int?

  /// Deterministic report order: path, line, column, rule id.
  package static func reportOrder(_ a: Finding, _ b: Finding) -> Bool {
    if a.provenance.path != b.provenance.path {
      return a.provenance.path.lexicographicallyPrecedes(b.provenance.path)
    }
    if a.line != b.line { return a.line < b.line }
    if a.column != b.column { return a.column < b.column }
    if a.ruleID != b.ruleID { return a.ruleID < b.ruleID }
    let aCommit = a.provenance.commit?.id ?? ""
    let bCommit = b.provenance.commit?.id ?? ""
    return aCommit < bCommit
  }
}

/// Something a scan could not do fully, such as a rule that hit the match limit. The scan goes on.
package struct ScanDiagnostic: Sendable, Hashable, CustomStringConvertible {
  package var ruleID: String?
  package var path: [UInt8]?
  package var message: String
  package init(ruleID: String?, path: [UInt8]?, message: String) {
    self.ruleID = ruleID
    self.path = path
    self.message = message
  }
  package var description: String {
    var parts: [String] = []
    if let ruleID { parts.append("rule '\(ruleID)'") }
    if let path { parts.append(String(decoding: path, as: UTF8.self)) }
    parts.append(message)
    return parts.joined(separator: ": ")
  }
}
