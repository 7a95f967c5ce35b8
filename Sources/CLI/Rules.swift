import ArgumentParser
import RulePack
import ScanEngine

/// Formats of `rules list`.
enum ListFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

struct Rules: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List rules, or check rule files against their examples.",
    subcommands: [List.self, Check.self])

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the rules a scan would use.")

    @Option(help: "Output format: text or json.")
    var format: ListFormat = .text

    @Option(help: "A configuration file (default: .hush/config.toml, else .gitleaks.toml, at the repository root).")
    var config: String?

    func run() async throws {
      let configuration: ScanConfiguration
      do { configuration = try ScanConfiguration.load(explicit: config, root: repositoryRoot()) } catch {
        throw OperationalError("\(error)")
      }
      for warning in configuration.warnings { printWarning(warning) }
      let rules = configuration.rules.sorted { $0.id < $1.id }
      switch format {
      case .json: writeAll(1, RuleListing.json(rules))
      case .text:
        let width = rules.map(\.id.count).max() ?? 0
        var out = ""
        for rule in rules {
          out += rule.id + String(repeating: " ", count: width - rule.id.count + 2) + rule.description + "\n"
        }
        out += "\(rules.count) rules\n"
        writeAll(1, Array(out.utf8))
      }
    }
  }

  struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check rule files: each rule compiles, each example is found (also mutated), no negative is.",
      discussion: "Exit codes: 0 all checks pass, 1 some fail, 2 a file cannot be loaded or a rule does not compile.")

    @Argument(help: "Rule files or directories of *.toml files (default: Rules/ if present, else the built-in pack).")
    var paths: [String] = []

    @Flag(help: "Fail rules that have no example or no negative.")
    var requireExamples = false

    func run() async throws {
      var files: [RuleFile] = []
      do {
        var targets = paths
        if targets.isEmpty, isDirectory("Rules") { targets = ["Rules"] }
        for path in targets {
          if isDirectory(path) {
            for name in try tomlFiles(in: path) {
              files.append(try RuleFile.load(path: (path.hasSuffix("/") ? path : path + "/") + name))
            }
          } else {
            files.append(try RuleFile.load(path: path))
          }
        }
      } catch {
        throw OperationalError("\(error)")
      }
      for warning in files.flatMap(\.warnings) { printWarning(warning) }

      let rules: [LoadedRule]
      let allowlists: [AllowlistDefinition]
      if files.isEmpty {
        // No files: the built-in pack must at least compile (its examples live in Rules/).
        rules = BuiltinRules.definitions.map { LoadedRule(definition: $0, examples: [], negatives: [], file: "(built-in)", line: 0) }
        allowlists = BuiltinRules.allowlists
      } else {
        rules = files.flatMap(\.rules)
        allowlists = files.flatMap(\.allowlists)
      }
      let checker: RuleChecker
      do {
        checker = try RuleChecker(rules: rules, globalAllowlists: allowlists, requireExamples: requireExamples)
      } catch {
        let file = rules.first { $0.definition.id == error.ruleID }.map { "\($0.file):\($0.line): " } ?? ""
        throw OperationalError("\(file)\(error)")
      }
      let failures = checker.check()
      for failure in failures { writeAll(1, Array("FAIL \(failure)\n".utf8)) }
      let examples = rules.reduce(0) { $0 + $1.examples.count }
      let negatives = rules.reduce(0) { $0 + $1.negatives.count }
      let summary = "checked \(rules.count) rules from \(max(files.count, 1)) file\(files.count == 1 ? "" : "s"): \(examples) examples, \(negatives) negatives"
      if failures.isEmpty {
        writeAll(1, Array("\(summary): all passed\n".utf8))
      } else {
        writeAll(1, Array("\(summary): \(failures.count) failure\(failures.count == 1 ? "" : "s")\n".utf8))
        throw ExitCode(1)
      }
    }
  }
}
