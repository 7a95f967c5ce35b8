// Planning `hush fix` (VAULT.md §11–12 step 1): from findings to one vault name and variable per distinct
// secret, and the rewritten bytes of every file (and staged blob) that holds it. Nothing is written here.
package import Git2
package import Remediation
import Crypto
import Runtime
package import Vault

/// A literal the scanner found: where, what, and by which rule.
package struct FixTarget: Sendable {
  package var path: String  // relative to the work tree's root
  package var secret: [UInt8]
  package var ruleID: String
  package var tags: [String]
  package var encoded: Bool
  package init(path: String, secret: [UInt8], ruleID: String, tags: [String], encoded: Bool) {
    self.path = path
    self.secret = secret
    self.ruleID = ruleID
    self.tags = tags
    self.encoded = encoded
  }
}

/// One distinct secret value and where it goes.
package struct SecretMove: Sendable {
  package var value: SecretBytes
  package var name: String
  package var variable: String
  package var ruleID: String
  package var paths: [String]
}

/// A file the fix changes: its bytes before and after, and the same for its staged blob.
package struct FileRewrite: Sendable {
  package var path: String
  /// nil when the fix creates the file (env.toml, variables.tf).
  package var original: [UInt8]?
  package var rewritten: [UInt8]
  package var mode: UInt32
  package var staged: StagedChange?
  package var notes: [String] = []
  /// A companion file (env.toml, variables.tf): not rescanned, not syntax-checked as source.
  package var companion = false
}

package struct StagedChange: Sendable {
  package var original: [UInt8]
  package var rewritten: [UInt8]
  package var mode: UInt32
}

/// A finding the fix leaves to the user, with the reason.
package struct ManualItem: Sendable {
  package var path: String
  package var ruleID: String
  package var reason: String
}

package struct FixPlan: Sendable {
  package var moves: [SecretMove] = []
  package var files: [FileRewrite] = []
  package var manual: [ManualItem] = []
  package var notes: [String] = []
}

package func sha256Hex(_ bytes: [UInt8]) -> String {
  SHA256.hash(data: bytes).map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}

package enum FixPlanner {
  /// Builds the plan. `root` is the work tree; `staged` reads and rewrites index blobs too.
  package static func plan(
    targets: [FixTarget], root: String, repository: Repository?, staged: Bool, style: Style, vaultName: String,
    nameOverride: String?, existingEnv: [String: String]
  ) throws(VaultError) -> FixPlan {
    var plan = FixPlan()
    // Distinct values, in the order found.
    var order: [[UInt8]] = []
    var byValue: [[UInt8]: [FixTarget]] = [:]
    for target in targets {
      if target.encoded {
        plan.manual.append(ManualItem(path: target.path, ruleID: target.ruleID, reason: "the secret is encoded (base64/hex/percent) in the file; move it by hand"))
        continue
      }
      if byValue[target.secret] == nil { order.append(target.secret) }
      byValue[target.secret, default: []].append(target)
    }
    if nameOverride != nil && order.count > 1 {
      throw .usage("--name names one secret, but the fix moves \(order.count); run it per path")
    }
    var contents: [String: (bytes: [UInt8], mode: UInt32)] = [:]
    func content(_ path: String) throws(VaultError) -> [UInt8] {
      if let cached = contents[path] { return cached.bytes }
      let full = root + "/" + path
      let bytes = try Files.read(full, limit: 64 << 20)
      contents[path] = (bytes, Files.mode(full) ?? 0o644)
      return bytes
    }
    var usedNames = Set<String>()
    var usedVariables = Set(existingEnv.keys)
    // Per file, the moves that touch it, in order.
    var fileMoves: [String: [Int]] = [:]
    var fileOrder: [String] = []
    for value in order {
      let group = byValue[value]!
      let first = group[0]
      let firstContent = try content(first.path)
      guard let range = firstContent.firstRange(of: value) else { continue }
      // A provider's conventional variable (env:GITHUB_TOKEN) names its tokens; a generic rule's tag is only a
      // fallback, so `db_password = "…"` becomes DB_PASSWORD rather than PASSWORD.
      let providerToken = Planner.isProviderToken(ruleID: first.ruleID, tags: first.tags)
      let tags = providerToken ? first.tags : first.tags.filter { !$0.hasPrefix("env:") }
      let occurrence = Occurrence(range: range, ruleID: first.ruleID, tags: tags)
      var variable = Planner.variableName(for: occurrence, content: firstContent)
      var name = nameOverride ?? Planner.secretName(variable: variable, ruleID: first.ruleID, isProviderToken: providerToken)
      // The same variable already mapped to this name in env.toml is reused; otherwise keep both unique.
      if let existing = existingEnv[variable], existing != "hush://" + name {
        var suffix = 2
        while usedVariables.contains("\(variable)_\(suffix)") { suffix += 1 }
        variable = "\(variable)_\(suffix)"
      }
      while usedNames.contains(name) { name += "-2" }
      if let problem = validateSecretName(name) { throw .usage("cannot name the secret from \(first.path): \(problem); pass --name") }
      usedNames.insert(name)
      usedVariables.insert(variable)
      let paths = Array(Set(group.map(\.path))).sorted()
      plan.moves.append(SecretMove(value: SecretBytes(value), name: name, variable: variable, ruleID: first.ruleID, paths: paths))
      for path in paths {
        if fileMoves[path] == nil { fileOrder.append(path) }
        fileMoves[path, default: []].append(plan.moves.count - 1)
      }
    }
    // Build files at the root tell the planner about the project (Spring reads ${VAR} placeholders).
    let projectFiles = Set(["pom.xml", "build.gradle", "build.gradle.kts"].filter { Files.exists(root + "/" + $0) })
    var envAdditions: [(String, String)] = []
    var moved = Set<Int>()
    for path in fileOrder {
      let original = try content(path)
      if let disposition = Planner.disposition(path: path, content: original) {
        for index in fileMoves[path]! {
          plan.manual.append(ManualItem(path: path, ruleID: plan.moves[index].ruleID, reason: describe(disposition)))
        }
        continue
      }
      let moves = fileMoves[path]!.map { plan.moves[$0] }
      let result = rewrite(original, path: path, moves: moves, style: style, projectFiles: projectFiles)
      if let failure = result.failure {
        plan.manual.append(ManualItem(path: path, ruleID: failure.move.ruleID, reason: failure.reason))
        continue
      }
      var notes: [String] = []
      var extra: [String: [UInt8]] = [:]
      for step in result.steps {
        for note in step.notes where !notes.contains(note) { notes.append(note) }
        for (file, bytes) in step.extraFiles { extra[file] = (extra[file] ?? []) + bytes }
      }
      let fileType = result.steps.last?.fileType ?? .other
      for (index, move) in zip(fileMoves[path]!, moves) {
        moved.insert(index)
        let envName = fileType == .terraform ? "TF_VAR_" + move.variable.lowercased() : move.variable
        if !envAdditions.contains(where: { $0.0 == envName }) { envAdditions.append((envName, "hush://" + move.name)) }
      }
      var change = FileRewrite(path: path, original: original, rewritten: result.bytes, mode: contents[path]!.mode, staged: nil, notes: notes)
      if staged, let repository, let entry = try? repository.stagedEntry(path) {
        if entry.content == original {
          change.staged = StagedChange(original: entry.content, rewritten: result.bytes, mode: entry.mode)
        } else {
          // Staged and unstaged edits differ: the same moves, planned on the staged content alone.
          let stagedResult = rewrite(entry.content, path: path, moves: moves, style: style, projectFiles: projectFiles)
          if stagedResult.failure == nil {
            change.staged = StagedChange(original: entry.content, rewritten: stagedResult.bytes, mode: entry.mode)
          }
        }
      }
      plan.files.append(change)
      // Companion files (variables.tf, .gitignore), named from the work tree's root: appended once.
      for (file, bytes) in extra.sorted(by: { $0.key < $1.key }) {
        let target = file
        if let index = plan.files.firstIndex(where: { $0.path == target }) {
          plan.files[index].rewritten += bytes
        } else {
          let existing = try? content(target)
          if let existing, existing.firstRange(of: bytes) != nil { continue }
          var text = existing ?? []
          if !text.isEmpty && text.last != 10 { text.append(10) }
          var companion = FileRewrite(path: target, original: existing, rewritten: text + bytes, mode: contents[target]?.mode ?? 0o644, staged: nil)
          companion.companion = true
          plan.files.append(companion)
        }
      }
    }
    plan.moves = plan.moves.enumerated().filter { moved.contains($0.offset) }.map(\.element)
    // env.toml: the mapping that makes `hush run` work at once.
    if !envAdditions.isEmpty {
      let path = ".hush/env.toml"
      let existing = try? content(path)
      let updated = EnvToml.adding(envAdditions.filter { existingEnv[$0.0] != $0.1 }, vault: vaultName, to: existing ?? [])
      if updated != (existing ?? []) {
        var change = FileRewrite(path: path, original: existing, rewritten: updated, mode: 0o644, staged: nil)
        change.companion = true
        plan.files.append(change)
      }
    }
    return plan
  }

  /// Rewrites every occurrence of the moves' values in `content`, one planner step at a time (so an import is
  /// added once); the first step the planner refuses, or a literal left behind, is the failure.
  static func rewrite(
    _ content: [UInt8], path: String, moves: [SecretMove], style: Style, projectFiles: Set<String>
  ) -> (bytes: [UInt8], steps: [Plan], failure: (move: SecretMove, reason: String)?) {
    var bytes = content
    var steps: [Plan] = []
    for move in moves {
      var guardCount = 0
      while let range = bytes.firstRange(of: move.value.bytes), guardCount < 200 {
        guardCount += 1
        let step = Planner.plan(
          path: path, content: bytes, occurrence: Occurrence(range: range, ruleID: move.ruleID, tags: []), style: style,
          variable: move.variable, secretName: move.name, projectFiles: projectFiles)
        guard step.disposition == .rewrite, !step.edits.isEmpty else { return (content, steps, (move, describe(step.disposition))) }
        bytes = Planner.apply(step.edits, to: bytes)
        steps.append(step)
      }
      if bytes.firstRange(of: move.value.bytes) != nil {
        return (content, steps, (move, "the literal could not be rewritten everywhere in the file"))
      }
    }
    return (bytes, steps, nil)
  }

  static func describe(_ disposition: Disposition) -> String {
    switch disposition {
    case .rewrite: return "not rewritten"
    case .manual(let reason): return reason
    case .neverTouch(let reason): return "\(reason); not rewritten: add an allowlist entry (hush baseline update) or rotate the value"
    case .fixture(let reason): return "\(reason); not rewritten: replace it with a fake value or allowlist it"
    }
  }
}

/// Adds `VAR = "hush://name"` lines to `[vault.NAME]` in env.toml, creating the table when absent.
package enum EnvToml {
  package static func adding(_ entries: [(String, String)], vault: String, to bytes: [UInt8]) -> [UInt8] {
    guard !entries.isEmpty else { return bytes }
    var lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    let header = "[vault.\(vault)]"
    let newLines = entries.map { "\($0.0) = \"\($0.1)\"" }
    if let start = lines.firstIndex(where: { $0.trimmingCharacters(in: " \t") == header }) {
      var end = start + 1
      while end < lines.count, !lines[end].trimmingCharacters(in: " \t").hasPrefix("[") { end += 1 }
      while end > start + 1, lines[end - 1].trimmingCharacters(in: " \t").isEmpty { end -= 1 }
      lines.insert(contentsOf: newLines, at: end)
    } else {
      if lines.isEmpty { lines.append("# Variables `hush run` sets, per vault: VARIABLE = \"hush://name\".") }
      if !(lines.last?.isEmpty ?? true) { lines.append("") }
      lines.append(header)
      lines += newLines
    }
    return Array((lines.joined(separator: "\n") + "\n").utf8)
  }
}
