import Foundation
import TestSupport
import Testing

@testable import RulePack
@testable import ScanEngine

func parse(_ text: String, file: String = "test.toml") throws -> RuleFile {
  try RuleFile(parsing: Array(text.utf8), file: file)
}

/// The error a document produces, or nil when it loads.
func loadError(_ text: String) -> RulePackError? {
  do {
    _ = try RuleFile(parsing: Array(text.utf8), file: "test.toml")
    return nil
  } catch {
    return error
  }
}

@Suite struct RuleFileTests {
  @Test("a gitleaks rule with allowlists in both spellings loads")
  func loadsRule() throws {
    let file = try parse("""
      title = "mine"
      [[rules]]
      id = "acme"
      description = "Acme"
      regex = '''acme_[a-z]{8}'''
      secretGroup = 0
      entropy = 2.5
      keywords = ["ACME_"]
      tags = ["a"]
      [rules.allowlist]
      stopwords = ["test"]
      [[rules.allowlists]]
      condition = "AND"
      regexTarget = "line"
      regexes = ['''^#''']
      paths = ['''\\.md$''']
      """)
    let rule = try #require(file.rules.first)
    #expect(rule.definition.id == "acme")
    #expect(rule.definition.keywords == ["acme_"])
    #expect(rule.definition.entropy == 2.5)
    #expect(rule.definition.allowlists.count == 2)
    #expect(rule.definition.allowlists[1].condition == .and)
    #expect(rule.definition.allowlists[1].regexTarget == .line)
    #expect(rule.line == 2)
  }

  @Test("unknown keys are errors with file, line and column; unsupported gitleaks keys warn")
  func unknownKeys() throws {
    let error = loadError("[[rules]]\nid = \"a\"\nregex = 'x'\n  entropyy = 3\n")
    #expect(error?.description == "test.toml:4:3: rule 'a': unknown key 'entropyy' (expected one of: allowlist, allowlists, confidence, description, entropy, examples, id, keywords, negatives, path, regex, secretGroup, tags)")
    let file = try parse("[[rules]]\nid = \"a\"\nregex = 'x'\nskipReport = true\n")
    #expect(file.warnings.count == 1)
    #expect(file.warnings[0].contains("test.toml:4:1"))
  }

  @Test("type errors and missing fields name the position")
  func typeErrors() {
    #expect(throws: RulePackError.self) { try parse("[[rules]]\nid = \"a\"\nregex = 3\n") }
    #expect(throws: RulePackError.self) { try parse("[[rules]]\nid = \"a\"\n") }
    #expect(throws: RulePackError.self) { try parse("[[rules]]\nregex = 'x'\n") }
    #expect(loadError("[[rules]]\nid = \"a\"\nregex = 'x'\nkeywords = \"k\"\n")?.description == "test.toml:4:12: 'keywords' must be an array of strings, not a string")
  }

  @Test("a TOML syntax error keeps its line and column")
  func syntax() {
    let error = loadError("[[rules]]\nid = \"a\"\nregex 'x'\n")
    #expect(error?.line == 3)
    #expect(error?.column == 7)
    #expect(error?.message.contains("expected '='") == true)
  }
}

@Suite struct ScanConfigurationTests {
  let base = """
    [[rules]]
    id = "base-rule"
    description = "base"
    regex = '''base_[a-z]{8}'''
    keywords = ["base_"]
    """

  func resolve(_ text: String, files: [String: String] = [:]) throws -> ScanConfiguration {
    try ScanConfiguration.resolve(try parse(text, file: "dir/config.toml")) { path throws(RulePackError) in
      guard let content = files[path] else { throw RulePackError(file: path, message: "missing") }
      return try RuleFile(parsing: Array(content.utf8), file: path)
    }
  }

  @Test("a file with rules and no [extend] stands alone; with [extend] it builds on the built-in pack")
  func useDefault() throws {
    #expect(try resolve(base).rules.map(\.id) == ["base-rule"])
    let extended = try resolve("[extend]\nuseDefault = true\n" + base)
    #expect(extended.rules.count == BuiltinRules.definitions.count + 1)
    let allowlistOnly = try resolve("[[allowlists]]\npaths = ['''x''']\n")
    #expect(allowlistOnly.rules.count == BuiltinRules.definitions.count)
    #expect(allowlistOnly.allowlists.count == BuiltinRules.allowlists.count + 1)
  }

  @Test("[extend] path builds on another file; same-id rules merge; disabledRules removes")
  func extendPath() throws {
    let child = """
      [extend]
      path = "base.toml"
      disabledRules = ["nope"]
      [[rules]]
      id = "base-rule"
      entropy = 3.0
      keywords = ["other_"]
      [[rules]]
      id = "child-rule"
      regex = 'c'
      """
    let config = try resolve(child, files: ["dir/base.toml": base])
    #expect(config.rules.map(\.id) == ["base-rule", "child-rule"])
    #expect(config.rules[0].entropy == 3.0)
    #expect(config.rules[0].regex == "base_[a-z]{8}")
    #expect(config.rules[0].keywords == ["base_", "other_"])
    #expect(config.warnings.contains { $0.contains("'nope'") })
    let disabled = try resolve("[extend]\npath = \"base.toml\"\ndisabledRules = [\"base-rule\"]\n", files: ["dir/base.toml": base])
    #expect(disabled.rules.isEmpty)
  }

  @Test("gitleaks' default configuration loads unchanged and compiles")
  func gitleaksDefault() throws {
    let fixture = sharedFile("fixtures/gitleaks-default.toml")
    try #require(FileManager.default.fileExists(atPath: fixture.path))
    let config = try ScanConfiguration.resolve(try RuleFile.load(path: fixture.path))
    #expect(config.rules.count == 222)
    let set = try RuleSet(rules: config.rules, globalAllowlists: config.allowlists)
    #expect(set.rules.count == 222)
  }
}
