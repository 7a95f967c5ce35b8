/// A table while the document is being read: mutable, shared by reference so headers can reopen it, and
/// aware of how it was created (TOML's redefinition rules depend on that). Frozen into `TOMLTable` at the end.
final class TableBuilder {
  enum State {
    /// Created as a prefix of a header (`a` in `[a.b]`): a later `[a]` may still define it.
    case implicit
    /// Defined by its own `[header]` or `[[header]]` (or the root, or an inline table's top level).
    case header
    /// Created by a dotted key (`a` in `a.b = 1`): more dotted keys may extend it, headers may not define it.
    case dotted
  }

  enum Slot {
    /// A value that can no longer change: scalars, static arrays, inline tables.
    case value(TOMLNode)
    case table(TableBuilder)
    case tables(TableArrayBuilder)
  }

  struct Entry {
    let key: String
    let keyPosition: TOMLPosition
    let slot: Slot
  }

  var state: State
  var position: TOMLPosition
  /// Nesting of this table below the root (bounded, so freezing cannot exhaust the stack).
  let depth: Int
  private(set) var entries: [Entry] = []
  /// Key → index into `entries`, built once the table grows past a few keys.
  private var index: [String: Int]? = nil

  init(state: State, position: TOMLPosition, depth: Int) {
    self.state = state
    self.position = position
    self.depth = depth
  }

  func find(_ key: String) -> Entry? {
    if let index {
      guard let found = index[key] else { return nil }
      return entries[found]
    }
    for entry in entries where entry.key == key { return entry }
    return nil
  }

  func append(_ key: String, at keyPosition: TOMLPosition, _ slot: Slot) {
    entries.append(Entry(key: key, keyPosition: keyPosition, slot: slot))
    if index != nil {
      index![key] = entries.count - 1
    } else if entries.count > 12 {
      var built: [String: Int] = [:]
      built.reserveCapacity(entries.count * 2)
      for (offset, entry) in entries.enumerated() { built[entry.key] = offset }
      index = built
    }
  }

  /// The keys leading from `root` to `target` (for messages; `nil` if `target` is not in `root`'s tree).
  static func path(to target: TableBuilder, from root: TableBuilder) -> [String]? {
    if target === root { return [] }
    for entry in root.entries {
      switch entry.slot {
      case .value:
        continue
      case .table(let child):
        if let rest = path(to: target, from: child) { return [entry.key] + rest }
      case .tables(let array):
        for element in array.elements {
          if let rest = path(to: target, from: element) { return [entry.key] + rest }
        }
      }
    }
    return nil
  }

  func freeze() -> TOMLTable {
    var result: [(key: String, keyPosition: TOMLPosition, node: TOMLNode)] = []
    result.reserveCapacity(entries.count)
    for entry in entries {
      let node: TOMLNode
      switch entry.slot {
      case .value(let value):
        node = value
      case .table(let child):
        node = TOMLNode(value: .table(child.freeze()), position: child.position)
      case .tables(let array):
        let elements = array.elements.map { TOMLNode(value: .table($0.freeze()), position: $0.position) }
        node = TOMLNode(value: .array(elements), position: array.position)
      }
      result.append((entry.key, entry.keyPosition, node))
    }
    return TOMLTable(entries: result, position: position)
  }
}

/// An array of tables (`[[name]]`) while the document is being read; each header appends an element.
final class TableArrayBuilder {
  /// The first `[[name]]` header.
  let position: TOMLPosition
  var elements: [TableBuilder]

  init(position: TOMLPosition, first: TableBuilder) {
    self.position = position
    self.elements = [first]
  }
}

/// One part of a (possibly dotted) key, with where it was written.
struct KeyPart {
  let name: String
  let offset: Int
  let position: TOMLPosition
}

/// Key paths as a user would write them, for messages: `a.b`, `"x y".z`.
func displayKey(_ parts: some Sequence<String>) -> String {
  var result = ""
  var first = true
  for part in parts {
    if !first { result += "." }
    first = false
    let bare = !part.isEmpty && part.utf8.allSatisfy { isBareKeyByte($0) }
    if bare {
      result += part
    } else {
      result += "\""
      for scalar in part.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\t": result += "\\t"
        default:
          if scalar.value < 0x20 || scalar.value == 0x7F {
            result += "\\u" + hex(scalar.value, digits: 4)
          } else {
            result.unicodeScalars.append(scalar)
          }
        }
      }
      result += "\""
    }
  }
  return result
}

@inline(__always)
func isBareKeyByte(_ byte: UInt8) -> Bool {
  switch byte {
  case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
    true
  default:
    false
  }
}

func hex(_ value: UInt32, digits: Int) -> String {
  let text = String(value, radix: 16, uppercase: true)
  return String(repeating: "0", count: max(0, digits - text.count)) + text
}

extension Parser {
  /// `key = value` (possibly dotted) into `table`, following TOML's rules for dotted keys.
  mutating func insert(_ node: TOMLNode, at parts: [KeyPart], into root: TableBuilder) throws(TOMLError) {
    var table = root
    for (n, part) in parts.dropLast().enumerated() {
      if let existing = table.find(part.name) {
        // Name the table from the document root: the header that defined it may be far away.
        let prefix = documentRoot.flatMap { TableBuilder.path(to: root, from: $0) } ?? []
        let path = displayKey(prefix + parts[...n].map(\.name))
        switch existing.slot {
        case .table(let child):
          switch child.state {
          case .dotted:
            table = child
          case .implicit:
            child.state = .dotted
            table = child
          case .header:
            throw error(
              "cannot add keys to table '\(path)' with a dotted key: it is defined by its header at \(child.position.spelled)",
              at: part.offset)
          }
        case .tables(let array):
          throw error(
            "cannot add keys to '\(path)' with a dotted key: it is an array of tables (defined at \(array.position.spelled))",
            at: part.offset)
        case .value(let value):
          if case .table = value.value {
            throw error(
              "cannot add keys to inline table '\(path)' (defined at \(existing.keyPosition.spelled)): inline tables are complete",
              at: part.offset)
          }
          throw error(
            "cannot use '\(path)' as a table: it is already defined as \(value.value.typeName) at \(existing.keyPosition.spelled)",
            at: part.offset)
        }
      } else {
        let child = try newTable(.dotted, at: part, in: table)
        table.append(part.name, at: part.position, .table(child))
        table = child
      }
    }
    let last = parts[parts.count - 1]
    if let existing = table.find(last.name) {
      throw error(
        "duplicate key '\(displayKey(parts.map(\.name)))' (already defined at \(existing.keyPosition.spelled))",
        at: last.offset)
    }
    table.append(last.name, at: last.position, .value(node))
  }

  /// The table a `[header]` (or `[[header]]`) opens, creating or appending as TOML allows.
  mutating func openTable(
    _ parts: [KeyPart], isArray: Bool, header: TOMLPosition, root: TableBuilder
  ) throws(TOMLError) -> TableBuilder {
    var table = root
    for (n, part) in parts.dropLast().enumerated() {
      if let existing = table.find(part.name) {
        switch existing.slot {
        case .table(let child):
          table = child
        case .tables(let array):
          table = array.elements[array.elements.count - 1]
        case .value(let value):
          let path = displayKey(parts[...n].map(\.name))
          let full = displayKey(parts.map(\.name))
          switch value.value {
          case .table:
            throw error(
              "cannot define table '\(full)': '\(path)' is an inline table (defined at \(existing.keyPosition.spelled)) and inline tables are complete",
              at: part.offset)
          case .array:
            throw error(
              "cannot define table '\(full)': '\(path)' is a static array (defined at \(existing.keyPosition.spelled)), not an array of tables",
              at: part.offset)
          default:
            throw error(
              "cannot define table '\(full)': '\(path)' is already defined as \(value.value.typeName) at \(existing.keyPosition.spelled)",
              at: part.offset)
          }
        }
      } else {
        let child = try newTable(.implicit, at: part, in: table)
        table.append(part.name, at: part.position, .table(child))
        table = child
      }
    }

    let last = parts[parts.count - 1]
    let full = displayKey(parts.map(\.name))
    guard let existing = table.find(last.name) else {
      let child = try newTable(.header, at: last, in: table)
      child.position = header
      if isArray {
        table.append(last.name, at: last.position, .tables(TableArrayBuilder(position: header, first: child)))
      } else {
        table.append(last.name, at: last.position, .table(child))
      }
      return child
    }
    switch existing.slot {
    case .tables(let array):
      guard isArray else {
        throw error(
          "cannot define table '\(full)': it is already an array of tables (defined at \(array.position.spelled))",
          at: last.offset)
      }
      let child = try newTable(.header, at: last, in: table)
      child.position = header
      array.elements.append(child)
      return child
    case .table(let child):
      if isArray {
        throw error(
          "cannot define array of tables '\(full)': it is already a table (defined at \(child.position.spelled))",
          at: last.offset)
      }
      switch child.state {
      case .implicit:
        child.state = .header
        child.position = header
        return child
      case .header:
        throw error("duplicate table '\(full)' (already defined at \(child.position.spelled))", at: last.offset)
      case .dotted:
        throw error(
          "cannot define table '\(full)': it is already defined by dotted keys at \(child.position.spelled)",
          at: last.offset)
      }
    case .value(let value):
      switch value.value {
      case .array where isArray:
        throw error(
          "cannot append to static array '\(full)' (defined at \(existing.keyPosition.spelled)) with [[\(full)]]",
          at: last.offset)
      case .table:
        throw error(
          "cannot define \(isArray ? "array of tables" : "table") '\(full)': it is already an inline table (defined at \(existing.keyPosition.spelled))",
          at: last.offset)
      default:
        throw error(
          "cannot define \(isArray ? "array of tables" : "table") '\(full)': it is already defined as \(value.value.typeName) at \(existing.keyPosition.spelled)",
          at: last.offset)
      }
    }
  }

  private func newTable(
    _ state: TableBuilder.State, at part: KeyPart, in parent: TableBuilder
  ) throws(TOMLError) -> TableBuilder {
    guard parent.depth < Parser.maximumDepth else {
      throw error("tables are nested too deeply (more than \(Parser.maximumDepth) levels)", at: part.offset)
    }
    return TableBuilder(state: state, position: part.position, depth: parent.depth + 1)
  }
}

extension TOMLPosition {
  /// "line 3, column 5", for messages that point back at an earlier definition.
  var spelled: String { "line \(line), column \(column)" }
}
