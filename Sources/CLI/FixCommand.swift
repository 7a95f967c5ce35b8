// `hush fix` and `hush undo`: move found secrets into the vault and rewrite the code to references
// (VAULT.md §11–12), from the pre-commit hook or by hand.
import ArgumentParser
import Fix
import Foundation
import Git2
import Remediation
import Runtime
import ScanEngine
import TOML
import Vault

#if canImport(Glibc)
  import Glibc
#endif

struct FixCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fix",
    abstract: "Move found secrets into the vault and rewrite the code to read them at run time.",
    discussion: """
      By default works on the staged change. Shows a diff with values masked; asks once per secret on a \
      terminal (--yes accepts the plan). Every step is journaled in .git/hush/: a crash leaves each secret \
      in its file or in the vault, and `hush fix --recover` or `hush undo` restores a consistent state. \
      Exit 0 when everything found was moved, 1 when something is left to do (or a commit was blocked).
      """)

  @OptionGroup var options: VaultOptions
  @Flag(help: "Fix the staged change (the default), and restage the result.") var staged = false
  @Flag(help: "Fix every file in the working tree.") var all = false
  @Argument(help: "Fix these files or directories.") var paths: [String] = []
  @Flag(help: "Accept the plan without asking.") var yes = false
  @Flag(help: "Show the plan and the masked diff; change nothing.") var dryRun = false
  @Option(help: "strict (fail fast when the variable is missing) or lenient.") var style: String = "strict"
  @Option(help: "The vault name for the secret (one secret only).") var name: String?
  @Flag(help: "Secrets already in git history: list where they are and whether they were pushed, and record the exposure on vault secrets. Rewrites nothing.")
  var history = false
  @Option(name: .customLong("emit-replacements"), help: "With --history: write a `git filter-repo --replace-text` file (0600, outside the repository; it holds live values).")
  var emitReplacements: String?
  @Flag(help: "Finish or roll back an interrupted fix.") var recover = false
  @Flag(help: "Delete the undo copies of finished fixes (they hold the old values).") var finalize = false
  @Flag(help: .hidden) var hook = false

  func run() async throws {
    guard let style = Style(rawValue: style) else { throw ValidationError("--style must be strict or lenient") }
    if all && !paths.isEmpty { throw ValidationError("give --all or paths, not both") }
    if staged && (all || !paths.isEmpty) { throw ValidationError("--staged works on the index; drop --all and paths") }
    let context = try options.context()
    let location = context.location
    if recover {
      let journals = Journal.unfinished(location)
      if journals.isEmpty { writeOut("no unfinished fix\n") }
      for journal in journals {
        let repository = try? Repository.openFromEnvironment()
        for line in try FixTransaction.recover(journal, location: location, repository: repository) { writeOut("\(line)\n") }
        writeOut("recovered fix \(journal.txid): \(journal.state)\n")
      }
      return
    }
    if finalize {
      let removed = FixTransaction.finalize(location, all: true)
      writeOut("deleted the undo copies of \(removed) finished fix\(removed == 1 ? "" : "es")\n")
      return
    }
    if history {
      try await historyReport(context: context)
      return
    }
    if emitReplacements != nil { throw ValidationError("--emit-replacements works with --history") }
    if let journal = Journal.unfinished(location).first {
      throw VaultError.failed("an earlier fix (\(journal.txid)) did not finish; run: hush fix --recover")
    }
    _ = FixTransaction.finalize(location, all: false)
    let stagedMode = staged || (!all && paths.isEmpty)
    if hook {
      // From the pre-commit hook (git gives hooks no stdin): `onCommit = "fix"` moves without asking; by
      // default a terminal gets the offer through /dev/tty; without one (GUI clients, CI) nothing is asked.
      switch remediationOnCommit(location) {
      case "fix":
        try await fixAndReport(context: context, staged: true, style: style, prompt: nil)
      case "block":
        throw ExitCode(3)
      default:
        guard let tty = Prompt.open() else { throw ExitCode(3) }
        try await fixAndReport(context: context, staged: true, style: style, prompt: tty)
      }
      return
    }
    let prompt = yes || dryRun ? nil : Prompt.open()
    if !yes && !dryRun && prompt == nil {
      try await fixAndReport(context: context, staged: stagedMode, style: style, prompt: nil, previewOnly: true)
      return
    }
    try await fixAndReport(context: context, staged: stagedMode, style: style, prompt: prompt, previewOnly: dryRun)
  }

  func fixAndReport(context: VaultContext, staged: Bool, style: Style, prompt: Prompt?, previewOnly: Bool = false) async throws {
    let location = context.location
    var arguments = ["--quiet"]
    if staged {
      arguments.append("--staged")
    } else {
      arguments += paths.isEmpty ? [location.root] : paths
    }
    let source = try ScanSource.parse(arguments)
    let result = try await source.scan(explain: false)
    var outcome = result.outcome
    _ = try TriageOptions.parse([]).apply(to: &outcome, root: result.root)
    let cwd = FileManager.default.currentDirectoryPath
    let targets = outcome.findings.map { finding -> FixTarget in
      var path = String(decoding: finding.provenance.path, as: UTF8.self)
      if !staged {
        let absolute = path.hasPrefix("/") ? path : URL(fileURLWithPath: cwd + "/" + path).standardizedFileURL.path
        path = absolute.hasPrefix(location.root + "/") ? String(absolute.dropFirst(location.root.count + 1)) : absolute
      }
      return FixTarget(path: path, secret: finding.secret.bytes, ruleID: finding.ruleID, tags: finding.tags, encoded: finding.decoding != nil)
    }
    guard !targets.isEmpty else {
      writeOut("nothing to fix: no secrets found\n")
      if hook { throw ExitCode(3) }
      return
    }
    let repository = staged ? try? Repository.openFromEnvironment() : nil
    let existingEnv = Dictionary((try? readEnvToml(context)) ?? [], uniquingKeysWith: { a, _ in a })
    var plan = try FixPlanner.plan(
      targets: targets, root: location.root, repository: repository, staged: staged, style: style, vaultName: location.name,
      nameOverride: name, existingEnv: existingEnv)
    preview(plan)
    if previewOnly {
      if prompt == nil && !dryRun { writeOut("no terminal to ask on: review the plan above, then run: hush fix\(staged ? " --staged" : "") --yes\n") }
      throw ExitCode(plan.moves.isEmpty && plan.manual.isEmpty ? 0 : 1)
    }
    if let prompt, !plan.moves.isEmpty {
      // Once per secret: move, ignore (with a reason, into .hush/ignore), or abort (nothing changes).
      var keep = Set<String>()
      for move in plan.moves {
        let answer = prompt.ask("\(move.ruleID) in \(move.paths.joined(separator: ", ")) → hush://\(move.name) ($\(move.variable)): [m]ove to vault / [i]gnore with a reason / [a]bort? ")
        switch answer.lowercased().first {
        case "m", "y": keep.insert(move.name)
        case "i":
          let reason = prompt.ask("reason (recorded in .hush/ignore): ")
          let fingerprints = outcome.findings.filter { $0.secret.bytes == move.value.bytes }.map(\.fingerprint)
          try appendIgnore(fingerprints: Array(Set(fingerprints)), reason: reason.isEmpty ? "ignored at hush fix" : reason, location: location)
          writeOut("ignored: added to .hush/ignore\n")
        default:
          writeOut("aborted: nothing was changed\n")
          throw ExitCode(hook ? 3 : 1)
        }
      }
      if keep.count != plan.moves.count {
        let chosen = targets.filter { target in plan.moves.contains { keep.contains($0.name) && $0.value.bytes == target.secret } }
        plan = try FixPlanner.plan(
          targets: chosen, root: location.root, repository: repository, staged: staged, style: style, vaultName: location.name,
          nameOverride: name, existingEnv: existingEnv)
      }
    }
    guard !plan.moves.isEmpty else {
      writeOut("nothing moved\n")
      throw ExitCode(hook ? 3 : (plan.manual.isEmpty ? 0 : 1))
    }
    let vault = try context.open()
    let result2 = try FixTransaction.execute(plan, vault: vault, repository: repository, syntaxCheck: syntaxCheck(root: location.root))
    for (path, reason) in result2.restored { writeOut("restored \(path): \(reason); fix it by hand\n") }
    let references = result2.moved.map { "hush://\($0.name)" }.joined(separator: ", ")
    writeOut("moved \(result2.moved.count) secret\(result2.moved.count == 1 ? "" : "s") to the vault (\(references)); rewrote \(result2.rewritten.joined(separator: ", "))\n")
    writeOut("run the program with: hush run -- <command>   (undo with: hush undo \(result2.txid))\n")
    if staged {
      writeOut("review and commit again (git diff --cached). `git add` had stored the secret as a loose object: unreachable now, it is gone after git gc --prune=now\n")
      throw ExitCode(hook ? 0 : 1)
    }
    if !plan.manual.isEmpty || !result2.restored.isEmpty { throw ExitCode(1) }
  }

  /// `--history`: where each secret of the history is, whether it was pushed, and the advice (rotate first).
  func historyReport(context: VaultContext) async throws {
    let location = context.location
    guard location.gitDirectory != nil else { throw VaultError.failed("--history needs a git repository") }
    var replacementsPath: String?
    if let path = emitReplacements {
      let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
      if absolute.hasPrefix(location.root + "/") {
        throw VaultError.usage("--emit-replacements \(path) is inside the repository, where it could be committed with live values; write it elsewhere")
      }
      replacementsPath = absolute
    }
    let source = try ScanSource.parse(["--history", "--quiet"])
    var outcome = try await source.scan(explain: false).outcome
    _ = try TriageOptions.parse([]).apply(to: &outcome, root: location.root)
    var byValue: [[UInt8]: [Finding]] = [:]
    var order: [[UInt8]] = []
    for finding in outcome.findings {
      if byValue[finding.secret.bytes] == nil { order.append(finding.secret.bytes) }
      byValue[finding.secret.bytes, default: []].append(finding)
    }
    guard !order.isEmpty else {
      writeOut("no secrets in the history\n")
      return
    }
    let vault = try? context.open()
    let canRead = vault.map { (try? $0.unlock()) != nil } ?? false
    var replacements = ""
    let now = Timestamp.format(Timestamp.now())
    for value in order {
      let findings = byValue[value]!.sorted { ($0.provenance.commit?.date ?? "") < ($1.provenance.commit?.date ?? "") }
      let first = findings[0]
      let commit = first.provenance.commit?.id ?? "?"
      let refs = (try? git(["for-each-ref", "--contains", commit, "--format=%(refname)"], root: location.root)).map {
        String(decoding: $0.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
      } ?? []
      let pushed = refs.contains { $0.hasPrefix("refs/remotes/") }
      let path = String(decoding: first.provenance.path, as: UTF8.self)
      writeOut("\(first.ruleID) \(first.secret.redacted): first in \(commit.prefix(12)) (\(path)), in \(refs.count) ref\(refs.count == 1 ? "" : "s")\(pushed ? ", PUSHED to a remote" : ", not pushed")\n")
      for ref in refs.prefix(5) { writeOut("    \(ref)\n") }
      var name: String?
      if canRead, let vault, let holder = try vault.secretHolding(value) {
        name = holder
        let exposure: [String: JSONValue] = ["kind": .string("git-history"), "commit": .string(commit), "found": .string(now), "pushed": .bool(pushed)]
        if try vault.recordExposure(holder, exposure: exposure) { writeOut("    recorded the exposure on hush://\(holder)\n") }
      }
      let escaped = String(decoding: value, as: UTF8.self).replacingOccurrences(of: "\n", with: "\\n")
      replacements += "literal:\(escaped)==>\(name.map { "hush://" + $0 } ?? "REMOVED")\n"
    }
    if let replacementsPath {
      try Files.writeAtomically(Array(replacements.utf8), to: replacementsPath, mode: 0o600)
      Diagnostics.warn("\(replacementsPath) holds live secret values (0600): delete it once history is rewritten")
    }
    writeOut("""
      What to do, in this order:
        1. Rotate each credential at its provider now, then: hush vault rotate NAME. Once pushed, a secret is
           compromised: rewriting history does not reach clones, forks, CI caches or pull-request refs.
        2. Optionally rewrite history: git filter-repo --replace-text FILE (or BFG)\(replacementsPath == nil ? "; hush fix --history --emit-replacements FILE writes that file" : "").
        3. Coordinate: force-push branches and tags, everyone re-clones, open pull requests die, forks and caches need the host's help.

      """)
    throw ExitCode(1)
  }

  /// The plan, with every value masked.
  func preview(_ plan: FixPlan) {
    for move in plan.moves {
      writeOut("\(move.ruleID): \(move.paths.joined(separator: ", ")) → hush://\(move.name) as $\(move.variable)\n")
    }
    for file in plan.files {
      writeOut(maskedDiff(file, values: plan.moves.map(\.value.bytes)))
      for note in file.notes { writeOut("  note: \(note)\n") }
    }
    for item in plan.manual { writeOut("left for you: \(item.path) (\(item.ruleID)): \(item.reason)\n") }
    for note in plan.notes { writeOut("note: \(note)\n") }
  }

  func appendIgnore(fingerprints: [String], reason: String, location: VaultLocation) throws {
    let path = location.hushDirectory + "/ignore"
    var text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
    for fingerprint in fingerprints { text += "fp:\(fingerprint) # \(reason.replacingOccurrences(of: "\n", with: " "))\n" }
    try Files.makeDirectory(location.hushDirectory, mode: 0o755)
    try Files.writeAtomically(Array(text.utf8), to: path, mode: 0o644)
  }
}

/// `[remediation] onCommit` in .hush/config.toml: "offer" (default: ask when a terminal is attached),
/// "fix" (move without asking) or "block" (never offer).
func remediationOnCommit(_ location: VaultLocation) -> String {
  guard let data = FileManager.default.contents(atPath: location.hushDirectory + "/config.toml"),
    let table = try? TOMLParser.parse(Array(data))
  else { return "offer" }
  return table["remediation"]?.tableValue?["onCommit"]?.stringValue ?? "offer"
}

/// A unified diff of one file's change, every secret value masked, with one line of context.
func maskedDiff(_ file: FileRewrite, values: [[UInt8]]) -> String {
  func mask(_ bytes: [UInt8]) -> [UInt8] {
    var out = bytes
    for value in values where !value.isEmpty {
      while let range = out.firstRange(of: value) { out.replaceSubrange(range, with: Array("***".utf8)) }
    }
    return out
  }
  func lines(_ bytes: [UInt8]) -> [String] {
    var result = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if result.last == "" { result.removeLast() }
    return result
  }
  var old = lines(mask(file.original ?? []))
  var new = lines(mask(file.rewritten))
  // Trim the common head and tail, then an LCS over what is left (the edits of a fix are local).
  var head = 0
  while head < old.count, head < new.count, old[head] == new[head] { head += 1 }
  var tail = 0
  while tail < old.count - head, tail < new.count - head, old[old.count - 1 - tail] == new[new.count - 1 - tail] { tail += 1 }
  let a = Array(old[head..<(old.count - tail)])
  let b = Array(new[head..<(new.count - tail)])
  var ops: [(Character, String)] = []
  if a.count * b.count <= 4_000_000 {
    var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in stride(from: a.count - 1, through: 0, by: -1) {
      for j in stride(from: b.count - 1, through: 0, by: -1) {
        table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
      }
    }
    var i = 0
    var j = 0
    while i < a.count || j < b.count {
      if i < a.count, j < b.count, a[i] == b[j] {
        ops.append((" ", a[i])); i += 1; j += 1
      } else if i < a.count, j == b.count || table[i + 1][j] >= table[i][j + 1] {
        ops.append(("-", a[i])); i += 1
      } else {
        ops.append(("+", b[j])); j += 1
      }
    }
  } else {
    ops = a.map { ("-", $0) } + b.map { ("+", $0) }
  }
  var out = "--- a/\(file.path)\n+++ b/\(file.path)\n"
  out += "@@ -\(head + 1),\(a.count) +\(head + 1),\(b.count) @@\n"
  if head > 0 { out += " \(old[head - 1])\n" }
  for (kind, line) in ops { out += "\(kind)\(line)\n" }
  if tail > 0 { out += " \(old[old.count - tail])\n" }
  old = []
  new = []
  return out
}

/// The language's own cheap check on a rewritten file, when its tool is installed.
func syntaxCheck(root: String) -> (String, [UInt8]) -> String? {
  return { path, _ in
    let full = root + "/" + path
    let lower = path.lowercased()
    var command: [String]?
    if lower.hasSuffix(".py") {
      command = ["python3", "-c", "import ast,sys; ast.parse(open(sys.argv[1],'rb').read(), sys.argv[1])", full]
    } else if lower.hasSuffix(".js") || lower.hasSuffix(".mjs") || lower.hasSuffix(".cjs") {
      command = ["node", "--check", full]
    } else if lower.hasSuffix(".go") {
      command = ["gofmt", "-e", "-l", full]
    } else if lower.hasSuffix(".sh") || lower.hasSuffix(".bash") {
      command = ["bash", "-n", full]
    } else if lower.hasSuffix(".rb") {
      command = ["ruby", "-c", full]
    } else if lower.hasSuffix(".json") {
      command = ["python3", "-c", "import json,sys; json.load(open(sys.argv[1]))", full]
    } else if lower.hasSuffix(".toml") {
      command = ["python3", "-c", "import tomllib,sys; tomllib.load(open(sys.argv[1],'rb'))", full]
    }
    guard let command else { return nil }
    let environment = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
    guard let result = try? Child.capture(command, environment: environment) else { return nil }  // the tool is not installed
    let message = String(decoding: result.stderr + result.stdout, as: UTF8.self)
    if result.status == 127 { return nil }
    return result.status == 0 ? nil : "\(command[0]) rejects the rewrite: \(message.split(separator: "\n").last ?? "")"
  }
}

/// Questions on the controlling terminal (/dev/tty), which a hook can reach although its stdin is not one.
final class Prompt {
  let fd: Int32
  private init(fd: Int32) { self.fd = fd }
  deinit { close(fd) }

  static func open() -> Prompt? {
    let fd = Glibc.open("/dev/tty", O_RDWR | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    guard isatty(fd) == 1 else {
      close(fd)
      return nil
    }
    return Prompt(fd: fd)
  }

  func ask(_ question: String) -> String {
    writeAll(fd, Array(question.utf8))
    var line = [UInt8]()
    var byte: UInt8 = 0
    while read(fd, &byte, 1) == 1, byte != 10 { line.append(byte) }
    if line.last == 13 { line.removeLast() }
    return String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
  }
}

struct Undo: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Undo a `hush fix`: restore the files (and index entries) it rewrote, if unchanged since.",
    discussion: "The vault records stay; `hush vault stale` lists them when nothing refers to them.")
  @OptionGroup var options: VaultOptions
  @Argument(help: "The transaction id (default: the latest).") var txid: String?

  func run() async throws {
    let location = try options.context().location
    let journals = Journal.all(location).filter { $0.state == "done" }
    guard let journal = txid.map({ id in journals.first { $0.txid == id } }) ?? journals.last else {
      throw VaultError.failed(txid.map { "no finished fix \($0) in \(location.journalRoot)" } ?? "no fix to undo")
    }
    let repository = try? Repository.openFromEnvironment()
    for line in try FixTransaction.undo(journal, location: location, repository: repository) { writeOut("\(line)\n") }
    writeOut("undid fix \(journal.txid); the vault records stay (hush vault stale lists unreferenced ones)\n")
  }
}
