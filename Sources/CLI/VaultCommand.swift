// `hush vault …`: the encrypted store beside the repository (../shared/VAULT.md §9).
import ArgumentParser
import Foundation
import Runtime
import Vault

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

struct VaultCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "vault",
    abstract: "Keep secrets in an encrypted vault beside the repository (.hush/).",
    discussion: """
      Anyone with the repository can deposit a secret; only members (age identities) can read. \
      Exit codes: 0 done, 1 problems found (verify, stale), 2 operational error, 64 usage error.
      """,
    subcommands: [
      VaultInit.self, VaultSet.self, VaultRead.self, VaultList.self, VaultRemove.self, VaultRotate.self,
      VaultAccept.self, VaultMember.self, VaultRekey.self, VaultVerify.self, VaultStale.self, VaultAudit.self,
      VaultUnseal.self, VaultSeal.self, VaultAgent.self, VaultSplit.self, VaultRecover.self, VaultGitSetup.self, VaultGitTextconv.self, VaultGitMerge.self,
    ])
}

// MARK: - Helpers

/// Reads a value from stdin when it is not a terminal, else from a hidden prompt (twice). Never from argv.
/// One trailing newline is dropped from string values (`echo value | hush vault set NAME`).
func readValue(name: String, kind: SecretKind, sources: KeySources) throws -> SecretBytes {
  if !Terminal.isTTY(0) {
    var bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
    if kind == .string {
      if bytes.last == 10 { bytes.removeLast() }
      if bytes.last == 13 { bytes.removeLast() }
    }
    let value = SecretBytes(bytes)
    SecretBytes.wipe(&bytes)
    guard value.count > 0 else { throw VaultError.usage("no value on stdin for \(name); pipe it in: printf %s \"$VALUE\" | hush vault set \(name)") }
    return value
  }
  guard let first = Terminal.readHidden("value for \(name): "), first.count > 0 else {
    throw VaultError.usage("no value given for \(name)")
  }
  guard let again = Terminal.readHidden("repeat the value: "), again.bytes == first.bytes else {
    throw VaultError.usage("the two values differ; nothing was stored")
  }
  return first
}

func writeOut(_ text: String) { writeAll(1, Array(text.utf8)) }

func ago(_ timestamp: String?) -> String {
  guard let timestamp, let at = Timestamp.parse(timestamp) else { return "-" }
  let now = Timestamp.now()
  let seconds = now > at ? now - at : 0
  if seconds < 3600 { return "\(seconds / 60)m ago" }
  if seconds < 86400 { return "\(seconds / 3600)h ago" }
  return "\(seconds / 86400)d ago"
}

// MARK: - init

struct VaultInit: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init", abstract: "Create a vault (and, if you have none, your identity).")

  @OptionGroup var options: VaultOptions
  @Option(name: .customLong("recipient"), help: "Another member's age1… public key (repeatable).")
  var recipients: [String] = []
  @Flag(help: "Protect the vault key with a passphrase instead of member keys (scrypt).")
  var passphrase = false
  @Option(help: "Your member label (default: your user name).")
  var label: String?

  func run() async throws {
    let context = try options.context()
    let label = self.label ?? ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "owner"
    let result = try Vault.initialize(
      location: context.location, sources: context.sources, auditPolicy: context.auditPolicy, recipients: recipients,
      passphrase: passphrase, label: label)
    if let created = result.createdIdentity {
      writeOut("created your identity \(context.sources.display(created.path)) (0600); back this file up: without it you cannot read the vault\n")
      writeOut("your recipient (public key, safe to share): \(created.recipient)\n")
    }
    installGitDrivers(context)
    let members = result.header.members.map(\.label).joined(separator: ", ")
    writeOut("created vault '\(result.header.name)' (\(result.header.vaultID)) in .hush/vaults/\(result.header.name); \(passphrase ? "passphrase-protected" : "members: \(members)")\n")
    writeOut("commit .hush/ ; add a teammate with: hush vault member add LABEL age1…\n")
  }
}

/// Sets this clone's diff and merge drivers for vault files (git config is per clone, never committed).
func installGitDrivers(_ context: VaultContext) {
  guard context.location.gitDirectory != nil else { return }
  let hush = CommandLine.arguments[0].hasPrefix("/") ? CommandLine.arguments[0] : "hush"
  let settings = [
    ("diff.hush.textconv", "\(hush) vault git-textconv"),
    ("merge.hush.name", "hush vault records (union of versions)"),
    ("merge.hush.driver", "\(hush) vault git-merge %O %A %B %P"),
  ]
  for (key, value) in settings where (try? git(["config", "--local", key, value], root: context.location.root))?.status != 0 {
    Diagnostics.warn("could not set git config \(key); run: hush vault git-setup")
    return
  }
}

struct VaultGitSetup: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "git-setup", abstract: "Install this clone's diff (values masked) and merge drivers for vault files.")
  @OptionGroup var options: VaultOptions

  func run() async throws {
    let context = try options.context()
    guard context.location.gitDirectory != nil else { throw VaultError.failed("not in a git repository") }
    installGitDrivers(context)
    writeOut("set diff.hush.textconv and merge.hush.driver in this clone's .git/config\n")
  }
}

// MARK: - set, read, list, rm, rotate, accept

struct VaultSet: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "set", abstract: "Store a secret: the value comes from stdin or a hidden prompt, never from arguments.",
    discussion: "Members' versions are verified at once; anyone else's are deposits until a member runs `hush vault accept`.")

  @OptionGroup var options: VaultOptions
  @Argument(help: "The secret's name, e.g. db/password.") var name: String
  @Option(help: "string or file.") var kind: String = "string"
  @Option(help: "The environment variable `hush run` sets (default: the name in upper case).") var env: String?
  @Option(name: .customLong("rotate-every"), help: "Rotation period, e.g. 90d.") var rotateEvery: String?
  @Option(help: "Who owns the credential.") var owner: String?
  @Option(help: "Who issued it (aws, github, postgres, …).") var provider: String?

  func run() async throws {
    guard let kind = SecretKind(rawValue: kind) else { throw VaultError.usage("--kind must be string or file") }
    if let problem = validateSecretName(name) { throw VaultError.usage(problem) }
    let context = try options.context()
    let vault = try context.open()
    let value = try readValue(name: name, kind: kind, sources: context.sources)
    var setOptions = Vault.SetOptions()
    setOptions.kind = kind
    setOptions.env = env
    setOptions.rotateEvery = rotateEvery
    setOptions.owner = owner
    setOptions.provider = provider
    let version = try vault.set(name, value: value, options: setOptions)
    if version.isDeposit {
      writeOut("deposited \(name) version \(version.seq) in vault '\(vault.location.name)' (unverified until a member runs: hush vault accept \(name))\n")
    } else {
      writeOut("stored \(name) version \(version.seq) in vault '\(vault.location.name)'\n")
    }
  }
}

struct VaultRotate: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rotate", abstract: "Store a new value; the old one stays readable as @previous until --finish.")

  @OptionGroup var options: VaultOptions
  @Argument var name: String
  @Flag(help: "Drop the previous version: the rotation is complete.") var finish = false

  func run() async throws {
    let context = try options.context()
    let vault = try context.open()
    if finish {
      try vault.finishRotation(name)
      writeOut("finished the rotation of \(name): only the current version remains\n")
      return
    }
    guard let record = try vault.record(name), !record.versions.isEmpty else {
      throw VaultError.failed("no secret '\(name)' in vault '\(vault.location.name)'; store it with: hush vault set \(name)")
    }
    let value = try readValue(name: name, kind: record.kind, sources: context.sources)
    var setOptions = Vault.SetOptions()
    setOptions.kind = record.kind
    setOptions.rotated = true
    let version = try vault.set(name, value: value, options: setOptions)
    writeOut("rotated \(name) to version \(version.seq); the previous value stays readable as hush://\(name)@previous until: hush vault rotate \(name) --finish\n")
  }
}

struct VaultRead: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "read", abstract: "Print one value, for scripts (refuses a terminal without --reveal).",
    aliases: ["get"])

  @OptionGroup var options: VaultOptions
  @Argument(help: "A reference (hush://db/password, hush://db/password@previous) or a name.") var reference: String
  @Flag(help: "Print the value even on a terminal.") var reveal = false
  @Flag(help: "Print JSON with the value and its metadata.") var json = false

  func run() async throws {
    let parsed = try SecretReference.parse(reference.hasPrefix("hush://") ? reference : "hush://" + reference)
    if Terminal.isTTY(1) && !reveal {
      throw VaultError.usage("refusing to print \(parsed) to a terminal; pass --reveal, or pipe the output")
    }
    let vault = try VaultContext(vault: options.vault, identity: options.identity).open()
    let result = try vault.read(parsed)
    if json {
      var object: [String: JSONValue] = [
        "name": .string(parsed.name), "seq": .int(result.version.seq), "created": .string(result.version.created),
        "env": .string(result.record.env), "kind": .string(result.record.kind.rawValue), "vault": .string(vault.location.name),
        "value": .string(String(decoding: result.value.bytes, as: UTF8.self)),
      ]
      object["rotated"] = .bool(result.version.rotated)
      writeAll(1, JSON.write(.object(object)))
    } else {
      writeAll(1, result.value.bytes + (Terminal.isTTY(1) ? [10] : []))
    }
  }
}

struct VaultList: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "Names, variables, versions, status and rotation dates; never values.")

  @OptionGroup var options: VaultOptions
  @Flag(help: "JSON output.") var json = false

  func run() async throws {
    let vault = try options.context().open()
    _ = try? vault.unlock()  // readers see verified status checked; anyone else sees what the files claim
    let items = try vault.list()
    if json {
      let array: [JSONValue] = items.map { item in
        .object([
          "name": .string(item.name), "env": .string(item.env), "kind": .string(item.kind),
          "seq": item.seq.map { .int($0) } ?? .null, "status": .string(item.status),
          "last_rotation": item.lastRotation.map(JSONValue.string) ?? .null, "due": item.due.map(JSONValue.string) ?? .null,
        ])
      }
      writeAll(1, JSON.write(.object(["vault": .string(vault.location.name), "secrets": .array(array)])))
      return
    }
    if items.isEmpty {
      writeOut("vault '\(vault.location.name)' holds no secrets; add one with: hush vault set NAME\n")
      return
    }
    let width = max(4, items.map(\.name.count).max() ?? 4)
    let envWidth = max(3, items.map(\.env.count).max() ?? 3)
    writeOut("NAME".padding(width) + "  " + "ENV".padding(envWidth) + "  KIND    SEQ  STATUS      ROTATED      DUE\n")
    for item in items {
      let due = item.due.map { String($0.prefix(10)) } ?? "-"
      writeOut(
        item.name.padding(width) + "  " + item.env.padding(envWidth) + "  " + item.kind.padding(6) + "  "
          + (item.seq.map(String.init) ?? "-").padding(3) + "  " + item.status.padding(10) + "  " + ago(item.lastRotation).padding(11)
          + "  " + due + "\n")
    }
  }
}

extension String {
  func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}

struct VaultRemove: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rm", abstract: "Remove a secret, leaving a tombstone (git history still has its versions).")
  @OptionGroup var options: VaultOptions
  @Argument var name: String

  func run() async throws {
    let vault = try options.context().open()
    try vault.remove(name)
    writeOut("removed \(name) from vault '\(vault.location.name)' (a tombstone stays; git history keeps the old ciphertext: rotate the credential)\n")
  }
}

struct VaultAccept: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "accept", abstract: "Review deposited versions of a secret and verify them.")
  @OptionGroup var options: VaultOptions
  @Argument var name: String
  @Option(help: "Keep this version (rid) of a conflict and drop the others with its seq.") var pick: String?
  @Flag(help: "Show the deposited values (on a terminal only).") var reveal = false

  func run() async throws {
    let vault = try options.context().open()
    let reader = try vault.unlock()
    guard let record = try vault.record(name) else { throw VaultError.failed("no secret '\(name)' in vault '\(vault.location.name)'") }
    let pending = record.versions.filter { !record.verifies($0, key: reader.key) }
    for version in pending.sorted(by: { $0.seq < $1.seq }) {
      let value = try record.open(version, key: reader.key, file: name)
      var line = "  seq \(version.seq) rid \(version.ridText) by \(version.by) \(version.created) ≤\(version.lengthBucket) bytes fingerprint \((try MAC.text(reader.key, .fingerprint, value.bytes)).suffix(12))"
      if reveal && Terminal.isTTY(1) { line += " value: " + String(decoding: value.bytes, as: UTF8.self) }
      writeOut(line + "\n")
    }
    let accepted = try vault.accept(name, pick: pick)
    writeOut(accepted.isEmpty ? "\(name) has no unverified versions\n" : "verified \(accepted.count) version\(accepted.count == 1 ? "" : "s") of \(name)\n")
  }
}

// MARK: - members, rekey

struct VaultMember: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "member", abstract: "Add, remove, list or approve the members who can read the vault.",
    subcommands: [Add.self, Remove.self, List.self, Approve.self])

  struct Add: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Add a member by their age1… public key (rewraps the vault key).")
    @OptionGroup var options: VaultOptions
    @Argument var label: String
    @Argument var recipient: String
    @Option(help: "member or ci.") var role: String = "member"

    func run() async throws {
      guard ["member", "ci"].contains(role) else { throw VaultError.usage("--role must be member or ci") }
      let vault = try options.context().open()
      try vault.addMember(label: label, recipient: recipient, role: role)
      writeOut("added \(label) to vault '\(vault.location.name)'; commit .hush/ so they can read it\n")
    }
  }

  struct Remove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove a member: rekeys the vault and marks every secret for rotation.")
    @OptionGroup var options: VaultOptions
    @Argument var label: String

    func run() async throws {
      let vault = try options.context().open()
      try vault.removeMember(label: label)
      writeOut("removed \(label) and rekeyed vault '\(vault.location.name)' (epoch \(vault.header.epoch))\n")
      Diagnostics.warn("removed members may have copied values: rotate the credentials themselves (hush vault stale lists them)")
    }
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List members (anyone).")
    @OptionGroup var options: VaultOptions

    func run() async throws {
      let vault = try options.context().open()
      if vault.header.isPassphraseVault {
        writeOut("vault '\(vault.location.name)' is protected by a passphrase; it has no members\n")
        return
      }
      for member in vault.header.members.sorted(by: { $0.label < $1.label }) {
        writeOut("\(member.label)  \(member.role)  \(recipientFingerprint(member.recipient))  \(member.recipient)  added \(member.added) by \(member.addedBy)\n")
      }
    }
  }

  struct Approve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Approve members added without the vault key (a merge, or an edit); others pending are dropped.")
    @OptionGroup var options: VaultOptions
    @Argument var labels: [String] = []

    func run() async throws {
      let vault = try options.context().open()
      let result = try vault.approve(labels)
      for member in result.approved { writeOut("approved \(member.label) \(member.recipient)\n") }
      for member in result.dropped { writeOut("dropped \(member.label) \(member.recipient)\n") }
      if result.approved.isEmpty && result.dropped.isEmpty { writeOut("no pending members\n") }
    }
  }
}

struct VaultRekey: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rekey", abstract: "New vault key and epoch; every kept version is re-sealed (crash-safe, journaled).")
  @OptionGroup var options: VaultOptions
  @Flag(help: "Finish an interrupted rekey.") var resume = false

  func run() async throws {
    let vault = try options.context().open()
    if resume {
      try vault.resumeRekey()
    } else {
      try vault.rekey()
    }
    writeOut("rekeyed vault '\(vault.location.name)' to epoch \(vault.header.epoch); commit .hush/\n")
    writeOut("note: the old key stays in git history; rekeying protects what is stored from now on\n")
  }
}

// MARK: - verify, stale

struct VaultVerify: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify", abstract: "Check formats, MACs (members) and members; with --against, that nothing was rolled back.",
    discussion: "Exit 0 when clean, 1 when a problem is found. In CI: hush vault verify --against origin/main")
  @OptionGroup var options: VaultOptions
  @Option(help: "A git revision to compare with (seq only grows, no vanished records, no swapped key).") var against: String?

  func run() async throws {
    let context = try options.context()
    let vault = try context.open()
    do { _ = try vault.unlock(allowPendingMembers: true) } catch VaultError.noIdentity {
      // Anyone may verify formats and history; MACs need a member.
    }
    var earlier: (header: [UInt8]?, records: [String: [UInt8]])?
    if let against {
      earlier = try filesAt(revision: against, context: context)
    }
    let problems = vault.verify(against: earlier)
    if !problems.isEmpty, let reader = vault.reader {
      try? vault.audit.append(AuditEvent(op: "verify.fail", result: "error"), epoch: vault.header.epoch, key: reader.key, actorKey: reader.actor)
    }
    for problem in problems { writeOut("problem: \(problem)\n") }
    let records = vault.recordNames.count
    let scope = vault.reader == nil ? "formats only: no member identity, so MACs were not checked" : "formats and MACs"
    writeOut("vault '\(vault.location.name)': \(records) secret\(records == 1 ? "" : "s"), \(problems.count) problem\(problems.count == 1 ? "" : "s") (\(scope))\n")
    if !problems.isEmpty { throw ExitCode(1) }
  }

  /// vault.json and the records at a revision, read with git.
  func filesAt(revision: String, context: VaultContext) throws -> (header: [UInt8]?, records: [String: [UInt8]]) {
    let prefix = ".hush/vaults/\(context.location.name)/"
    let listing = try git(["ls-tree", "-r", "--name-only", revision, "--", prefix], root: context.location.root)
    guard listing.status == 0 else {
      throw VaultError.failed("cannot read revision '\(revision)': \(String(decoding: listing.stderr, as: UTF8.self).split(separator: "\n").first ?? "")")
    }
    var header: [UInt8]?
    var records: [String: [UInt8]] = [:]
    for path in String(decoding: listing.stdout, as: UTF8.self).split(separator: "\n").map(String.init) {
      let show = try git(["show", "\(revision):\(path)"], root: context.location.root)
      guard show.status == 0 else { continue }
      if path == prefix + "vault.json" {
        header = show.stdout
      } else if path.hasPrefix(prefix + "secrets/"), path.hasSuffix(".json") {
        records[String(path.dropFirst(prefix.count + "secrets/".count).dropLast(5))] = show.stdout
      }
    }
    return (header, records)
  }
}

/// Runs git in `root` (posix_spawn, without Foundation's Process).
func git(_ arguments: [String], root: String) throws -> (status: Int32, stdout: [UInt8], stderr: [UInt8]) {
  let environment = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
  do { return try Child.capture(["git", "-C", root] + arguments, environment: environment) } catch {
    throw VaultError.failed("cannot run git: \(error)")
  }
}

struct VaultStale: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stale", abstract: "Secrets overdue for rotation, expiring, exposed, unverified, conflicted, unreferenced, or dangling references.",
    discussion: "Exit 1 when a category in --fail-on shows (default: exposed,conflict,dangling).")
  @OptionGroup var options: VaultOptions
  @Flag(help: "JSON output.") var json = false
  @Option(name: .customLong("fail-on"), help: "Categories that make the exit code 1.") var failOn = "exposed,conflict,dangling"

  func run() async throws {
    let categories = Set(failOn.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
    let known: Set<String> = ["overdue", "expiring", "exposed", "unverified", "conflict", "unreferenced", "dangling"]
    let unknown = categories.subtracting(known)
    guard unknown.isEmpty else { throw VaultError.usage("--fail-on: unknown \(unknown.sorted().joined(separator: ", ")); use \(known.sorted().joined(separator: ","))") }
    let context = try options.context()
    let vault = try context.open()
    _ = try? vault.unlock()
    let references = try collectReferences(context: context)
    let items = try vault.stale(references: references)
    if json {
      let array: [JSONValue] = items.map { .object(["category": .string($0.category), "name": .string($0.name), "detail": .string($0.detail)]) }
      writeAll(1, JSON.write(.object(["vault": .string(vault.location.name), "items": .array(array)])))
    } else if items.isEmpty {
      writeOut("vault '\(vault.location.name)': nothing stale\n")
    } else {
      for item in items { writeOut("\(item.category)  \(item.name)  \(item.detail)\n") }
    }
    if items.contains(where: { categories.contains($0.category) }) { throw ExitCode(1) }
  }

  /// `hush://` references in env.toml and in tracked files (git grep), by secret name.
  func collectReferences(context: VaultContext) throws -> [String: [String]]? {
    guard context.location.gitDirectory != nil else { return nil }
    let result = try git(["grep", "-I", "-n", "-o", "-E", "hush://[a-z0-9][a-z0-9._/-]*", "--", ".", ":!.hush/vaults"], root: context.location.root)
    guard result.status == 0 || result.status == 1 else { return nil }
    var references: [String: [String]] = [:]
    for line in String(decoding: result.stdout, as: UTF8.self).split(separator: "\n") {
      // path:line:hush://name
      guard let range = line.range(of: "hush://") else { continue }
      var name = String(line[range.upperBound...])
      while name.hasSuffix(".") || name.hasSuffix("/") { name.removeLast() }
      guard validateSecretName(name) == nil else { continue }
      let place = String(line[..<range.lowerBound].dropLast())
      references[name, default: []].append(place)
    }
    return references
  }
}

// MARK: - audit, split, git drivers

struct VaultAudit: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "audit", abstract: "Verify, anchor or search the local audit log.",
    subcommands: [Verify.self, Anchor.self, Hash.self])

  struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Walk the hash chain and MACs; exit 1 if a line was edited.")
    @OptionGroup var options: VaultOptions

    func run() async throws {
      let vault = try options.context().open()
      _ = try? vault.unlock()
      let result = try vault.audit.verify(key: vault.reader?.key)
      for problem in result.problems { writeOut("problem: \(problem)\n") }
      writeOut("\(vault.audit.path): \(result.lines) lines, \(result.macsChecked) MACs checked, \(result.problems.count) problems\n")
      if !result.problems.isEmpty { throw ExitCode(1) }
    }
  }

  struct Anchor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the log's head hash, to record in a ticket or CI log.")
    @OptionGroup var options: VaultOptions

    func run() async throws {
      let vault = try options.context().open()
      let result = try vault.audit.verify(key: nil)
      guard let head = result.head else { throw VaultError.failed("the audit log \(vault.audit.path) is empty") }
      writeOut("\(head)\n")
    }
  }

  struct Hash: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Read a value on stdin and print its keyed fingerprint, and which secret holds it, if any.")
    @OptionGroup var options: VaultOptions

    func run() async throws {
      let context = try options.context()
      let vault = try context.open()
      let reader = try vault.unlock()
      let value = try readValue(name: "the value to look up", kind: .string, sources: context.sources)
      let fingerprint = try MAC.text(reader.key, .fingerprint, value.bytes)
      writeOut("\(fingerprint)\n")
      for name in vault.recordNames {
        guard let record = try vault.record(name) else { continue }
        for version in record.versions where version.epoch == vault.header.epoch {
          guard let opened = try? record.open(version, key: reader.key, file: name) else { continue }
          if (try MAC.text(reader.key, .fingerprint, opened.bytes)) == fingerprint {
            writeOut("matches \(name) version \(version.seq)\n")
          }
        }
      }
    }
  }
}

struct VaultUnseal: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "unseal", abstract: "Start an agent that holds the vault key for a while, so commands need no identity.",
    discussion: "The agent keeps the key in locked, non-dumpable memory, answers only your user over a 0600 socket in $XDG_RUNTIME_DIR/hush, never gives the key out, and wipes it at --ttl, after --idle without use, at `hush vault seal`, or on SIGTERM/SIGHUP.")
  @OptionGroup var options: VaultOptions
  @Option(help: "How long the agent lives (e.g. 15m, 2h).") var ttl: String = "15m"
  @Option(help: "Seal after this long without a request.") var idle: String = "5m"

  func run() async throws {
    guard let ttlSeconds = Timestamp.duration(ttl), let idleSeconds = Timestamp.duration(idle) else {
      throw VaultError.usage("--ttl and --idle take durations such as 30s, 15m or 2h")
    }
    let context = try options.context()
    let vault = try context.open()
    let socket = context.sources.agentSocket(vaultID: vault.header.vaultID)
    if let status = AgentClient(socket: socket).status() {
      writeOut("vault '\(vault.location.name)' is already unsealed until \(status["expires"]?.string ?? "?"); seal it with: hush vault seal\n")
      return
    }
    let reader = try vault.unlock(needsSecret: true)
    let secret = try reader.key.secret(for: "unsealing")
    var payload: [String: JSONValue] = [
      "secret": .string(Base64URL.encode(secret.bytes)), "vault_id": .string(vault.header.vaultID), "actor": .string(reader.actor),
      "socket": .string(socket), "ttl": .int(ttlSeconds), "idle": .int(idleSeconds),
    ]
    var bytes = JSON.compact(.object(payload))
    payload = [:]
    defer { SecretBytes.wipe(&bytes) }
    // The agent gets the key through a pipe: never in argv or the environment.
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else { throw VaultError.failed("cannot create a pipe for the agent") }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
    posix_spawn_file_actions_addclose(&actions, fds[1])
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawnattr_setflags(&attributes, Int16(0x80 /* POSIX_SPAWN_SETSID */))
    let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
    let argv: [UnsafeMutablePointer<CChar>?] = [strdup(executable), strdup("vault"), strdup("agent"), nil]
    defer { for pointer in argv { free(pointer) } }
    let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("HUSH_") }.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for pointer in environment { free(pointer) } }
    // Descriptors inherited from whoever ran `unseal` (a CI step's output pipe) must not stay open for the
    // agent's lifetime: the reader on the other end would wait for the agent.
    let limit = Int32(min(sysconf(Int32(_SC_OPEN_MAX)), 4096))
    for fd in 3..<max(limit, 3) where fd != fds[0] && fd != fds[1] { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, environment)
    close(fds[0])
    guard rc == 0 else {
      close(fds[1])
      throw VaultError.failed("cannot start the agent: \(String(cString: strerror(rc)))")
    }
    writeAll(fds[1], bytes)
    close(fds[1])
    for _ in 0..<100 {
      if let status = AgentClient(socket: socket).status() {
        try? vault.audit.append(AuditEvent(op: "unseal"), epoch: vault.header.epoch, key: reader.key, actorKey: reader.actor)
        writeOut("unsealed vault '\(vault.location.name)' until \(status["expires"]?.string ?? "?") (idle limit \(idle)); seal it with: hush vault seal\n")
        return
      }
      usleep(30_000)
    }
    throw VaultError.failed("the agent did not start; commands keep using your identity")
  }
}

struct VaultSeal: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "seal", abstract: "Stop the agent: the vault key is wiped.")
  @OptionGroup var options: VaultOptions
  @Flag(help: "Seal every vault's agent of this user.") var all = false

  func run() async throws {
    let context = try options.context()
    var sockets: [String] = []
    if all {
      let directory = context.sources.runtimeDirectory
      sockets = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
        .filter { $0.hasPrefix("agent-") && $0.hasSuffix(".sock") }.map { directory + "/" + $0 }
    } else {
      sockets = [context.sources.agentSocket(vaultID: try context.open().header.vaultID)]
    }
    var sealed = 0
    for socket in sockets where AgentClient(socket: socket).seal() { sealed += 1 }
    writeOut(sealed == 0 ? "nothing was unsealed\n" : "sealed \(sealed) vault\(sealed == 1 ? "" : "s")\n")
  }
}

struct VaultAgent: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "agent", abstract: "The agent `hush vault unseal` starts.", shouldDisplay: false)

  func run() async throws {
    var input = Array(FileHandle.standardInput.readDataToEndOfFile())
    defer { SecretBytes.wipe(&input) }
    guard let object = (try? JSON.parse(input))?.object, let secretText = object["secret"]?.string,
      var secret = Base64URL.decode(secretText), let vaultID = object["vault_id"]?.string, let socket = object["socket"]?.string,
      let ttl = object["ttl"]?.uint, let idle = object["idle"]?.uint
    else { throw ExitCode(2) }
    let key = SecretBytes(secret)
    SecretBytes.wipe(&secret)
    let status = AgentServer.serve(secret: key, vaultID: vaultID, actor: object["actor"]?.string ?? "agent", socket: socket, ttl: ttl, idle: idle)
    throw ExitCode(status)
  }
}

struct VaultSplit: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "split", abstract: "Split the vault key into T-of-N recovery shares (break-glass).")
  @OptionGroup var options: VaultOptions
  @Argument(help: "T/N, e.g. 2/3.") var scheme: String

  func run() async throws {
    let parts = scheme.split(separator: "/").compactMap { Int($0) }
    guard parts.count == 2, parts[0] >= 2, parts[0] <= parts[1], parts[1] <= 255 else {
      throw VaultError.usage("give T/N with 2 ≤ T ≤ N ≤ 255, e.g. 2/3")
    }
    let vault = try options.context().open()
    let shares = try vault.split(threshold: parts[0], shares: parts[1])
    if Terminal.isTTY(1) { Diagnostics.warn("each share below is part of the vault key: give each to one holder, then clear the terminal") }
    for share in shares { writeOut(share + "\n") }
  }
}

struct VaultRecover: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "recover", abstract: "Rebuild the vault key from T recovery shares and add a new member with it.",
    discussion: "Shares are read one per line from stdin, or asked for hidden on the terminal; never from arguments.")
  @OptionGroup var options: VaultOptions
  @Argument var label: String
  @Argument var recipient: String

  func run() async throws {
    let vault = try options.context().open()
    guard let recovery = vault.header.recovery else { throw VaultError.failed("vault '\(vault.location.name)' has no recovery shares (hush vault split T/N makes them)") }
    var shares: [String] = []
    if Terminal.isTTY(0) {
      for number in 1...Int(recovery.threshold) {
        guard let share = Terminal.readHidden("share \(number) of \(recovery.threshold): ") else { break }
        shares.append(String(decoding: share.bytes, as: UTF8.self))
      }
    } else {
      let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
      shares = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }
    guard shares.count >= Int(recovery.threshold) else {
      throw VaultError.usage("\(shares.count) share\(shares.count == 1 ? "" : "s") given; vault '\(vault.location.name)' needs \(recovery.threshold)")
    }
    _ = try vault.recover(shares: shares)
    try vault.addMember(label: label, recipient: recipient)
    writeOut("rebuilt the vault key from \(shares.count) shares and added \(label); commit .hush/\n")
  }
}

struct VaultGitTextconv: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "git-textconv", abstract: "git's textconv for vault files (values masked).", shouldDisplay: false)
  @Argument var file: String

  func run() async throws {
    let bytes = try Files.read(file, limit: 2 << 20)
    writeOut(GitDrivers.textconv(bytes, file: file))
  }
}

struct VaultGitMerge: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "git-merge", abstract: "git's merge driver for vault files: union of versions.", shouldDisplay: false)
  @Argument var base: String
  @Argument var ours: String
  @Argument var theirs: String
  @Argument var path: String

  func run() async throws {
    let result = try GitDrivers.merge(
      base: (try? Files.read(base, limit: 2 << 20)) ?? [], ours: try Files.read(ours, limit: 2 << 20),
      theirs: try Files.read(theirs, limit: 2 << 20), path: path)
    for note in result.notes { Diagnostics.note(note) }
    try Files.writeAtomically(result.bytes, to: ours, mode: Files.mode(ours) ?? 0o644)
  }
}
