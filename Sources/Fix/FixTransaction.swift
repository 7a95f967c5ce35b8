// The `hush fix` transaction (VAULT.md §12): lock, re-check, journal with undo copies, vault first, sources
// atomically with a syntax check, the index, done. A crash at any step leaves the literal in the file or
// in a vault record, and `hush fix --recover` or `hush undo` brings a consistent state back.
package import Git2
package import Vault
import Durable
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

package struct FixOutcome: Sendable {
  package var txid: String
  package var moved: [SecretMove] = []
  package var rewritten: [String] = []
  package var restored: [(path: String, reason: String)] = []
  package var staged: [String] = []
}

package struct Journal {
  package let directory: String
  package var txid: String { String(directory.split(separator: "/").last!.dropFirst(4)) }

  package static func root(_ location: VaultLocation) -> String { location.journalRoot }

  /// Journals of fix transactions, newest last.
  package static func all(_ location: VaultLocation) -> [Journal] {
    let root = root(location)
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return [] }
    return names.filter { $0.hasPrefix("fix-") }.sorted().map { Journal(directory: root + "/" + $0) }
  }

  package var state: String {
    (try? String(contentsOfFile: directory + "/state", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "missing"
  }

  package func setState(_ state: String) throws(VaultError) {
    try Files.writeAtomically(Array((state + "\n").utf8), to: directory + "/state", mode: 0o600)
  }

  package func plan() throws(VaultError) -> [String: JSONValue] { try JSON.parseFile(directory + "/plan.json") }

  package func copy(_ name: String) -> [UInt8]? { try? Files.read(directory + "/" + name, limit: 64 << 20) }

  /// Unfinished journals (not done, rolled back or undone): every hush command that meets one names --recover.
  package static func unfinished(_ location: VaultLocation) -> [Journal] {
    all(location).filter { !["done", "rolled-back", "undone"].contains($0.state) }
  }
}

package enum FixTransaction {
  /// Runs the plan. `syntaxCheck` returns nil when a rewritten file is fine, else the tool's complaint.
  package static func execute(
    _ plan: FixPlan, vault: Vault, repository: Repository?, syntaxCheck: (String, [UInt8]) -> String?
  ) throws(VaultError) -> FixOutcome {
    let location = vault.location
    let lock = try FileLock(location.lockPath)
    _ = lock
    // Re-read every target: a file changed since the plan aborts the fix with nothing written.
    for file in plan.files {
      let current = try? Files.read(location.root + "/" + file.path, limit: 64 << 20)
      guard current == file.original else {
        throw .failed("\(file.path) changed since the fix was planned; nothing was written, run hush fix again")
      }
      var info = stat()
      if lstat(location.root + "/" + file.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK {
        throw .failed("\(file.path) is a symbolic link; fix its target instead. Nothing was written")
      }
      if let repository, (try? repository.isConflicted(file.path)) == true {
        throw .failed("\(file.path) is in a conflicted merge; resolve it first. Nothing was written")
      }
    }
    let txid = Timestamp.format(Timestamp.now()).filter { $0.isNumber } + "-" + Crockford32.encode(randomBytes(5))
    let journal = Journal(directory: Journal.root(location) + "/fix-" + txid)
    try Files.makeDirectory(Journal.root(location), mode: 0o700)
    // An error while journaling (a full disk) leaves nothing to recover: nothing else was touched yet.
    do {
      try Files.makeDirectory(journal.directory, mode: 0o700)
      try write(journal, plan: plan, txid: txid, location: location, repository: repository)
    } catch {
      try? FileManager.default.removeItem(atPath: journal.directory)
      throw .failed("\(error); nothing was changed")
    }
    CrashPoint.hit("fix.planned")
    // An error from here on (a full or read-only disk, an index that cannot be written) rolls back: the
    // sources and the index return to what they were, the vault keeps the copies it made.
    do {
      return try apply(plan, journal: journal, txid: txid, vault: vault, repository: repository, syntaxCheck: syntaxCheck)
    } catch {
      let failure = error
      do {
        _ = try recover(journal, location: location, repository: repository, rollBack: true)
      } catch {
        throw .failed("\(failure); the fix stopped halfway and could not be rolled back (\(error)); run: hush fix --recover once that is fixed")
      }
      try? FileManager.default.removeItem(atPath: journal.directory)
      throw .failed("\(failure); the fix was rolled back: the files and the index are as they were (the vault keeps the secrets it stored; hush vault stale lists unused ones)")
    }
  }

  /// The journal: undo copies of every file and staged blob, the new contents, then the plan and its state.
  private static func write(_ journal: Journal, plan: FixPlan, txid: String, location: VaultLocation, repository: Repository?) throws(VaultError) {
    var filesJSON: [JSONValue] = []
    for (index, file) in plan.files.enumerated() {
      var entry: [String: JSONValue] = [
        "path": .string(file.path), "mode": .int(file.mode),
        "original_sha256": file.original.map { .string(sha256Hex($0)) } ?? .null, "rewritten_sha256": .string(sha256Hex(file.rewritten)),
        "copy": .string("orig-\(index)"), "new": .string("new-\(index)"),
      ]
      if let original = file.original { try Files.writeAtomically(original, to: journal.directory + "/orig-\(index)", mode: 0o600) }
      try Files.writeAtomically(file.rewritten, to: journal.directory + "/new-\(index)", mode: 0o600)
      if let staged = file.staged, let repository {
        try Files.writeAtomically(staged.original, to: journal.directory + "/staged-orig-\(index)", mode: 0o600)
        try Files.writeAtomically(staged.rewritten, to: journal.directory + "/staged-new-\(index)", mode: 0o600)
        entry["staged"] = .object([
          "mode": .int(staged.mode),
          "original_blob": .string((try? repository.hashBlob(staged.original).description) ?? ""),
          "rewritten_blob": .string((try? repository.hashBlob(staged.rewritten).description) ?? ""),
        ])
      }
      filesJSON.append(.object(entry))
    }
    let planJSON: [String: JSONValue] = [
      "op": .string("fix"), "txid": .string(txid), "vault": .string(location.name), "files": .array(filesJSON),
      "secrets": .array(plan.moves.map { .object(["name": .string($0.name), "variable": .string($0.variable), "rule": .string($0.ruleID)]) }),
    ]
    try Files.writeAtomically(JSON.write(.object(planJSON)), to: journal.directory + "/plan.json", mode: 0o600)
    try journal.setState("planned")
  }

  private static func apply(
    _ plan: FixPlan, journal: Journal, txid: String, vault: Vault, repository: Repository?, syntaxCheck: (String, [UInt8]) -> String?
  ) throws(VaultError) -> FixOutcome {
    let location = vault.location
    // Vault first: every record durable before any source changes.
    var outcome = FixOutcome(txid: txid)
    let reader = try? vault.unlock()
    for move in plan.moves {
      if let reader, let record = try vault.record(move.name),
        let current = record.current(key: reader.key, requireVerified: true),
        let value = try? record.open(current, key: reader.key, file: move.name), value.bytes == move.value.bytes
      {
        outcome.moved.append(move)  // already vaulted with this value: reused
        continue
      }
      var options = Vault.SetOptions()
      options.env = move.variable
      options.detector = move.ruleID
      try vault.set(move.name, value: move.value, options: options)
      outcome.moved.append(move)
      CrashPoint.hit("fix.vault")
    }
    try journal.setState("vaulted")
    CrashPoint.hit("fix.vaulted")

    // Sources, each atomically with its mode; a failed syntax check or a literal still present restores it.
    for file in plan.files {
      let full = location.root + "/" + file.path
      if let directory = full.lastIndex(of: "/").map({ String(full[..<$0]) }) { try Files.makeDirectory(directory, mode: 0o755) }
      try Files.writeAtomically(file.rewritten, to: full, mode: file.mode)
      CrashPoint.hit("fix.file")
      if !file.companion {
        var problem = syntaxCheck(file.path, file.rewritten)
        if problem == nil, plan.moves.contains(where: { file.rewritten.firstRange(of: $0.value.bytes) != nil }) {
          problem = "the literal is still in the file"
        }
        if let problem, let original = file.original {
          try Files.writeAtomically(original, to: full, mode: file.mode)
          outcome.restored.append((file.path, problem))
          continue
        }
      }
      outcome.rewritten.append(file.path)
    }
    try journal.setState("rewritten")
    CrashPoint.hit("fix.rewritten")

    // The index: stage the rewritten file when the staged blob was the working file, else the staged-only edit.
    if let repository {
      for file in plan.files where !outcome.restored.contains(where: { $0.path == file.path }) {
        guard let staged = file.staged else { continue }
        do {
          try repository.stage(file.path, content: staged.rewritten, mode: staged.mode)
        } catch {
          throw .failed("could not update the index for \(file.path): \(error)")
        }
        outcome.staged.append(file.path)
        CrashPoint.hit("fix.index")
      }
    }
    try journal.setState("indexed")
    try vault.audit.append(
      AuditEvent(op: "fix", names: outcome.moved.map(\.name)), epoch: vault.header.epoch, key: vault.reader?.key, actorKey: vault.reader?.actor)
    try journal.setState("done")
    return outcome
  }

  /// `hush fix --recover`: rolls an unfinished journal forward when its records are durable, else back.
  /// `rollBack` forces the backward direction (an error, not a kill, stopped the transaction).
  package static func recover(_ journal: Journal, location: VaultLocation, repository: Repository?, rollBack: Bool = false) throws(VaultError) -> [String] {
    let lock = try FileLock(location.lockPath)
    _ = lock
    let state = journal.state
    // No state yet: killed while journaling, before any source or record changed. Its undo copies hold
    // the literal, so the journal goes.
    if state == "missing" {
      try? FileManager.default.removeItem(atPath: journal.directory)
      return ["discarded fix \(journal.txid): it stopped before changing anything"]
    }
    let plan = try journal.plan()
    var report: [String] = []
    let forward = !rollBack && ["vaulted", "rewritten", "indexed"].contains(state)
    for item in plan["files"]?.array ?? [] {
      guard let entry = item.object, let path = entry["path"]?.string, let new = entry["new"]?.string,
        let copy = entry["copy"]?.string, let rewrittenHash = entry["rewritten_sha256"]?.string
      else { continue }
      let full = location.root + "/" + path
      let current = try? Files.read(full, limit: 64 << 20)
      let currentHash = current.map(sha256Hex)
      let originalHash = entry["original_sha256"]?.string
      let mode = entry["mode"]?.uint.map { UInt32($0) } ?? 0o644
      if forward {
        if currentHash == originalHash || (current == nil && originalHash == nil), let bytes = journal.copy(new) {
          try Files.writeAtomically(bytes, to: full, mode: mode)
          report.append("rewrote \(path)")
        } else if currentHash != rewrittenHash {
          report.append("left \(path): changed since the fix")
        }
        if let staged = entry["staged"]?.object, let repository, let bytes = journal.copy("staged-new-" + new.dropFirst(4)) {
          let entryNow = try? repository.stagedEntry(path)
          if entryNow?.id.description == staged["original_blob"]?.string {
            do { try repository.stage(path, content: bytes, mode: UInt32(staged["mode"]?.uint ?? 0o100644)) } catch {
              throw .failed("could not update the index for \(path): \(error)")
            }
            report.append("staged \(path)")
          }
        }
      } else {
        if currentHash == rewrittenHash {
          if let bytes = journal.copy(copy) {
            try Files.writeAtomically(bytes, to: full, mode: mode)
          } else {
            Files.remove(full)
          }
          report.append("restored \(path)")
        }
        if let staged = entry["staged"]?.object, let repository, let bytes = journal.copy("staged-orig-" + copy.dropFirst(5)),
          (try? repository.stagedEntry(path))?.id.description == staged["rewritten_blob"]?.string
        {
          do { try repository.stage(path, content: bytes, mode: UInt32(staged["mode"]?.uint ?? 0o100644)) } catch {
            throw .failed("could not restore the index entry of \(path): \(error)")
          }
          report.append("restored the staged \(path)")
        }
      }
    }
    // A kill between a temporary file's fsync and its rename leaves the temporary beside its target.
    var directories = Set<String>()
    for item in plan["files"]?.array ?? [] {
      guard let path = item.object?["path"]?.string else { continue }
      let full = location.root + "/" + path
      directories.insert(full.lastIndex(of: "/").map { String(full[..<$0]) } ?? location.root)
    }
    for directory in directories {
      for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where name.hasPrefix(".hush-tmp-") {
        Files.remove(directory + "/" + name)
      }
    }
    try journal.setState(forward ? "done" : "rolled-back")
    return report
  }

  /// `hush undo [TXID]`: restores files still at their rewritten hash and index entries still at the
  /// rewritten blob; the vault records stay (`hush vault stale` lists them if unreferenced).
  package static func undo(_ journal: Journal, location: VaultLocation, repository: Repository?) throws(VaultError) -> [String] {
    let lock = try FileLock(location.lockPath)
    _ = lock
    guard journal.state == "done" else { throw .failed("transaction \(journal.txid) is \(journal.state); run: hush fix --recover") }
    let plan = try journal.plan()
    var report: [String] = []
    for item in plan["files"]?.array ?? [] {
      guard let entry = item.object, let path = entry["path"]?.string, let copy = entry["copy"]?.string,
        let rewrittenHash = entry["rewritten_sha256"]?.string
      else { continue }
      let full = location.root + "/" + path
      let current = try? Files.read(full, limit: 64 << 20)
      let mode = entry["mode"]?.uint.map { UInt32($0) } ?? 0o644
      if current.map(sha256Hex) == rewrittenHash {
        if let bytes = journal.copy(copy) {
          try Files.writeAtomically(bytes, to: full, mode: mode)
        } else {
          Files.remove(full)
        }
        report.append("restored \(path)")
      } else {
        report.append("left \(path): changed since the fix")
      }
      if let staged = entry["staged"]?.object, let repository, let bytes = journal.copy("staged-orig-" + copy.dropFirst(5)) {
        if (try? repository.stagedEntry(path))?.id.description == staged["rewritten_blob"]?.string {
          do { try repository.stage(path, content: bytes, mode: UInt32(staged["mode"]?.uint ?? 0o100644)) } catch {
            throw .failed("could not restore the index entry of \(path): \(error)")
          }
          report.append("restored the staged \(path)")
        }
      }
    }
    try journal.setState("undone")
    return report
  }

  /// Deletes the undo copies (which hold the secret) of finished transactions: all with `all`, else those
  /// older than 7 days.
  package static func finalize(_ location: VaultLocation, all: Bool) -> Int {
    var removed = 0
    let cutoff = Timestamp.now() - 7 * 86400
    for journal in Journal.all(location) where ["done", "rolled-back", "undone"].contains(journal.state) {
      let stamp = journal.txid.prefix(14)
      if !all, let at = Timestamp.parse(String(stamp.prefix(4)) + "-" + stamp.dropFirst(4).prefix(2) + "-" + stamp.dropFirst(6).prefix(2) + "T" + stamp.dropFirst(8).prefix(2) + ":" + stamp.dropFirst(10).prefix(2) + ":" + stamp.dropFirst(12).prefix(2) + "Z"), at > cutoff {
        continue
      }
      try? FileManager.default.removeItem(atPath: journal.directory)
      removed += 1
    }
    return removed
  }
}
