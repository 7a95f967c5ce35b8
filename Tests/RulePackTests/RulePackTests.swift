import Foundation
import Testing

@testable import RulePack
@testable import ScanEngine

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The project's own pack, loaded once.
let ownPack: [RuleFile] = {
  do { return try BuiltinRules.loadRuleDirectory(packageRoot.appendingPathComponent("Rules").path) } catch {
    Issue.record("Rules/ does not load: \(error)")
    return []
  }
}()
let ownRules = ownPack.flatMap(\.rules)
let ownChecker: RuleChecker? = try? RuleChecker(rules: ownRules, globalAllowlists: ownPack.flatMap(\.allowlists), requireExamples: true)

/// One case per example, so a failure names its rule and example.
struct ExampleCase: CustomTestStringConvertible, Sendable {
  var rule: LoadedRule
  var index: Int
  var testDescription: String { "\(rule.definition.id) example \(index + 1)" }
}

@Suite struct RulePackTests {
  @Test("the pack loads, compiles with PCRE2 JIT, and has at least 120 rules with unique ids")
  func loads() throws {
    #expect(ownRules.count >= 120)
    let set = try RuleSet(rules: ownRules.map(\.definition))
    #expect(set.rules.count == ownRules.count)
    for rule in set.rules { #expect(rule.definition.regex == nil || rule.isJITCompiled, "\(rule.id) is not JIT-compiled") }
  }

  @Test("every rule has an example and a negative, kebab-case id, lowercase keywords, a description")
  func shape() {
    for rule in ownRules {
      let id = rule.definition.id
      #expect(!rule.examples.isEmpty, "\(id) has no example")
      #expect(!rule.negatives.isEmpty, "\(id) has no negative")
      #expect(id.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" }, "\(id) is not kebab-case")
      #expect(rule.definition.keywords.allSatisfy { $0 == $0.lowercased() }, "\(id) has an uppercase keyword")
      #expect(!rule.definition.description.isEmpty, "\(id) has no description")
      for example in rule.examples { #expect(example.secret != nil, "\(id): examples name their expected secret") }
    }
  }

  @Test("each example is found with its secret, also mutated", arguments: ownRules.flatMap { rule in rule.examples.indices.map { ExampleCase(rule: rule, index: $0) } })
  func example(_ item: ExampleCase) throws {
    let checker = try #require(ownChecker)
    let scanner = Scanner(rules: checker.ruleSet)
    let failures = checker.checkExample(item.rule, item.rule.examples[item.index], label: "example \(item.index + 1)", scanner: scanner)
    #expect(failures.isEmpty, "\(failures)")
  }

  @Test("no negative produces a finding of its rule", arguments: ownRules.map(\.definition.id))
  func negatives(_ id: String) throws {
    var checker = try #require(ownChecker)
    checker.requireExamples = false  // examples are checked case by case above
    let rule = try #require(ownRules.first { $0.definition.id == id })
    var copy = rule
    copy.examples = []
    let failures = checker.check(copy, scanner: Scanner(rules: checker.ruleSet))
    #expect(failures.isEmpty, "\(failures)")
  }

  @Test("the embedded pack matches Rules/")
  func generatedIsCurrent() throws {
    let expected = BuiltinRules.generatedSource(from: ownPack)
    let path = packageRoot.appendingPathComponent("Sources/RulePack/BuiltinRules+Generated.swift")
    let actual = try String(contentsOf: path, encoding: .utf8)
    #expect(actual == expected, "BuiltinRules+Generated.swift is out of date; run `swift run generate-builtin-rules`")
    #expect(BuiltinRules.definitions == ownRules.map(\.definition))
  }
}

extension Rule {
  var isJITCompiled: Bool { pattern?.get()?.isJITCompiled ?? false }
}
