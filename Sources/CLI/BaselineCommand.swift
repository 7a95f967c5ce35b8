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
      let result = try await source.scan(explain: false)
      try checkErrors(result.outcome)
      let path = baselinePath(file.output, root: result.root)
      try write(Baseline(findings: result.outcome.findings), to: path)
      try markUnionMerge(path, root: result.root)
      print("recorded \(result.outcome.findings.count) finding(s) in \(path)")
    }
  }

  struct Update: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Add current findings that are not in the baseline yet.")
    @OptionGroup var source: ScanSource
    @OptionGroup var file: BaselineFile

    func run() async throws {
      let result = try await source.scan(explain: false)
      try checkErrors(result.outcome)
      let path = baselinePath(file.output, root: result.root)
      var baseline = try load(path)
      let before = baseline.entries.count
      baseline.entries.formUnion(Baseline(findings: result.outcome.findings).entries)
      try write(baseline, to: path)
      print("added \(baseline.entries.count - before) finding(s) to \(path) (\(baseline.entries.count) in all)")
    }
  }

  struct Prune: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Drop entries whose secret the scan no longer finds.")
    @OptionGroup var source: ScanSource
    @OptionGroup var file: BaselineFile

    func run() async throws {
      let result = try await source.scan(explain: false)
      try checkErrors(result.outcome)
      let path = baselinePath(file.output, root: result.root)
      var baseline = try load(path)
      let current = Set(result.outcome.findings.map(\.fingerprint))
      let before = baseline.entries.count
      baseline.entries = baseline.entries.filter { current.contains($0.fingerprint) }
      try write(baseline, to: path)
      print("dropped \(before - baseline.entries.count) entr\(before - baseline.entries.count == 1 ? "y" : "ies") from \(path) (\(baseline.entries.count) left)")
    }
  }
}

/// The baseline file option of the `baseline` subcommands.
struct BaselineFile: ParsableArguments {
  @Option(name: .shortAndLong, help: "Baseline file (default: .hush/baseline.json at the repository root).")
  var output: String?
}

/// A baseline from a partial scan would lose entries: refuse.
private func checkErrors(_ outcome: ScanOutcome) throws {
  guard outcome.errors.isEmpty else {
    for error in outcome.errors { printError(error.description) }
    throw OperationalError("the scan was incomplete; the baseline was not written")
  }
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
