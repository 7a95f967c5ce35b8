// The vault's JSON: a strict parser (duplicate keys are errors, numbers kept as written) and a byte-stable
// writer (sorted keys, 2-space indent, LF, final newline, `/` unescaped), so that re-writing a file that did not
// change gives the same bytes and unknown fields survive a rewrite.

package enum JSONValue: Equatable, Sendable {
  case null
  case bool(Bool)
  /// A number, as written: the vault's own numbers are integers, others are preserved verbatim.
  case number(String)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  package static func int<T: BinaryInteger>(_ value: T) -> JSONValue { .number(String(value)) }

  package var string: String? { if case .string(let value) = self { return value } else { return nil } }
  package var bool: Bool? { if case .bool(let value) = self { return value } else { return nil } }
  package var array: [JSONValue]? { if case .array(let value) = self { return value } else { return nil } }
  package var object: [String: JSONValue]? { if case .object(let value) = self { return value } else { return nil } }
  package var isNull: Bool { self == .null }
  /// A non-negative integer without sign, fraction or exponent.
  package var uint: UInt64? {
    guard case .number(let text) = self, !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
      text == "0" || !text.hasPrefix("0")
    else { return nil }
    return UInt64(text)
  }
}

package struct JSONParseError: Error, CustomStringConvertible {
  package var offset: Int
  package var message: String
  package var description: String { "\(message) at byte \(offset)" }
}

package enum JSON {
  package static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
    var parser = Parser(bytes: bytes)
    parser.skipSpace()
    let value = try parser.value(depth: 0)
    parser.skipSpace()
    if parser.index != bytes.count { throw JSONParseError(offset: parser.index, message: "trailing data") }
    return value
  }

  /// Pretty, sorted, with a final newline: the form of every file the vault writes.
  package static func write(_ value: JSONValue) -> [UInt8] {
    var out = [UInt8]()
    emit(value, indent: 0, pretty: true, into: &out)
    out.append(10)
    return out
  }

  /// One line, sorted keys, no spaces: audit log lines.
  package static func compact(_ value: JSONValue) -> [UInt8] {
    var out = [UInt8]()
    emit(value, indent: 0, pretty: false, into: &out)
    return out
  }

  package static func emit(_ value: JSONValue, indent: Int, pretty: Bool, into out: inout [UInt8]) {
    switch value {
    case .null: out += Array("null".utf8)
    case .bool(let flag): out += Array((flag ? "true" : "false").utf8)
    case .number(let text): out += Array(text.utf8)
    case .string(let text): quote(text, into: &out)
    case .array(let items):
      if items.isEmpty {
        out += [91, 93]
        return
      }
      out.append(91)
      for (index, item) in items.enumerated() {
        if index > 0 { out.append(44) }
        newline(indent + 2, pretty, &out)
        emit(item, indent: indent + 2, pretty: pretty, into: &out)
      }
      newline(indent, pretty, &out)
      out.append(93)
    case .object(let members):
      if members.isEmpty {
        out += [123, 125]
        return
      }
      out.append(123)
      for (index, key) in members.keys.sorted().enumerated() {
        if index > 0 { out.append(44) }
        newline(indent + 2, pretty, &out)
        quote(key, into: &out)
        out.append(58)
        if pretty { out.append(32) }
        emit(members[key]!, indent: indent + 2, pretty: pretty, into: &out)
      }
      newline(indent, pretty, &out)
      out.append(125)
    }
  }

  private static func newline(_ indent: Int, _ pretty: Bool, _ out: inout [UInt8]) {
    guard pretty else { return }
    out.append(10)
    out += [UInt8](repeating: 32, count: indent)
  }

  package static func quote(_ text: String, into out: inout [UInt8]) {
    out.append(34)
    for byte in text.utf8 {
      switch byte {
      case 34: out += [92, 34]
      case 92: out += [92, 92]
      case 10: out += [92, 110]
      case 13: out += [92, 114]
      case 9: out += [92, 116]
      case 8: out += [92, 98]
      case 12: out += [92, 102]
      case 0..<32, 127:
        let hex = Array("0123456789abcdef".utf8)
        out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 15)]]
      default: out.append(byte)
      }
    }
    out.append(34)
  }

  private struct Parser {
    let bytes: [UInt8]
    var index = 0

    mutating func skipSpace() {
      while index < bytes.count, [32, 9, 10, 13].contains(bytes[index]) { index += 1 }
    }

    func fail(_ message: String) -> JSONParseError { JSONParseError(offset: index, message: message) }

    mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
      guard depth < 32 else { throw fail("nesting deeper than 32") }
      guard index < bytes.count else { throw fail("unexpected end") }
      switch bytes[index] {
      case 123:
        index += 1
        var members: [String: JSONValue] = [:]
        skipSpace()
        if index < bytes.count, bytes[index] == 125 {
          index += 1
          return .object(members)
        }
        while true {
          skipSpace()
          guard index < bytes.count, bytes[index] == 34 else { throw fail("expected a key") }
          let keyOffset = index
          let key = try string()
          if members[key] != nil { throw JSONParseError(offset: keyOffset, message: "duplicate key \"\(key)\"") }
          skipSpace()
          guard index < bytes.count, bytes[index] == 58 else { throw fail("expected ':'") }
          index += 1
          skipSpace()
          members[key] = try value(depth: depth + 1)
          skipSpace()
          guard index < bytes.count else { throw fail("unexpected end") }
          if bytes[index] == 44 {
            index += 1
            continue
          }
          guard bytes[index] == 125 else { throw fail("expected ',' or '}'") }
          index += 1
          return .object(members)
        }
      case 91:
        index += 1
        var items: [JSONValue] = []
        skipSpace()
        if index < bytes.count, bytes[index] == 93 {
          index += 1
          return .array(items)
        }
        while true {
          skipSpace()
          items.append(try value(depth: depth + 1))
          skipSpace()
          guard index < bytes.count else { throw fail("unexpected end") }
          if bytes[index] == 44 {
            index += 1
            continue
          }
          guard bytes[index] == 93 else { throw fail("expected ',' or ']'") }
          index += 1
          return .array(items)
        }
      case 34: return .string(try string())
      case 116: return try literal("true", .bool(true))
      case 102: return try literal("false", .bool(false))
      case 110: return try literal("null", .null)
      default: return try number()
      }
    }

    mutating func literal(_ word: String, _ value: JSONValue) throws(JSONParseError) -> JSONValue {
      let expected = Array(word.utf8)
      guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected else {
        throw fail("unexpected character")
      }
      index += expected.count
      return value
    }

    mutating func number() throws(JSONParseError) -> JSONValue {
      let start = index
      if index < bytes.count, bytes[index] == 45 { index += 1 }
      var digits = 0
      while index < bytes.count, (48...57).contains(bytes[index]) || [46, 101, 69, 43, 45].contains(bytes[index]) {
        if (48...57).contains(bytes[index]) { digits += 1 }
        index += 1
      }
      guard digits > 0 else { throw fail("unexpected character") }
      let text = String(decoding: bytes[start..<index], as: UTF8.self)
      guard Double(text) != nil else { throw JSONParseError(offset: start, message: "bad number") }
      return .number(text)
    }

    mutating func string() throws(JSONParseError) -> String {
      index += 1
      var out = [UInt8]()
      while index < bytes.count {
        let byte = bytes[index]
        index += 1
        switch byte {
        case 34:
          guard let text = String(validating: out, as: UTF8.self) else { throw fail("invalid UTF-8 in a string") }
          return text
        case 92:
          guard index < bytes.count else { throw fail("unexpected end") }
          let escape = bytes[index]
          index += 1
          switch escape {
          case 34, 92, 47: out.append(escape)
          case 98: out.append(8)
          case 102: out.append(12)
          case 110: out.append(10)
          case 114: out.append(13)
          case 116: out.append(9)
          case 117:
            var scalar = try hex4()
            if (0xD800..<0xDC00).contains(scalar) {
              guard index + 1 < bytes.count, bytes[index] == 92, bytes[index + 1] == 117 else { throw fail("lone surrogate") }
              index += 2
              let low = try hex4()
              guard (0xDC00..<0xE000).contains(low) else { throw fail("lone surrogate") }
              scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw fail("lone surrogate") }
            out += Array(String(Character(unicode)).utf8)
          default: throw fail("bad escape")
          }
        case 0..<32: throw fail("control character in a string")
        default: out.append(byte)
        }
      }
      throw fail("unterminated string")
    }

    mutating func hex4() throws(JSONParseError) -> UInt32 {
      guard index + 4 <= bytes.count else { throw fail("unexpected end") }
      var value: UInt32 = 0
      for _ in 0..<4 {
        let byte = bytes[index]
        index += 1
        let digit: UInt32
        switch byte {
        case 48...57: digit = UInt32(byte - 48)
        case 97...102: digit = UInt32(byte - 87)
        case 65...70: digit = UInt32(byte - 55)
        default: throw fail("bad \\u escape")
        }
        value = value << 4 | digit
      }
      return value
    }
  }
}
