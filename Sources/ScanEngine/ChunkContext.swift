/// Per-chunk state for locating findings: a lazily built index of line starts.
struct ChunkContext {
  let chunk: Chunk
  let bytes: UnsafeBufferPointer<UInt8>
  private var lineStarts: [Int]?
  /// The last column computed, so successive findings on one long line do not recount from its start.
  private var columnCursor: (lineStart: Int, offset: Int, column: Int)?

  /// How much of a very long line a finding keeps on each side of the secret, for display.
  static let contextLimit = 160
  /// How much of a match a finding keeps.
  static let matchLimit = 1024

  init(chunk: Chunk, bytes: UnsafeBufferPointer<UInt8>) {
    self.chunk = chunk
    self.bytes = bytes
  }

  private mutating func starts() -> [Int] {
    if let lineStarts { return lineStarts }
    var starts = [0]
    for index in 0..<bytes.count where bytes[index] == 0x0A { starts.append(index + 1) }
    lineStarts = starts
    return starts
  }

  /// 0-based index of the chunk line holding `offset`.
  private mutating func lineIndex(at offset: Int) -> Int {
    let starts = starts()
    var low = 0
    var high = starts.count - 1
    while low < high {
      let mid = (low + high + 1) / 2
      if starts[mid] <= offset { low = mid } else { high = mid - 1 }
    }
    return low
  }

  /// The file's 1-based line number of `offset`, through `lineNumbers` for diff chunks.
  mutating func lineNumber(at offset: Int) -> Int {
    let index = lineIndex(at: offset)
    if let numbers = chunk.lineNumbers, index < numbers.count { return numbers[index] }
    return index + 1
  }

  /// Offset of the end of the line holding `offset` (the newline's offset, or the chunk's end).
  func lineEnd(from offset: Int) -> Int {
    var end = offset
    while end < bytes.count, bytes[end] != 0x0A { end += 1 }
    return end
  }

  /// The full lines a byte range touches, without the final line terminator.
  mutating func lineSpan(covering range: Range<Int>) -> Range<Int> {
    let starts = starts()
    let start = starts[lineIndex(at: range.lowerBound)]
    var end = lineEnd(from: Swift.max(range.lowerBound, range.upperBound - 1))
    if end > start, end <= bytes.count, end > 0, bytes[end - 1] == 0x0D { end -= 1 }
    return start..<Swift.max(start, end)
  }

  /// 1-based column of `offset` on its line, counting characters (UTF-8 lead bytes), not bytes.
  private mutating func column(at offset: Int) -> Int {
    let start = starts()[lineIndex(at: offset)]
    var from = start
    var column = 1
    if let cursor = columnCursor, cursor.lineStart == start, cursor.offset <= offset {
      from = cursor.offset
      column = cursor.column
    }
    for index in from..<offset where bytes[index] & 0xC0 != 0x80 { column += 1 }
    columnCursor = (start, offset, column)
    return column
  }

  /// Whether the chunk's path is a test, fixture, example or documentation path: asked of
  /// `checkLowConfidencePath` at the first finding only, since most chunks have none.
  var checkLowConfidencePath: () -> Bool = { false }
  private var lowConfidencePath: Bool?

  private mutating func confidence(_ rule: Rule) -> Confidence {
    if lowConfidencePath == nil { lowConfidencePath = checkLowConfidencePath() }
    return lowConfidencePath == true ? rule.definition.baseConfidence.lowered : rule.definition.baseConfidence
  }

  mutating func finding(
    _ rule: Rule, secretRange: Range<Int>, matchRange: Range<Int>, secret: [UInt8], entropy: Double
  ) -> Finding {
    var finding = Finding(
      ruleID: rule.id, ruleDescription: rule.definition.description, tags: rule.definition.tags,
      provenance: chunk.provenance, line: 0, column: 0, endLine: 0, endColumn: 0, secretRange: secretRange,
      matchRange: matchRange, secret: Secret(secret), entropy: entropy,
      fingerprint: Secret.fingerprint(ruleID: rule.id, secret: secret), lineText: [], secretRangeInLine: 0..<0,
      match: Array(bytes[matchRange].prefix(ChunkContext.matchLimit)), confidence: confidence(rule), commitCount: nil)
    locate(&finding, at: secretRange)
    return finding
  }

  /// Sets a finding's lines, columns and context line to those of `secretRange` in this chunk. A
  /// finding from decoded content is located at the encoded text it came from.
  mutating func locate(_ finding: inout Finding, at secretRange: Range<Int>) {
    var lastByte = secretRange.upperBound - 1
    while lastByte > secretRange.lowerBound, bytes[lastByte] & 0xC0 == 0x80 { lastByte -= 1 }
    let span = lineSpan(covering: secretRange.lowerBound..<secretRange.lowerBound + 1)
    // Keep at most `contextLimit` bytes each side, so a finding in a minified file stays small.
    var from = Swift.max(span.lowerBound, secretRange.lowerBound - ChunkContext.contextLimit)
    while from > span.lowerBound, bytes[from] & 0xC0 == 0x80 { from -= 1 }
    let secretEndOnLine = Swift.min(secretRange.upperBound, span.upperBound)
    var to = Swift.min(span.upperBound, secretEndOnLine + ChunkContext.contextLimit)
    while to < span.upperBound, bytes[to] & 0xC0 == 0x80 { to += 1 }
    let lineText = Array(bytes[from..<to])
    finding.line = lineNumber(at: secretRange.lowerBound)
    finding.column = column(at: secretRange.lowerBound)
    finding.endLine = lineNumber(at: lastByte)
    finding.endColumn = column(at: lastByte)
    finding.secretRange = secretRange
    finding.lineText = Array(bytes[from..<to])
    finding.secretRangeInLine = (secretRange.lowerBound - from)..<(secretEndOnLine - from)
  }

  /// A finding for a path-only rule: the file itself is the problem.
  mutating func pathFinding(_ rule: Rule) -> Finding {
    let path = chunk.provenance.path
    return Finding(
      ruleID: rule.id, ruleDescription: rule.definition.description, tags: rule.definition.tags,
      provenance: chunk.provenance, line: 1, column: 1, endLine: 1, endColumn: 1, secretRange: 0..<0,
      matchRange: 0..<0, secret: Secret([]), entropy: 0,
      fingerprint: Secret.fingerprint(ruleID: rule.id, secret: path), lineText: [], secretRangeInLine: 0..<0, match: [],
      confidence: confidence(rule), commitCount: nil)
  }
}
