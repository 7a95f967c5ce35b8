/// Mutable tables used while parsing; converted to `TOMLTable` values at the end.
final class BuildTable {
  enum Slot {
    /// A value that can no longer change: scalars, static arrays, inline tables.
    case value(TOMLNode)
    case table(BuildTable)
    case tableArray([BuildTable], TOMLPosition)
  }
  var keys: [String] = []
  var slots: [String: (slot: Slot, position: TOMLPosition)] = [:]
  let position: TOMLPosition
  /// Defined by a `[header]` (may not be defined again).
  var definedByHeader = false
  /// Created by a dotted key (may be extended by dotted keys, not by headers).
  var definedByDotted = false

  init(position: TOMLPosition) { self.position = position }

  func set(_ key: String, _ slot: Slot, at position: TOMLPosition) {
    if slots[key] == nil { keys.append(key) }
    slots[key] = (slot, position)
  }

  func freeze() -> TOMLTable {
    var table = TOMLTable(position: position)
    for key in keys {
      guard let (slot, keyPosition) = slots[key] else { continue }
      switch slot {
      case .value(let node): table.set(key, node, at: keyPosition)
      case .table(let child): table.set(key, TOMLNode(value: .table(child.freeze()), position: child.position), at: keyPosition)
      case .tableArray(let children, let arrayPosition):
        let nodes = children.map { TOMLNode(value: .table($0.freeze()), position: $0.position) }
        table.set(key, TOMLNode(value: .array(nodes), position: arrayPosition), at: keyPosition)
      }
    }
    return table
  }
}

struct Parser {
  let bytes: [UInt8]
  var offset = 0
  var line = 1
  var lineStart = 0

  init(_ bytes: [UInt8]) {
    self.bytes = bytes
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
      offset = 3
      lineStart = 3
    }
  }

  // MARK: - Positions and errors

  func position(at target: Int? = nil) -> TOMLPosition {
    let end = target ?? offset
    var column = 1
    var index = lineStart
    while index < end && index < bytes.count {
      if bytes[index] & 0xC0 != 0x80 { column += 1 }
      index += 1
    }
    return TOMLPosition(line: line, column: column)
  }

  func error(_ message: String, at target: Int? = nil) -> TOMLError {
    let where_ = position(at: target)
    return TOMLError(line: where_.line, column: where_.column, message: message)
  }

  var current: UInt8? { offset < bytes.count ? bytes[offset] : nil }
  func peek(_ ahead: Int) -> UInt8? { offset + ahead < bytes.count ? bytes[offset + ahead] : nil }

  func describe(_ byte: UInt8?) -> String {
    guard let byte else { return "end of file" }
    switch byte {
    case 0x0A: return "end of line"
    case 0x20...0x7E: return "'\(Character(Unicode.Scalar(byte)))'"
    default: return "byte 0x\(String(byte, radix: 16))"
    }
  }

  // MARK: - Whitespace, comments, newlines

  mutating func skipWhitespace() {
    while let byte = current, byte == 0x20 || byte == 0x09 { offset += 1 }
  }

  /// A newline (LF or CRLF) at the cursor; consumes it and returns true.
  mutating func newline() throws(TOMLError) -> Bool {
    if current == 0x0A {
      offset += 1
      line += 1
      lineStart = offset
      return true
    }
    if current == 0x0D {
      guard peek(1) == 0x0A else { throw error("a carriage return must be followed by a line feed") }
      offset += 2
      line += 1
      lineStart = offset
      return true
    }
    return false
  }

  mutating func comment() throws(TOMLError) {
    guard current == UInt8(ascii: "#") else { return }
    offset += 1
    while let byte = current, byte != 0x0A {
      if byte == 0x0D, peek(1) == 0x0A { break }
      if byte < 0x20 && byte != 0x09 || byte == 0x7F { throw error("control character in a comment") }
      offset += 1
    }
  }

  /// After a key/value or a header: optional whitespace and comment, then a newline or the end.
  mutating func endOfLine() throws(TOMLError) {
    skipWhitespace()
    try comment()
    if current == nil { return }
    guard try newline() else { throw error("expected the end of the line, found \(describe(current))") }
  }

  /// Whitespace, comments and newlines (inside arrays).
  mutating func skipBlank() throws(TOMLError) {
    while true {
      skipWhitespace()
      try comment()
      if try !newline() { return }
    }
  }

  // MARK: - Document

  mutating func document() throws(TOMLError) -> TOMLTable {
    try validateUTF8()
    let root = BuildTable(position: TOMLPosition(line: 1, column: 1))
    root.definedByHeader = true
    var table = root
    while true {
      try skipBlank()
      guard let byte = current else { break }
      if byte == UInt8(ascii: "[") {
        table = try header(root)
      } else {
        try keyValue(into: table)
      }
      try endOfLine()
    }
    return root.freeze()
  }

  mutating func header(_ root: BuildTable) throws(TOMLError) -> BuildTable {
    let start = offset
    let startPosition = position()
    let isArray = peek(1) == UInt8(ascii: "[")
    offset += isArray ? 2 : 1
    skipWhitespace()
    let keys = try dottedKey()
    skipWhitespace()
    if isArray {
      guard current == UInt8(ascii: "]"), peek(1) == UInt8(ascii: "]") else { throw error("expected ']]' to close the table array header") }
      offset += 2
    } else {
      guard current == UInt8(ascii: "]") else { throw error("expected ']' to close the table header") }
      offset += 1
    }
    let name = keys.map(\.key).joined(separator: ".")
    var table = root
    for (index, part) in keys.enumerated() {
      let isLast = index == keys.count - 1
      let existing = table.slots[part.key]?.slot
      if isLast {
        if isArray {
          switch existing {
          case nil:
            let child = BuildTable(position: startPosition)
            table.set(part.key, .tableArray([child], startPosition), at: part.position)
            return child
          case .tableArray(var children, let arrayPosition)?:
            let child = BuildTable(position: startPosition)
            children.append(child)
            table.set(part.key, .tableArray(children, arrayPosition), at: table.slots[part.key]!.position)
            return child
          default:
            throw error("cannot define '\(name)' as an array of tables: it is already \(kind(existing))", at: start)
          }
        }
        switch existing {
        case nil:
          let child = BuildTable(position: startPosition)
          child.definedByHeader = true
          table.set(part.key, .table(child), at: part.position)
          return child
        case .table(let child)?:
          if child.definedByHeader || child.definedByDotted {
            throw error("table '\(name)' is defined more than once", at: start)
          }
          child.definedByHeader = true
          return child
        default:
          throw error("cannot define table '\(name)': it is already \(kind(existing))", at: start)
        }
      }
      switch existing {
      case nil:
        let child = BuildTable(position: startPosition)
        table.set(part.key, .table(child), at: part.position)
        table = child
      case .table(let child)?: table = child
      case .tableArray(let children, _)?: table = children[children.count - 1]  // never empty
      case .value?: throw error("cannot define table '\(name)': '\(part.key)' is already \(kind(existing))", at: start)
      }
    }
    return table
  }

  func kind(_ slot: BuildTable.Slot?) -> String {
    switch slot {
    case .value(let node)?:
      if case .table = node.value { return "an inline table" }
      if case .array = node.value { return "a static array" }
      return node.value.typeName
    case .table?: return "a table"
    case .tableArray?: return "an array of tables"
    case nil: return "undefined"
    }
  }

  mutating func keyValue(into table: BuildTable) throws(TOMLError) {
    let keys = try dottedKey()
    skipWhitespace()
    guard current == UInt8(ascii: "=") else {
      throw error("expected '=' after key '\(keys.map(\.key).joined(separator: "."))', found \(describe(current))")
    }
    offset += 1
    skipWhitespace()
    let node = try value()
    try assign(keys, node, in: table)
  }

  mutating func assign(_ keys: [(key: String, position: TOMLPosition)], _ node: TOMLNode, in table: BuildTable) throws(TOMLError) {
    var target = table
    for part in keys.dropLast() {
      switch target.slots[part.key]?.slot {
      case nil:
        let child = BuildTable(position: part.position)
        child.definedByDotted = true
        target.set(part.key, .table(child), at: part.position)
        target = child
      case .table(let child)? where child.definedByDotted:
        target = child
      case let existing:
        throw TOMLError(line: part.position.line, column: part.position.column, message: "cannot add keys to '\(part.key)': it is already \(kind(existing))")
      }
    }
    let last = keys[keys.count - 1]  // dottedKey returns at least one key
    if target.slots[last.key] != nil {
      throw TOMLError(line: last.position.line, column: last.position.column, message: "duplicate key '\(last.key)'")
    }
    target.set(last.key, .value(node), at: last.position)
  }

  // MARK: - Keys

  mutating func dottedKey() throws(TOMLError) -> [(key: String, position: TOMLPosition)] {
    var keys: [(key: String, position: TOMLPosition)] = []
    while true {
      let keyPosition = position()
      keys.append((try simpleKey(), keyPosition))
      skipWhitespace()
      guard current == UInt8(ascii: ".") else { return keys }
      offset += 1
      skipWhitespace()
    }
  }

  mutating func simpleKey() throws(TOMLError) -> String {
    switch current {
    case UInt8(ascii: "\"")?:
      if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") { throw error("a key cannot be a multi-line string") }
      return try basicString()
    case UInt8(ascii: "'")?:
      if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") { throw error("a key cannot be a multi-line string") }
      return try literalString()
    default:
      let start = offset
      while let byte = current, Parser.isBareKey(byte) { offset += 1 }
      guard offset > start else { throw error("expected a key, found \(describe(current))") }
      return String(decoding: bytes[start..<offset], as: UTF8.self)
    }
  }

  static func isBareKey(_ byte: UInt8) -> Bool {
    (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
      || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
  }

  // MARK: - Values

  mutating func value() throws(TOMLError) -> TOMLNode {
    let start = position()
    guard let byte = current else { throw error("expected a value, found end of file") }
    let value: TOMLValue
    switch byte {
    case UInt8(ascii: "\""):
      if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") {
        value = .string(try multilineBasicString())
      } else {
        value = .string(try basicString())
      }
    case UInt8(ascii: "'"):
      if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") {
        value = .string(try multilineLiteralString())
      } else {
        value = .string(try literalString())
      }
    case UInt8(ascii: "["): value = .array(try array())
    case UInt8(ascii: "{"): value = .table(try inlineTable())
    case UInt8(ascii: "t"), UInt8(ascii: "f"):
      if bytes[offset...].starts(with: Array("true".utf8)) {
        offset += 4
        value = .bool(true)
      } else if bytes[offset...].starts(with: Array("false".utf8)) {
        offset += 5
        value = .bool(false)
      } else {
        throw error("expected a value, found \(describe(byte)) (strings need quotes)")
      }
    default:
      value = try numberOrDate()
    }
    return TOMLNode(value: value, position: start)
  }

  mutating func array() throws(TOMLError) -> [TOMLNode] {
    offset += 1  // [
    var elements: [TOMLNode] = []
    while true {
      try skipBlank()
      if current == UInt8(ascii: "]") {
        offset += 1
        return elements
      }
      elements.append(try value())
      try skipBlank()
      if current == UInt8(ascii: ",") {
        offset += 1
        continue
      }
      guard current == UInt8(ascii: "]") else { throw error("expected ',' or ']' in an array, found \(describe(current))") }
      offset += 1
      return elements
    }
  }

  mutating func inlineTable() throws(TOMLError) -> TOMLTable {
    let table = BuildTable(position: position())
    offset += 1  // {
    skipWhitespace()
    if current == UInt8(ascii: "}") {
      offset += 1
      return table.freeze()
    }
    while true {
      skipWhitespace()
      try keyValue(into: table)
      skipWhitespace()
      if current == UInt8(ascii: ",") {
        offset += 1
        skipWhitespace()
        if current == UInt8(ascii: "}") { throw error("trailing comma in an inline table") }
        continue
      }
      guard current == UInt8(ascii: "}") else {
        throw error("expected ',' or '}' in an inline table, found \(describe(current)) (inline tables stay on one line)")
      }
      offset += 1
      return table.freeze()
    }
  }

  // MARK: - Strings

  mutating func basicString() throws(TOMLError) -> String {
    offset += 1
    var out: [UInt8] = []
    while true {
      guard let byte = current else { throw error("unterminated string") }
      switch byte {
      case UInt8(ascii: "\""):
        offset += 1
        return String(decoding: out, as: UTF8.self)
      case UInt8(ascii: "\\"):
        try escape(into: &out)
      case 0x0A, 0x0D:
        throw error("unterminated string (a newline in a single-line string)")
      default:
        if byte < 0x20 && byte != 0x09 || byte == 0x7F { throw error("control character in a string") }
        let start = offset
        offset += 1
        while let next = current, next != UInt8(ascii: "\""), next != UInt8(ascii: "\\"), next >= 0x20 || next == 0x09, next != 0x7F { offset += 1 }
        out += bytes[start..<offset]
      }
    }
  }

  mutating func escape(into out: inout [UInt8]) throws(TOMLError) {
    let start = offset
    offset += 1
    guard let code = current else { throw error("unterminated string") }
    offset += 1
    switch code {
    case UInt8(ascii: "b"): out.append(0x08)
    case UInt8(ascii: "t"): out.append(0x09)
    case UInt8(ascii: "n"): out.append(0x0A)
    case UInt8(ascii: "f"): out.append(0x0C)
    case UInt8(ascii: "r"): out.append(0x0D)
    case UInt8(ascii: "e"): out.append(0x1B)
    case UInt8(ascii: "\""): out.append(0x22)
    case UInt8(ascii: "\\"): out.append(0x5C)
    case UInt8(ascii: "u"), UInt8(ascii: "U"):
      let count = code == UInt8(ascii: "u") ? 4 : 8
      guard offset + count <= bytes.count,
        let value = UInt32(String(decoding: bytes[offset..<offset + count], as: UTF8.self), radix: 16),
        bytes[offset..<offset + count].allSatisfy({ Parser.isHex($0) })
      else { throw error("\\\(Character(Unicode.Scalar(code))) needs \(count) hexadecimal digits", at: start) }
      guard let scalar = Unicode.Scalar(value) else { throw error("\\u escape is not a Unicode scalar value", at: start) }
      out += Array(String(Character(scalar)).utf8)
      offset += count
    default:
      throw error("invalid escape sequence '\\\(describe(code).trimmingQuotes)'", at: start)
    }
  }

  static func isHex(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
  }

  mutating func multilineBasicString() throws(TOMLError) -> String {
    let opened = position()
    offset += 3
    _ = try newline()
    var out: [UInt8] = []
    while true {
      guard let byte = current else {
        throw TOMLError(line: opened.line, column: opened.column, message: "unterminated multi-line string")
      }
      switch byte {
      case UInt8(ascii: "\""):
        var quotes = 0
        while current == UInt8(ascii: "\"") {
          quotes += 1
          offset += 1
        }
        if quotes >= 3 {
          guard quotes <= 5 else { throw error("too many quotes at the end of a multi-line string") }
          out += [UInt8](repeating: UInt8(ascii: "\""), count: quotes - 3)
          return String(decoding: out, as: UTF8.self)
        }
        out += [UInt8](repeating: UInt8(ascii: "\""), count: quotes)
      case UInt8(ascii: "\\"):
        // A line-ending backslash trims whitespace and newlines up to the next other character.
        var look = offset + 1
        while look < bytes.count, bytes[look] == 0x20 || bytes[look] == 0x09 { look += 1 }
        if look < bytes.count, bytes[look] == 0x0A || (bytes[look] == 0x0D && look + 1 < bytes.count && bytes[look + 1] == 0x0A) {
          offset = look
          while true {
            skipWhitespace()
            if try !newline() { break }
          }
        } else {
          try escape(into: &out)
        }
      case 0x0A, 0x0D:
        let lineStartBefore = offset
        guard try newline() else { throw error("a carriage return must be followed by a line feed") }
        out += bytes[lineStartBefore..<offset]
      default:
        if byte < 0x20 && byte != 0x09 || byte == 0x7F { throw error("control character in a string") }
        out.append(byte)
        offset += 1
      }
    }
  }

  mutating func literalString() throws(TOMLError) -> String {
    offset += 1
    let start = offset
    while true {
      guard let byte = current else { throw error("unterminated string") }
      if byte == UInt8(ascii: "'") { break }
      if byte == 0x0A || byte == 0x0D { throw error("unterminated string (a newline in a single-line string)") }
      if byte < 0x20 && byte != 0x09 || byte == 0x7F { throw error("control character in a string") }
      offset += 1
    }
    let text = String(decoding: bytes[start..<offset], as: UTF8.self)
    offset += 1
    return text
  }

  mutating func multilineLiteralString() throws(TOMLError) -> String {
    let opened = position()
    offset += 3
    _ = try newline()
    var out: [UInt8] = []
    while true {
      guard let byte = current else {
        throw TOMLError(line: opened.line, column: opened.column, message: "unterminated multi-line string")
      }
      switch byte {
      case UInt8(ascii: "'"):
        var quotes = 0
        while current == UInt8(ascii: "'") {
          quotes += 1
          offset += 1
        }
        if quotes >= 3 {
          guard quotes <= 5 else { throw error("too many quotes at the end of a multi-line string") }
          out += [UInt8](repeating: UInt8(ascii: "'"), count: quotes - 3)
          return String(decoding: out, as: UTF8.self)
        }
        out += [UInt8](repeating: UInt8(ascii: "'"), count: quotes)
      case 0x0A, 0x0D:
        let before = offset
        guard try newline() else { throw error("a carriage return must be followed by a line feed") }
        out += bytes[before..<offset]
      default:
        if byte < 0x20 && byte != 0x09 || byte == 0x7F { throw error("control character in a string") }
        out.append(byte)
        offset += 1
      }
    }
  }

  // MARK: - Numbers and dates

  mutating func numberOrDate() throws(TOMLError) -> TOMLValue {
    let start = offset
    func isTokenByte(_ byte: UInt8) -> Bool {
      Parser.isBareKey(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
    }
    while let byte = current, isTokenByte(byte) { offset += 1 }
    // A date and a time may be separated by one space.
    if offset - start == 10, current == 0x20, let next = peek(1), next >= 0x30, next <= 0x39,
      bytes[start + 4] == UInt8(ascii: "-")
    {
      offset += 1
      while let byte = current, isTokenByte(byte) { offset += 1 }
    }
    let token = String(decoding: bytes[start..<offset], as: UTF8.self)
    guard !token.isEmpty else { throw error("expected a value, found \(describe(current))") }
    if let value = Parser.dateTime(token) { return value }
    if let value = Parser.integer(token) { return .integer(value) }
    if let value = Parser.float(token) { return .float(value) }
    throw error("invalid value '\(token)'", at: start)
  }

  static func digitsWithUnderscores(_ text: Substring, _ isDigit: (Character) -> Bool) -> String? {
    guard let first = text.first, let last = text.last, isDigit(first), isDigit(last) else { return nil }
    var out = ""
    var previousUnderscore = false
    for character in text {
      if character == "_" {
        if previousUnderscore { return nil }
        previousUnderscore = true
        continue
      }
      guard isDigit(character) else { return nil }
      previousUnderscore = false
      out.append(character)
    }
    return out
  }

  static func integer(_ token: String) -> Int64? {
    var text = Substring(token)
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where text.hasPrefix(prefix) {
      let body = text.dropFirst(2)
      guard let digits = digitsWithUnderscores(body, { $0.isHexDigit && Int(String($0), radix: radix) != nil }) else { return nil }
      return Int64(digits, radix: radix)
    }
    var sign = ""
    if text.first == "+" || text.first == "-" {
      sign = text.first == "-" ? "-" : ""
      text = text.dropFirst()
    }
    guard let digits = digitsWithUnderscores(text, { $0.isASCII && $0.isNumber }) else { return nil }
    if digits.count > 1 && digits.hasPrefix("0") { return nil }
    return Int64(sign + digits)
  }

  static func float(_ token: String) -> Double? {
    var text = Substring(token)
    var negative = false
    if text.first == "+" || text.first == "-" {
      negative = text.first == "-"
      text = text.dropFirst()
    }
    if text == "inf" { return negative ? -.infinity : .infinity }
    if text == "nan" { return .nan }
    let isDigit: (Character) -> Bool = { $0.isASCII && $0.isNumber }
    var mantissa = text
    var exponent: Substring?
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      mantissa = text[..<e]
      exponent = text[text.index(after: e)...]
    }
    var integerPart = mantissa
    var fraction: Substring?
    if let dot = mantissa.firstIndex(of: ".") {
      integerPart = mantissa[..<dot]
      fraction = mantissa[mantissa.index(after: dot)...]
    }
    guard fraction != nil || exponent != nil else { return nil }
    guard let whole = digitsWithUnderscores(integerPart, isDigit) else { return nil }
    if whole.count > 1 && whole.hasPrefix("0") { return nil }
    var literal = (negative ? "-" : "") + whole
    if let fraction {
      guard let digits = digitsWithUnderscores(fraction, isDigit) else { return nil }
      literal += "." + digits
    }
    if var exponent {
      var sign = ""
      if exponent.first == "+" || exponent.first == "-" {
        sign = exponent.first == "-" ? "-" : ""
        exponent = exponent.dropFirst()
      }
      guard let digits = digitsWithUnderscores(exponent, isDigit) else { return nil }
      literal += "e" + sign + digits
    }
    return Double(literal)
  }

  /// Validates the shapes of RFC 3339 dates and times as TOML allows them; returns the raw text.
  static func dateTime(_ token: String) -> TOMLValue? {
    let chars = Array(token.utf8)
    func digits(_ range: Range<Int>) -> Int? {
      guard range.upperBound <= chars.count, chars[range].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
      return Int(String(decoding: chars[range], as: UTF8.self))
    }
    func time(at start: Int) -> Int? {  // returns end offset
      guard let hour = digits(start..<start + 2), start + 2 < chars.count, chars[start + 2] == UInt8(ascii: ":"),
        let minute = digits(start + 3..<start + 5), hour < 24, minute < 60
      else { return nil }
      var end = start + 5
      if end < chars.count, chars[end] == UInt8(ascii: ":") {
        guard let second = digits(end + 1..<end + 3), second <= 60 else { return nil }
        end += 3
        if end < chars.count, chars[end] == UInt8(ascii: ".") {
          var look = end + 1
          while look < chars.count, chars[look] >= 0x30, chars[look] <= 0x39 { look += 1 }
          guard look > end + 1 else { return nil }
          end = look
        }
      } else {
        return nil  // TOML 1.0 requires seconds
      }
      return end
    }
    if chars.count >= 10, chars[4] == UInt8(ascii: "-"), chars[7] == UInt8(ascii: "-") {
      guard digits(0..<4) != nil, let month = digits(5..<7), let day = digits(8..<10), (1...12).contains(month), (1...31).contains(day) else { return nil }
      if chars.count == 10 { return .datetime(token) }
      guard [UInt8(ascii: "T"), UInt8(ascii: "t"), 0x20].contains(chars[10]), var end = time(at: 11) else { return nil }
      if end < chars.count {
        if chars[end] == UInt8(ascii: "Z") || chars[end] == UInt8(ascii: "z") {
          end += 1
        } else if chars[end] == UInt8(ascii: "+") || chars[end] == UInt8(ascii: "-") {
          guard let hours = digits(end + 1..<end + 3), end + 3 < chars.count, chars[end + 3] == UInt8(ascii: ":"),
            let minutes = digits(end + 4..<end + 6), hours < 24, minutes < 60
          else { return nil }
          end += 6
        }
      }
      return end == chars.count ? .datetime(token) : nil
    }
    if chars.count >= 8, chars[2] == UInt8(ascii: ":"), let end = time(at: 0), end == chars.count { return .datetime(token) }
    return nil
  }

  // MARK: - UTF-8

  func validateUTF8() throws(TOMLError) {
    var index = 0
    var lineNumber = 1
    var lineBegin = 0
    while index < bytes.count {
      let byte = bytes[index]
      if byte < 0x80 {
        if byte == 0x0A {
          lineNumber += 1
          lineBegin = index + 1
        }
        index += 1
        continue
      }
      var length = 0
      var minimum: UInt32 = 0
      var scalar: UInt32 = 0
      switch byte {
      case 0xC2...0xDF: (length, minimum, scalar) = (2, 0x80, UInt32(byte & 0x1F))
      case 0xE0...0xEF: (length, minimum, scalar) = (3, 0x800, UInt32(byte & 0x0F))
      case 0xF0...0xF4: (length, minimum, scalar) = (4, 0x10000, UInt32(byte & 0x07))
      default: length = 0
      }
      var valid = length > 0 && index + length <= bytes.count
      if valid {
        for next in bytes[(index + 1)..<(index + length)] {
          guard next & 0xC0 == 0x80 else {
            valid = false
            break
          }
          scalar = scalar << 6 | UInt32(next & 0x3F)
        }
      }
      if valid { valid = scalar >= minimum && scalar <= 0x10FFFF && !(0xD800...0xDFFF).contains(scalar) }
      guard valid else {
        var column = 1
        for position in lineBegin..<index where bytes[position] & 0xC0 != 0x80 { column += 1 }
        throw TOMLError(line: lineNumber, column: column, message: "invalid UTF-8")
      }
      index += length
    }
  }
}

extension String {
  fileprivate var trimmingQuotes: String {
    var text = self
    if text.hasPrefix("'") && text.hasSuffix("'") && text.count >= 2 { text = String(text.dropFirst().dropLast()) }
    return text
  }
}
