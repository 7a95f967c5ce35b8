package import TOML

/// Typed, position-aware reads from a TOML table, with errors that name the file, line and column.
struct TableReader {
  let table: TOMLTable
  let file: String

  func error(_ position: TOMLPosition, _ message: String) -> RulePackError {
    RulePackError(file: file, line: position.line, column: position.column, message: message)
  }

  func node(_ key: String) -> TOMLNode? { table[key] }

  func string(_ key: String) throws(RulePackError) -> String? {
    guard let node = table[key] else { return nil }
    guard let value = node.stringValue else { throw mistyped(key, node, "a string") }
    return value
  }

  func integer(_ key: String) throws(RulePackError) -> Int? {
    guard let node = table[key] else { return nil }
    guard let value = node.integerValue else { throw mistyped(key, node, "an integer") }
    return Int(value)
  }

  func double(_ key: String) throws(RulePackError) -> Double? {
    guard let node = table[key] else { return nil }
    guard let value = node.doubleValue else { throw mistyped(key, node, "a number") }
    return value
  }

  func bool(_ key: String) throws(RulePackError) -> Bool? {
    guard let node = table[key] else { return nil }
    guard let value = node.boolValue else { throw mistyped(key, node, "true or false") }
    return value
  }

  func strings(_ key: String) throws(RulePackError) -> [String] {
    guard let node = table[key] else { return [] }
    guard let array = node.arrayValue else { throw mistyped(key, node, "an array of strings") }
    var result: [String] = []
    for element in array {
      guard let value = element.stringValue else { throw mistyped(key, element, "a string") }
      result.append(value)
    }
    return result
  }

  /// Tables under `key`: an array of tables (`[[key]]`), or one table (`[key]`, gitleaks' singular form).
  func tables(_ key: String) throws(RulePackError) -> [TableReader] {
    guard let node = table[key] else { return [] }
    if let single = node.tableValue { return [TableReader(table: single, file: file)] }
    guard let array = node.arrayValue else { throw mistyped(key, node, "a table or an array of tables") }
    var result: [TableReader] = []
    for element in array {
      guard let table = element.tableValue else { throw mistyped(key, element, "a table") }
      result.append(TableReader(table: table, file: file))
    }
    return result
  }

  /// Rejects keys this schema does not know: `Codable`-style silence would hide a misspelt `entropy`.
  /// Keys in `ignored` are known but not implemented: they warn, and ignoring them can only add findings.
  func checkKeys(
    known: Set<String>, ignored: Set<String> = [], context: String, warnings: inout [String]
  ) throws(RulePackError) {
    for entry in table.entries where !known.contains(entry.key) {
      if ignored.contains(entry.key) {
        warnings.append(
          "\(file):\(entry.keyPosition.line):\(entry.keyPosition.column): \(context): '\(entry.key)' is not supported yet and is ignored")
        continue
      }
      let expected = known.sorted().joined(separator: ", ")
      throw error(entry.keyPosition, "\(context): unknown key '\(entry.key)' (expected one of: \(expected))")
    }
  }

  private func mistyped(_ key: String, _ node: TOMLNode, _ expected: String) -> RulePackError {
    let name = node.value.typeName
    let article = name.first.map { "aeiou".contains($0) } == true ? "an" : "a"
    return error(node.position, "'\(key)' must be \(expected), not \(article) \(name)")
  }
}
