// TOML: a TOML 1.0 parser that keeps the position of every key, value and table, so configuration
// errors can name the line and column. Knows nothing of Hush.
//
//     let table = try TOMLParser.parse("[[rules]]\nid = \"x\"\n")
//     let rules = table["rules"]?.arrayValue ?? []
//     print(rules[0].tableValue?["id"]?.stringValue as Any, rules[0].position.line)

/// A 1-based line and column (columns count characters).
package struct TOMLPosition: Sendable, Equatable, Hashable {
  package var line: Int
  package var column: Int
  package init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }
}

/// A document that is not valid TOML: where, and what was expected.
package struct TOMLError: Error, Sendable, Equatable, CustomStringConvertible {
  package var line: Int
  package var column: Int
  package var message: String
  package var description: String { "line \(line), column \(column): \(message)" }
}

package enum TOMLValue: Sendable {
  case string(String)
  case integer(Int64)
  case float(Double)
  case bool(Bool)
  /// Offset or local date-time, date or time, as written.
  case datetime(String)
  case array([TOMLNode])
  case table(TOMLTable)

  package var typeName: String {
    switch self {
    case .string: "a string"
    case .integer: "an integer"
    case .float: "a float"
    case .bool: "a boolean"
    case .datetime: "a date-time"
    case .array: "an array"
    case .table: "a table"
    }
  }
}

package struct TOMLNode: Sendable {
  package var value: TOMLValue
  package var position: TOMLPosition
  package init(value: TOMLValue, position: TOMLPosition) {
    self.value = value
    self.position = position
  }

  package var stringValue: String? { if case .string(let v) = value { v } else { nil } }
  package var integerValue: Int64? { if case .integer(let v) = value { v } else { nil } }
  package var doubleValue: Double? {
    switch value {
    case .float(let v): v
    case .integer(let v): Double(v)
    default: nil
    }
  }
  package var boolValue: Bool? { if case .bool(let v) = value { v } else { nil } }
  package var arrayValue: [TOMLNode]? { if case .array(let v) = value { v } else { nil } }
  package var tableValue: TOMLTable? { if case .table(let v) = value { v } else { nil } }
}

package struct TOMLTable: Sendable {
  package struct Entry: Sendable {
    package var key: String
    package var keyPosition: TOMLPosition
    package var node: TOMLNode
  }
  package var entries: [Entry] = []
  package var position: TOMLPosition
  private var index: [String: Int] = [:]

  package init(position: TOMLPosition) { self.position = position }

  package subscript(key: String) -> TOMLNode? {
    guard let at = index[key] else { return nil }
    return entries[at].node
  }
  package var keys: [String] { entries.map(\.key) }

  mutating func set(_ key: String, _ node: TOMLNode, at position: TOMLPosition) {
    if let at = index[key] {
      entries[at].node = node
    } else {
      index[key] = entries.count
      entries.append(Entry(key: key, keyPosition: position, node: node))
    }
  }
}

package enum TOMLParser {
  package static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
    try parse(Array(text.utf8))
  }

  package static func parse(_ bytes: some Collection<UInt8>) throws(TOMLError) -> TOMLTable {
    var parser = Parser(Array(bytes))
    return try parser.document()
  }
}
