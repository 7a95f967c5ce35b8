// TOML: a TOML 1.0 parser that keeps the position of every key, value and table, so configuration
// errors can name the line and column. Knows nothing of Hush.
//
//     let table = try TOMLParser.parse("[[rules]]\nid = \"x\"\n")
//     let rules = table["rules"]?.arrayValue ?? []
//     print(rules[0].tableValue?["id"]?.stringValue as Any, rules[0].position.line)

/// A 1-based line and column; columns count Unicode scalars from the start of the line.
package struct TOMLPosition: Sendable, Equatable, Hashable, CustomStringConvertible {
  package var line: Int
  package var column: Int

  package init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }

  package var description: String { "\(line):\(column)" }
}

/// A document that is not valid TOML: where (the offending character), and what was expected.
package struct TOMLError: Error, Sendable, Equatable, CustomStringConvertible {
  package var line: Int
  package var column: Int
  package var message: String

  package init(line: Int, column: Int, message: String) {
    self.line = line
    self.column = column
    self.message = message
  }

  package var position: TOMLPosition { TOMLPosition(line: line, column: column) }
  package var description: String { "line \(line), column \(column): \(message)" }
}

package enum TOMLValue: Sendable {
  case string(String)
  case integer(Int64)
  case float(Double)
  case bool(Bool)
  /// An offset or local date-time, local date or local time, exactly as written (its shape is validated).
  case datetime(String)
  /// A static array `[...]` or an array of tables `[[name]]` (whose elements are tables).
  case array([TOMLNode])
  case table(TOMLTable)

  /// The TOML name of the value's type, for error messages.
  package var typeName: String {
    switch self {
    case .string: "string"
    case .integer: "integer"
    case .float: "float"
    case .bool: "boolean"
    case .datetime: "datetime"
    case .array: "array"
    case .table: "table"
    }
  }

  package var stringValue: String? {
    if case .string(let value) = self { value } else { nil }
  }

  package var integerValue: Int64? {
    if case .integer(let value) = self { value } else { nil }
  }

  /// A float, or an integer converted to a float.
  package var doubleValue: Double? {
    switch self {
    case .float(let value): value
    case .integer(let value): Double(value)
    default: nil
    }
  }

  package var boolValue: Bool? {
    if case .bool(let value) = self { value } else { nil }
  }

  /// The raw text of a date-time, date or time.
  package var datetimeValue: String? {
    if case .datetime(let value) = self { value } else { nil }
  }

  package var arrayValue: [TOMLNode]? {
    if case .array(let value) = self { value } else { nil }
  }

  package var tableValue: TOMLTable? {
    if case .table(let value) = self { value } else { nil }
  }
}

/// A value and where it starts (its first character; the header of a `[table]`, the first `[[header]]` of an
/// array of tables).
package struct TOMLNode: Sendable {
  package var value: TOMLValue
  package var position: TOMLPosition

  package init(value: TOMLValue, position: TOMLPosition) {
    self.value = value
    self.position = position
  }

  package var typeName: String { value.typeName }
  package var stringValue: String? { value.stringValue }
  package var integerValue: Int64? { value.integerValue }
  package var doubleValue: Double? { value.doubleValue }
  package var boolValue: Bool? { value.boolValue }
  package var datetimeValue: String? { value.datetimeValue }
  package var arrayValue: [TOMLNode]? { value.arrayValue }
  package var tableValue: TOMLTable? { value.tableValue }
}

/// A table: its entries in document order, each with the position of its key.
package struct TOMLTable: Sendable {
  package var entries: [(key: String, keyPosition: TOMLPosition, node: TOMLNode)]
  /// The `[` of its `[header]` or `[[header]]`, the `{` of an inline table, the key that created it implicitly
  /// (`a` in `a.b = 1` or `[a.b]`), or 1:1 for the root.
  package var position: TOMLPosition

  package init(
    entries: [(key: String, keyPosition: TOMLPosition, node: TOMLNode)] = [],
    position: TOMLPosition = TOMLPosition(line: 1, column: 1)
  ) {
    self.entries = entries
    self.position = position
  }

  package subscript(key: String) -> TOMLNode? {
    for entry in entries where entry.key == key { return entry.node }
    return nil
  }

  /// The position of `key`'s name, if the table has it.
  package func keyPosition(_ key: String) -> TOMLPosition? {
    for entry in entries where entry.key == key { return entry.keyPosition }
    return nil
  }

  package var keys: [String] { entries.map(\.key) }
  package var count: Int { entries.count }
  package var isEmpty: Bool { entries.isEmpty }
}
