// RulePack: TOML rule files in gitleaks' schema → ScanEngine rules; `.hush/config.toml`; the built-in pack.
//
//     let file = try RuleFile.load(path: "Rules/acme.toml")          // or RuleFile(parsing: bytes, file: name)
//     let config = try ScanConfiguration.resolve(file)               // [extend], disabled rules, allowlists
//     let rules = try RuleSet(rules: config.rules, globalAllowlists: config.allowlists)
//     let report = RuleChecker(rules: file.rules).check()            // examples and negatives, mutated
package import ScanEngine
package import TOML

#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Musl)
  internal import Musl
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// An example a rule must find: the text, and the secret it must report when given.
package struct RuleExample: Sendable, Equatable {
  package var text: String
  package var secret: String?
  /// The path the example is scanned under, for rules gated by `path`.
  package var path: String?
  package init(text: String, secret: String? = nil, path: String? = nil) {
    self.text = text
    self.secret = secret
    self.path = path
  }
}

/// A rule as loaded from a file: the engine's definition, plus our examples and negatives.
package struct LoadedRule: Sendable {
  package var definition: RuleDefinition
  package var examples: [RuleExample]
  package var negatives: [String]
  package var file: String
  package var line: Int

  package init(definition: RuleDefinition, examples: [RuleExample], negatives: [String], file: String, line: Int) {
    self.definition = definition
    self.examples = examples
    self.negatives = negatives
    self.file = file
    self.line = line
  }
}

/// The `[extend]` table.
package struct ExtendDirective: Sendable, Equatable {
  package var useDefault: Bool?
  package var path: String?
  package var disabledRules: [String]
}

/// One parsed rule or configuration file.
package struct RuleFile: Sendable {
  package var file: String
  package var title: String?
  package var extend: ExtendDirective?
  package var rules: [LoadedRule]
  package var allowlists: [AllowlistDefinition]
  /// Keys that are recognised but not implemented, with their positions.
  package var warnings: [String]

  static let topLevelKeys: Set<String> = [
    "title", "description", "minVersion", "extend", "rules", "allowlist", "allowlists",
    // Hush sections read by the vault and remediation.
    "vault", "remediation", "audit",
  ]
  static let ruleKeys: Set<String> = [
    "id", "description", "regex", "secretGroup", "entropy", "keywords", "path", "tags", "allowlist",
    "allowlists", "examples", "negatives", "confidence",
  ]
  static let ignoredRuleKeys: Set<String> = ["required", "skipReport", "prefilter", "filter", "validate", "reportGroup"]
  static let allowlistKeys: Set<String> = [
    "description", "condition", "regexTarget", "regexes", "stopwords", "paths", "commits", "targetRules",
  ]
  static let extendKeys: Set<String> = ["useDefault", "path", "disabledRules"]

  /// Reads and parses a file from disk.
  package static func load(path: String) throws(RulePackError) -> RuleFile {
    try RuleFile(parsing: try readFile(path), file: path)
  }

  package init(parsing bytes: [UInt8], file: String) throws(RulePackError) {
    let document: TOMLTable
    do { document = try TOMLParser.parse(bytes) } catch {
      throw RulePackError(file: file, line: error.line, column: error.column, message: error.message)
    }
    let root = TableReader(table: document, file: file)
    var warnings: [String] = []
    try root.checkKeys(known: RuleFile.topLevelKeys, context: "top level", warnings: &warnings)
    self.file = file
    self.title = try root.string("title")

    if let node = root.node("extend") {
      guard let table = node.tableValue else { throw root.error(node.position, "'extend' must be a table") }
      let reader = TableReader(table: table, file: file)
      try reader.checkKeys(known: RuleFile.extendKeys, context: "[extend]", warnings: &warnings)
      extend = ExtendDirective(
        useDefault: try reader.bool("useDefault"), path: try reader.string("path"),
        disabledRules: try reader.strings("disabledRules"))
    } else {
      extend = nil
    }

    var rules: [LoadedRule] = []
    for reader in try root.tables("rules") {
      // In a file that extends another, a rule may only adjust a base rule of the same id.
      rules.append(try RuleFile.rule(reader, standalone: extend == nil, warnings: &warnings))
    }
    self.rules = rules

    var allowlists: [AllowlistDefinition] = []
    for key in ["allowlist", "allowlists"] {
      for reader in try root.tables(key) {
        allowlists.append(try RuleFile.allowlist(reader, context: "[\(key)]", global: true, warnings: &warnings))
      }
    }
    self.allowlists = allowlists
    self.warnings = warnings
  }

  private static func rule(_ reader: TableReader, standalone: Bool, warnings: inout [String]) throws(RulePackError) -> LoadedRule {
    let position = reader.table.position
    guard let id = try reader.string("id"), !id.isEmpty else {
      throw reader.error(position, "a rule needs an 'id'")
    }
    let context = "rule '\(id)'"
    try reader.checkKeys(known: ruleKeys, ignored: ignoredRuleKeys, context: context, warnings: &warnings)
    let regex = try reader.string("regex")
    let path = try reader.string("path")
    if standalone, regex == nil, path == nil { throw reader.error(position, "\(context) needs a 'regex' or a 'path'") }
    if let node = reader.node("secretGroup"), let group = node.integerValue, group < 0 {
      throw reader.error(node.position, "\(context): 'secretGroup' must not be negative")
    }
    var allowlists: [AllowlistDefinition] = []
    for key in ["allowlist", "allowlists"] {
      for allowlistReader in try reader.tables(key) {
        allowlists.append(
          try allowlist(allowlistReader, context: "\(context) [\(key)]", global: false, warnings: &warnings))
      }
    }
    var examples: [RuleExample] = []
    if let node = reader.node("examples") {
      guard let array = node.arrayValue else { throw reader.error(node.position, "\(context): 'examples' must be an array") }
      for element in array {
        if let text = element.stringValue {
          examples.append(RuleExample(text: text))
        } else if let table = element.tableValue {
          let example = TableReader(table: table, file: reader.file)
          var ignored: [String] = []
          try example.checkKeys(known: ["text", "secret", "path"], context: "\(context) example", warnings: &ignored)
          guard let text = try example.string("text") else {
            throw reader.error(element.position, "\(context): an example table needs 'text'")
          }
          examples.append(RuleExample(text: text, secret: try example.string("secret"), path: try example.string("path")))
        } else {
          throw reader.error(element.position, "\(context): an example must be a string or { text, secret } table")
        }
      }
    }
    var confidence: Confidence?
    if let raw = try reader.string("confidence") {
      guard let value = Confidence(rawValue: raw) else {
        throw reader.error(reader.node("confidence")!.position, "\(context): 'confidence' must be \"high\", \"medium\" or \"low\"")  // the key exists: it was just read
      }
      confidence = value
    }
    let definition = RuleDefinition(
      id: id, description: try reader.string("description") ?? "", regex: regex,
      secretGroup: try reader.integer("secretGroup") ?? 0, entropy: try reader.double("entropy"),
      keywords: try reader.strings("keywords").map { $0.lowercased() }, path: path,
      tags: try reader.strings("tags"), allowlists: allowlists, confidence: confidence)
    return LoadedRule(
      definition: definition, examples: examples, negatives: try reader.strings("negatives"),
      file: reader.file, line: position.line)
  }

  private static func allowlist(
    _ reader: TableReader, context: String, global: Bool, warnings: inout [String]
  ) throws(RulePackError) -> AllowlistDefinition {
    var known = allowlistKeys
    if !global { known.remove("targetRules") }
    try reader.checkKeys(known: known, context: context, warnings: &warnings)
    var condition = AllowlistDefinition.Condition.or
    if let raw = try reader.string("condition") {
      guard let parsed = AllowlistDefinition.Condition(rawValue: raw.uppercased()) else {
        throw reader.error(reader.node("condition")!.position, "\(context): 'condition' must be \"OR\" or \"AND\"")
      }
      condition = parsed
    }
    var target = AllowlistDefinition.Target.secret
    if let raw = try reader.string("regexTarget") {
      guard let parsed = AllowlistDefinition.Target(rawValue: raw.lowercased()) else {
        throw reader.error(
          reader.node("regexTarget")!.position, "\(context): 'regexTarget' must be \"secret\", \"match\" or \"line\"")
      }
      target = parsed
    }
    let definition = AllowlistDefinition(
      description: try reader.string("description") ?? "", condition: condition, regexTarget: target,
      regexes: try reader.strings("regexes"), stopwords: try reader.strings("stopwords"),
      paths: try reader.strings("paths"), commits: try reader.strings("commits"),
      targetRules: try reader.strings("targetRules"))
    if definition.isEmpty {
      throw reader.error(reader.table.position, "\(context): an allowlist needs regexes, stopwords, paths or commits")
    }
    return definition
  }
}

/// Reads a whole file with POSIX calls (paths need not be UTF-8 for Foundation to cope).
package func readFile(_ path: String) throws(RulePackError) -> [UInt8] {
  let fd = open(path, O_RDONLY | O_CLOEXEC)
  guard fd >= 0 else {
    throw RulePackError(file: path, message: "cannot open: \(String(cString: strerror(errno)))")
  }
  defer { close(fd) }
  var result: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 65536)
  while true {
    let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, 65536) }
    if count < 0 {
      if errno == EINTR { continue }
      throw RulePackError(file: path, message: "cannot read: \(String(cString: strerror(errno)))")
    }
    if count == 0 { break }
    result += chunk[0..<count]
  }
  return result
}
