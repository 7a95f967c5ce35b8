/// Parses TOML 1.0 documents into tables that remember where every key and value was written.
package enum TOMLParser {
  /// Parses UTF-8 bytes (a leading byte order mark is skipped).
  package static func parse(_ bytes: some Collection<UInt8>) throws(TOMLError) -> TOMLTable {
    let contiguous = bytes.withContiguousStorageIfAvailable { buffer in
      Result { () throws(TOMLError) -> TOMLTable in try parse(buffer: buffer) }
    }
    if let contiguous { return try contiguous.get() }
    let copy = Array(bytes)
    return try copy.withUnsafeBufferPointer { buffer in
      Result { () throws(TOMLError) -> TOMLTable in try parse(buffer: buffer) }
    }.get()
  }

  package static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
    var text = text
    return try text.withUTF8 { buffer in
      Result { () throws(TOMLError) -> TOMLTable in try parse(buffer: buffer) }
    }.get()
  }

  static func parse(buffer: UnsafeBufferPointer<UInt8>) throws(TOMLError) -> TOMLTable {
    var parser = Parser(buffer)
    return try parser.parseDocument()
  }
}

// ASCII bytes by name.
let lineFeed = UInt8(ascii: "\n")
let carriageReturn = UInt8(ascii: "\r")
let space = UInt8(ascii: " ")
let tab = UInt8(ascii: "\t")
let hash = UInt8(ascii: "#")
let quote = UInt8(ascii: "\"")
let apostrophe = UInt8(ascii: "'")
let backslash = UInt8(ascii: "\\")
let equals = UInt8(ascii: "=")
let dot = UInt8(ascii: ".")
let comma = UInt8(ascii: ",")
let openBracket = UInt8(ascii: "[")
let closeBracket = UInt8(ascii: "]")
let openBrace = UInt8(ascii: "{")
let closeBrace = UInt8(ascii: "}")
let underscore = UInt8(ascii: "_")
let plus = UInt8(ascii: "+")
let minus = UInt8(ascii: "-")
let colon = UInt8(ascii: ":")
let zero = UInt8(ascii: "0")
let nine = UInt8(ascii: "9")

@inline(__always) func isASCIIDigit(_ byte: UInt8) -> Bool { byte &- zero < 10 }

/// A single forward pass over the document's bytes.
struct Parser {
  /// How deeply arrays, inline tables and tables may nest.
  static let maximumDepth = 128

  let bytes: UnsafeBufferPointer<UInt8>
  let end: Int
  /// Bytes of a skipped byte order mark.
  let start: Int
  var i: Int
  /// The current line (1-based) and the offset where it starts: kept up to date at every newline consumed.
  var line = 1
  var lineStart: Int
  /// Column cache for `position(_:)`: the last offset asked for on `cacheLine`, and its scalar count.
  var cacheLine = 0
  var cacheOffset = 0
  var cacheCount = 0
  /// Reused buffer for strings that need decoding (escapes, CRLF).
  var scratch: [UInt8] = []
  /// Current nesting of arrays and inline tables.
  var depth = 0
  /// The document's root table, to name tables in messages.
  var documentRoot: TableBuilder? = nil

  init(_ bytes: UnsafeBufferPointer<UInt8>) {
    self.bytes = bytes
    end = bytes.count
    let bom = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
    start = bom ? 3 : 0
    i = start
    lineStart = start
  }

  // MARK: - Positions and errors

  @inline(__always) func byte(at offset: Int) -> UInt8? { offset < end ? bytes[offset] : nil }

  /// The position of `offset`, which must be on the current line or earlier.
  mutating func position(_ offset: Int) -> TOMLPosition {
    guard offset >= lineStart else { return slowPosition(offset) }
    var from = lineStart
    var count = 0
    if cacheLine == line && cacheOffset <= offset {
      from = cacheOffset
      count = cacheCount
    }
    while from < offset {
      if bytes[from] & 0xC0 != 0x80 { count += 1 }
      from += 1
    }
    cacheLine = line
    cacheOffset = offset
    cacheCount = count
    return TOMLPosition(line: line, column: count + 1)
  }

  /// The position of any offset, counted from the start of the document (for errors).
  func slowPosition(_ offset: Int) -> TOMLPosition {
    let offset = min(max(offset, start), end)
    var line = 1
    var lineStart = start
    var k = start
    while k < offset {
      if bytes[k] == lineFeed {
        line += 1
        lineStart = k + 1
      }
      k += 1
    }
    var column = 1
    for k in lineStart..<offset where bytes[k] & 0xC0 != 0x80 { column += 1 }
    return TOMLPosition(line: line, column: column)
  }

  func error(_ message: String, at offset: Int) -> TOMLError {
    let position = slowPosition(offset)
    return TOMLError(line: position.line, column: position.column, message: message)
  }

  /// "expected X, found Y", where Y describes the byte at `offset`.
  func unexpected(_ expected: String, at offset: Int) -> TOMLError {
    error("expected \(expected), found \(describe(offset))", at: offset)
  }

  /// The character at `offset`, for messages.
  func describe(_ offset: Int) -> String {
    guard offset < end else { return "end of file" }
    let c = bytes[offset]
    if c == lineFeed || (c == carriageReturn && byte(at: offset + 1) == lineFeed) { return "end of line" }
    if c == space { return "' '" }
    if c == apostrophe { return "\"'\"" }
    if c == tab { return "a tab" }
    if c < 0x20 || c == 0x7F { return "control character U+\(hex(UInt32(c), digits: 4))" }
    if c < 0x80 { return "'\(Character(Unicode.Scalar(c)))'" }
    guard let (scalar, _) = decodeScalar(at: offset) else {
      return "invalid UTF-8 (byte 0x\(hex(UInt32(c), digits: 2)))"
    }
    return "'\(Character(scalar))'"
  }

  // MARK: - Lexical helpers

  @inline(__always) mutating func skipWhitespace() {
    while i < end, bytes[i] == space || bytes[i] == tab { i += 1 }
  }

  /// At `\n` or `\r`: consumes a newline (LF or CRLF), or fails on a lone carriage return.
  mutating func consumeNewline() throws(TOMLError) {
    if bytes[i] == carriageReturn {
      guard byte(at: i + 1) == lineFeed else {
        throw error("carriage return must be followed by a line feed", at: i)
      }
      i += 1
    }
    i += 1
    line += 1
    lineStart = i
  }

  /// At `#`: skips the comment up to (not including) the end of the line.
  mutating func skipComment() throws(TOMLError) {
    i += 1
    while i < end {
      let c = bytes[i]
      if (c >= 0x20 && c < 0x7F) || c == tab {
        i += 1
      } else if c == lineFeed {
        return
      } else if c >= 0x80 {
        try skipScalar()
      } else if c == carriageReturn && byte(at: i + 1) == lineFeed {
        return
      } else {
        throw error("control character U+\(hex(UInt32(c), digits: 4)) is not allowed in a comment", at: i)
      }
    }
  }

  /// Whitespace, newlines and comments (between array elements).
  mutating func skipTrivia() throws(TOMLError) {
    while i < end {
      switch bytes[i] {
      case space, tab: i += 1
      case lineFeed, carriageReturn: try consumeNewline()
      case hash: try skipComment()
      default: return
      }
    }
  }

  /// After a value or header: optional whitespace and comment, then a newline or the end of the file.
  mutating func finishLine(after what: String) throws(TOMLError) {
    skipWhitespace()
    guard i < end else { return }
    if bytes[i] == hash {
      try skipComment()
      guard i < end else { return }
    }
    guard bytes[i] == lineFeed || bytes[i] == carriageReturn else {
      throw unexpected("a newline after \(what)", at: i)
    }
    try consumeNewline()
  }

  /// Decodes the UTF-8 scalar at `offset` (`nil` when the bytes there are not valid UTF-8).
  func decodeScalar(at offset: Int) -> (Unicode.Scalar, Int)? {
    let c0 = bytes[offset]
    if c0 < 0x80 { return (Unicode.Scalar(c0), 1) }
    let length: Int
    var low: UInt8 = 0x80
    var high: UInt8 = 0xBF
    var value: UInt32
    switch c0 {
    case 0xC2...0xDF: length = 2; value = UInt32(c0 & 0x1F)
    case 0xE0: length = 3; low = 0xA0; value = UInt32(c0 & 0x0F)
    case 0xE1...0xEC, 0xEE...0xEF: length = 3; value = UInt32(c0 & 0x0F)
    case 0xED: length = 3; high = 0x9F; value = UInt32(c0 & 0x0F)
    case 0xF0: length = 4; low = 0x90; value = UInt32(c0 & 0x07)
    case 0xF1...0xF3: length = 4; value = UInt32(c0 & 0x07)
    case 0xF4: length = 4; high = 0x8F; value = UInt32(c0 & 0x07)
    default: return nil
    }
    guard offset + length <= end else { return nil }
    for k in 1..<length {
      let c = bytes[offset + k]
      guard c >= low && c <= high else { return nil }
      low = 0x80
      high = 0xBF
      value = value << 6 | UInt32(c & 0x3F)
    }
    guard let scalar = Unicode.Scalar(value) else { return nil }
    return (scalar, length)
  }

  /// At a byte ≥ 0x80: skips one valid UTF-8 scalar, or fails pointing at it.
  @inline(__always) mutating func skipScalar() throws(TOMLError) {
    guard let (_, length) = decodeScalar(at: i) else {
      throw error("invalid UTF-8 (byte 0x\(hex(UInt32(bytes[i]), digits: 2)))", at: i)
    }
    i += length
  }

  /// The bytes in `range` as a string (already validated as UTF-8).
  @inline(__always) func string(_ range: Range<Int>) -> String {
    String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
  }

  // MARK: - Document structure

  mutating func parseDocument() throws(TOMLError) -> TOMLTable {
    let root = TableBuilder(state: .header, position: TOMLPosition(line: 1, column: 1), depth: 0)
    var current = root
    documentRoot = root
    defer { documentRoot = nil }
    while true {
      skipWhitespace()
      guard i < end else { break }
      switch bytes[i] {
      case hash:
        try skipComment()
        if i < end { try consumeNewline() }
      case lineFeed, carriageReturn:
        try consumeNewline()
      case openBracket:
        current = try parseHeader(root: root)
        try finishLine(after: "the table header")
      default:
        try parseKeyValue(into: current)
        try finishLine(after: "the value")
      }
    }
    return root.freeze()
  }

  /// At `[`: a `[table]` or `[[array of tables]]` header; returns the table it opens.
  mutating func parseHeader(root: TableBuilder) throws(TOMLError) -> TableBuilder {
    let header = position(i)
    i += 1
    let isArray = byte(at: i) == openBracket
    if isArray { i += 1 }
    skipWhitespace()
    let parts = try parseKey(naming: isArray ? "an array of tables name" : "a table name")
    let name = displayKey(parts.map(\.name))
    if isArray {
      guard byte(at: i) == closeBracket && byte(at: i + 1) == closeBracket else {
        throw unexpected("']]' after array of tables name '\(name)'", at: byte(at: i) == closeBracket ? i + 1 : i)
      }
      i += 2
    } else {
      guard byte(at: i) == closeBracket else { throw unexpected("']' after table name '\(name)'", at: i) }
      i += 1
    }
    return try openTable(parts, isArray: isArray, header: header, root: root)
  }

  /// `key = value` into `table` (the current table, or an inline table being read).
  mutating func parseKeyValue(into table: TableBuilder) throws(TOMLError) {
    let parts = try parseKey(naming: "a key")
    guard byte(at: i) == equals else {
      throw unexpected("'=' after key '\(displayKey(parts.map(\.name)))'", at: i)
    }
    i += 1
    skipWhitespace()
    let node = try parseValue()
    try insert(node, at: parts, into: table)
  }

  /// A bare, quoted or dotted key, and the whitespace after it.
  mutating func parseKey(naming what: String) throws(TOMLError) -> [KeyPart] {
    var parts = [try parseSimpleKey(naming: what)]
    skipWhitespace()
    while byte(at: i) == dot {
      i += 1
      skipWhitespace()
      parts.append(try parseSimpleKey(naming: "a key after '.'"))
      skipWhitespace()
    }
    return parts
  }

  mutating func parseSimpleKey(naming what: String) throws(TOMLError) -> KeyPart {
    let keyStart = i
    guard i < end else { throw unexpected(what, at: i) }
    let position = position(i)
    let c = bytes[i]
    let name: String
    if c == quote {
      if byte(at: i + 1) == quote && byte(at: i + 2) == quote {
        throw error("a key cannot be a multi-line string", at: i)
      }
      name = try parseBasicString()
    } else if c == apostrophe {
      if byte(at: i + 1) == apostrophe && byte(at: i + 2) == apostrophe {
        throw error("a key cannot be a multi-line string", at: i)
      }
      name = try parseLiteralString()
    } else if isBareKeyByte(c) {
      while i < end && isBareKeyByte(bytes[i]) { i += 1 }
      name = string(keyStart..<i)
    } else {
      throw unexpected(what, at: i)
    }
    return KeyPart(name: name, offset: keyStart, position: position)
  }

  // MARK: - Values

  mutating func parseValue() throws(TOMLError) -> TOMLNode {
    guard i < end else { throw unexpected("a value", at: i) }
    let valueStart = i
    let position = position(i)
    let value: TOMLValue
    switch bytes[i] {
    case quote:
      if byte(at: i + 1) == quote && byte(at: i + 2) == quote {
        value = .string(try parseMultilineBasicString())
      } else {
        value = .string(try parseBasicString())
      }
    case apostrophe:
      if byte(at: i + 1) == apostrophe && byte(at: i + 2) == apostrophe {
        value = .string(try parseMultilineLiteralString())
      } else {
        value = .string(try parseLiteralString())
      }
    case UInt8(ascii: "t") where matches("true") && !continuesWord(at: i + 4):
      i += 4
      value = .bool(true)
    case UInt8(ascii: "f") where matches("false") && !continuesWord(at: i + 5):
      i += 5
      value = .bool(false)
    case openBracket:
      value = try parseArray()
    case openBrace:
      value = try parseInlineTable(at: position)
    case plus, minus, zero...nine, UInt8(ascii: "i"), UInt8(ascii: "n"):
      value = try parseNumberOrDate()
    default:
      throw unexpectedValue(at: valueStart)
    }
    return TOMLNode(value: value, position: position)
  }

  /// A value that is not one: names the word found when there is one (`yes`, `True`, `(?i)x`).
  func unexpectedValue(at offset: Int) -> TOMLError {
    var k = offset
    while k < end, k - offset < 40, isBareKeyByte(bytes[k]) || bytes[k] == dot || bytes[k] == colon
      || bytes[k] == plus
    {
      k += 1
    }
    let expected = "a value (string, number, boolean, date-time, array or inline table)"
    if k - offset > 1 {
      return error("expected \(expected), found '\(string(offset..<k))'", at: offset)
    }
    return unexpected(expected, at: offset)
  }

  @inline(__always) func continuesWord(at offset: Int) -> Bool {
    guard offset < end else { return false }
    return isBareKeyByte(bytes[offset]) || bytes[offset] == dot || bytes[offset] == colon
  }

  @inline(__always) func matches(_ word: StaticString) -> Bool {
    let count = word.utf8CodeUnitCount
    guard i + count <= end else { return false }
    let pointer = word.utf8Start
    for k in 0..<count where bytes[i + k] != pointer[k] { return false }
    return true
  }

  /// At `[`: a static array (elements of any types, newlines and comments allowed, trailing comma allowed).
  mutating func parseArray() throws(TOMLError) -> TOMLValue {
    let open = i
    guard depth < Parser.maximumDepth else {
      throw error("arrays and inline tables are nested too deeply (more than \(Parser.maximumDepth) levels)", at: i)
    }
    depth += 1
    defer { depth -= 1 }
    i += 1
    var elements: [TOMLNode] = []
    while true {
      try skipTrivia()
      guard i < end else { throw error("unterminated array: expected ']' to close the '[' here", at: open) }
      if bytes[i] == closeBracket {
        i += 1
        return .array(elements)
      }
      elements.append(try parseValue())
      try skipTrivia()
      guard i < end else { throw error("unterminated array: expected ']' to close the '[' here", at: open) }
      switch bytes[i] {
      case comma:
        i += 1
      case closeBracket:
        i += 1
        return .array(elements)
      default:
        throw unexpected("',' or ']' after array element", at: i)
      }
    }
  }

  /// At `{`: an inline table — one line, no trailing comma, complete once closed.
  mutating func parseInlineTable(at position: TOMLPosition) throws(TOMLError) -> TOMLValue {
    let open = i
    guard depth < Parser.maximumDepth else {
      throw error("arrays and inline tables are nested too deeply (more than \(Parser.maximumDepth) levels)", at: i)
    }
    depth += 1
    defer { depth -= 1 }
    i += 1
    let table = TableBuilder(state: .header, position: position, depth: depth)
    skipWhitespace()
    if byte(at: i) == closeBrace {
      i += 1
      return .table(table.freeze())
    }
    while true {
      skipWhitespace()
      guard i < end else { throw error("unterminated inline table: expected '}' to close the '{' here", at: open) }
      switch bytes[i] {
      case lineFeed, carriageReturn:
        throw error("expected a key, found end of line (an inline table must be on one line)", at: i)
      case closeBrace:
        throw error("expected a key, found '}' (no trailing comma is allowed in an inline table)", at: i)
      default:
        break
      }
      try parseKeyValue(into: table)
      skipWhitespace()
      guard i < end else { throw error("unterminated inline table: expected '}' to close the '{' here", at: open) }
      switch bytes[i] {
      case comma:
        i += 1
      case closeBrace:
        i += 1
        return .table(table.freeze())
      case lineFeed, carriageReturn:
        throw error("expected ',' or '}' after inline table entry, found end of line (an inline table must be on one line)", at: i)
      default:
        throw unexpected("',' or '}' after inline table entry", at: i)
      }
    }
  }
}
