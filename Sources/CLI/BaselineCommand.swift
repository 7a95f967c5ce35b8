import ArgumentParser
import Foundation
import GitSource
import ScanEngine
import RulePack
import Triage

struct BaselineCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "baseline",
    abstract: "Record accepted findings so scans report only new ones.",
    discussion: """
      Entries are content fingerprints (rule and secret), one per line, sorted, with no timestamps: \
      moving code keeps them suppressed, and branches that add entries merge without conflicts \
      (`create` marks the file merge=union in .gitattributes).
      """,
    subcommands: [Create.self, Update.self, Prune.self])

  struct Create: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Record every current finding (replaces the file).")
    @OptionGroup var source: ScanSource
    @OptionGroup var file: BaselineFile

    func run() async throws {
      try await changeBaseline(source, file, startEmpty: true) { baseline, findings in
        baseline = Baseline(findings: findings)
        return "recorded \(findings.count) finding(s)"
      }
    }
  }

  struct Update: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Add current findings that are not in the baseline yet.")
    @OptionGroup var source: ScanSource
    @OptionGroup var file: BaselineFile

    func run() async throws {
      try await changeBaseline(source, file, startEmpty: false) { baseline, findings in
        let before = baseline.entries.count
        baseline.entries.formUnion(Baseline(findings: findings).entries)
        return "added \(baseline.entries.count - before) finding(s) (\(baseline.entries.count) in all)"
      }
    }
  }

  struct Prune: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Drop entries whose secret the scan no longer finds.")
    @OptionGroup var source: ScanSource
    @OptionGroup var file: BaselineFile

    func run() async throws {
      try await changeBaseline(source, file, startEmpty: false) { baseline, findings in
        let current = Set(findings.map(\.fingerprint))
        let before = baseline.entries.count
        baseline.entries = baseline.entries.filter { current.contains($0.fingerprint) }
        let dropped = before - baseline.entries.count
        return "dropped \(dropped) entr\(dropped == 1 ? "y" : "ies") (\(baseline.entries.count) left)"
      }
    }
  }
}

/// Scans, then applies `change` to the baseline (loaded, or empty for `create`) and writes it back.
/// A partial scan would lose entries, so it writes nothing then.
private func changeBaseline(
  _ source: ScanSource, _ file: BaselineFile, startEmpty: Bool, _ change: (inout Baseline, [Finding]) -> String
) async throws {
  let result = try await source.scan(explain: false)
  guard result.outcome.errors.isEmpty else {
    for error in result.outcome.errors { printError(error.description) }
    throw OperationalError("the scan was incomplete; the baseline was not written")
  }
  let path = baselinePath(file.output, root: result.root)
  var baseline = startEmpty ? Baseline() : try load(path)
  let message = change(&baseline, result.outcome.findings)
  try write(baseline, to: path)
  if startEmpty { try markUnionMerge(path, root: result.root) }
  print("\(message) in \(path)")
}

/// The baseline file option of the `baseline` subcommands.
struct BaselineFile: ParsableArguments {
  @Option(name: .shortAndLong, help: "Baseline file (default: .hush/baseline.json at the repository root).")
  var output: String?
}

private func baselinePath(_ explicit: String?, root: String?) -> String {
  if let explicit { return explicit }
  let base = root.map { $0.hasSuffix("/") ? $0 : $0 + "/" } ?? ""
  return base + ".hush/baseline.json"
}

private func load(_ path: String) throws -> Baseline {
  guard fileExists(path) else { return Baseline() }
  do { return try Baseline.load(path: path) } catch { throw OperationalError("\(error)") }
}

private func write(_ baseline: Baseline, to path: String) throws {
  if let slash = path.lastIndex(of: "/") {
    try? FileManager.default.createDirectory(atPath: String(path[..<slash]), withIntermediateDirectories: true)
  }
  do { try AtomicFile.write(baseline.serialized(), to: path, mode: 0o644) } catch { throw OperationalError("\(error)") }
}

/// Adds `<path> merge=union` to the repository's .gitattributes once, so entries that two branches add
/// next to each other merge without a conflict.
private func markUnionMerge(_ path: String, root: String?) throws {
  guard let root else { return }
  let base = root.hasSuffix("/") ? root : root + "/"
  guard path.hasPrefix(base) || !path.hasPrefix("/") else { return }
  let relative = path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
  let line = "/\(relative) merge=union"
  let attributes = base + ".gitattributes"
  let existing = FileManager.default.contents(atPath: attributes).map { String(decoding: $0, as: UTF8.self) } ?? ""
  guard !existing.split(separator: "\n").contains(where: { $0 == line }) else { return }
  let updated = existing + (existing.isEmpty || existing.hasSuffix("\n") ? "" : "\n") + line + "\n"
  do { try AtomicFile.write(Array(updated.utf8), to: attributes, mode: 0o644) } catch { throw OperationalError("\(error)") }
}
