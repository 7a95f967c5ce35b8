import Foundation
import Testing
import TestSupport

/// Issue 10: a full disk, a read-only file system, or a kill at any write step must leave no file
/// half-written, every secret recoverable, and the vault readable. The faults come from debug-only
/// variables (Sources/Durable/Fault.swift): `HUSH_TEST_FAULT=<ERRNO>@<file glob>` fails writes as a full
/// or read-only disk would, and `HUSH_TEST_CRASH_AT=<step>` ends the process at a step, as a kill would;
/// `HUSH_TEST_CRASH_TRACE` lists every step a command reaches, so the kill tests cover all of them.
/// `RealFileSystemFaultTests` repeats the disk-full and read-only cases on a real tmpfs where it can mount.

/// Every file under `root` and its bytes, skipping git's own directory.
func snapshot(_ root: String) -> [String: Data] {
  var out: [String: Data] = [:]
  guard let walker = FileManager.default.enumerator(atPath: root) else { return out }
  while let relative = walker.nextObject() as? String {
    if relative == ".git" || relative.hasPrefix(".git/") {
      walker.skipDescendants()
      continue
    }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
      out[relative] = FileManager.default.contents(atPath: root + "/" + relative) ?? Data()
    }
  }
  return out
}

/// Temporaries a killed `Durable.write` may leave, anywhere under `root` (git's directory included).
func temporaries(_ root: String) -> [String] {
  (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).filter {
    ($0 as NSString).lastPathComponent.hasPrefix(".hush-tmp-")
  }
}

/// The fault points a command reaches, in order (`step#n`), from a run with `HUSH_TEST_CRASH_TRACE`.
func faultSteps(_ command: ([String: String]) throws -> ToolResult) throws -> [String] {
  let trace = try TempDirectory()
  let result = try command(["HUSH_TEST_CRASH_TRACE": trace.path + "/steps"])
  #expect(result.status <= 1, "the traced run failed: \(result.stderr)")
  let text = (try? String(contentsOfFile: trace.path + "/steps", encoding: .utf8)) ?? ""
  return text.split(separator: "\n").map(String.init)
}

/// A vault with two secrets set, `one` twice.
func seededVault() throws -> VaultRepo {
  let v = try VaultRepo()
  #expect(try v.hush("alice", ["vault", "init"]).status == 0)
  #expect(try v.hush("alice", ["vault", "set", "one"], stdin: "FAKE-one-version-1").status == 0)
  #expect(try v.hush("alice", ["vault", "set", "one"], stdin: "FAKE-one-version-2").status == 0)
  #expect(try v.hush("alice", ["vault", "set", "two"], stdin: "FAKE-two-version-1").status == 0)
  return v
}

/// The invariants after any fault: both old secrets read, nothing torn, the audit chain holds.
func expectVaultIntact(_ v: VaultRepo, _ context: String, newValue: String? = nil) throws {
  let one = try v.hush("alice", ["vault", "read", "one"]).stdout
  #expect(one == "FAKE-one-version-2" || one == newValue, "\(context): one = \(one)")
  let previous = try v.hush("alice", ["vault", "read", "hush://one@previous"]).stdout
  #expect(previous == (one == newValue ? "FAKE-one-version-2" : "FAKE-one-version-1"), "\(context): previous = \(previous)")
  #expect(try v.hush("alice", ["vault", "read", "two"]).stdout == "FAKE-two-version-1", "\(context)")
  let verify = try v.hush("alice", ["vault", "verify"])
  #expect(verify.status == 0, "\(context): \(verify.stdout)\(verify.stderr)")
  let audit = try v.hush("alice", ["vault", "audit", "verify"])
  #expect(audit.status == 0, "\(context): \(audit.stdout)\(audit.stderr)")
  // A killed write may leave its temporary; the next writer (who holds the lock) removes it.
  #expect(try v.hush("alice", ["vault", "set", "four"], stdin: "FAKE-four-version-1").status == 0)
  #expect(temporaries(v.repo.url.path + "/.hush").isEmpty, "\(context): temporaries left in .hush")
}

@Suite("fault injection", .serialized)
struct FaultInjectionTests {
  @Test("a full or read-only disk during vault writes: exit 2, one line naming the file, nothing changed, no value shown", arguments: [
    "ENOSPC@*", "EROFS@*", "EDQUOT@*.json", "EIO@*.json", "ENOSPC@*.jsonl", "EROFS@*.jsonl",
  ])
  func vaultWrites(_ fault: String) throws {
    let commands: [([String], String?)] = [
      (["vault", "set", "one"], "FAKE-one-version-3"), (["vault", "set", "three"], "FAKE-three-version-1"),
      (["vault", "rotate", "one"], "FAKE-one-version-3"), (["vault", "rm", "two"], nil), (["vault", "member", "add", "bob"], nil),
    ]
    for (command, stdin) in commands {
      let v = try seededVault()
      var arguments = command
      if arguments.last == "bob" {
        try v.makeIdentity("bob")
        arguments.append(try v.recipient("bob"))
      }
      let before = snapshot(v.repo.url.path)
      let result = try v.hush("alice", arguments, stdin: stdin, env: ["HUSH_TEST_FAULT": fault])
      let context = "\(command) under \(fault)"
      let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }
      #expect(result.status == 2 && errors.count == 1, "\(context): \(result.stderr)")
      for value in ["FAKE-one", "FAKE-two", "FAKE-three"] {
        #expect(!result.stderr.contains(value) && !result.stdout.contains(value), "\(context) printed a value")
      }
      if fault.hasSuffix(".jsonl") {
        // The audit log is written after a change: the change stands and the message says so (a retry
        // would make it twice); the log keeps no half line.
        #expect(result.stderr.contains("is done, but cannot write the audit log"), "\(context): \(result.stderr)")
        #expect(try v.hush("alice", ["vault", "verify"]).status == 0)
        #expect(try v.hush("alice", ["vault", "audit", "verify"]).status == 0)
      } else {
        #expect(result.stderr.contains("No space left") || result.stderr.contains("Read-only") || result.stderr.contains("quota") || result.stderr.contains("Input/output"), "\(context): \(result.stderr)")
        #expect(snapshot(v.repo.url.path) == before, "\(context) changed the repository")
        try expectVaultIntact(v, context)
      }
    }
  }

  @Test("a read whose audit entry cannot be written returns no value and leaves the log as it was")
  func auditFailsClosedOnFullDisk() throws {
    let v = try seededVault()
    let state = v.homes.path + "/alice/state/hush/audit"
    let log = try #require(try FileManager.default.contentsOfDirectory(atPath: state).first { $0.hasSuffix(".jsonl") })
    let before = try Data(contentsOf: URL(fileURLWithPath: state + "/" + log))
    let read = try v.hush("alice", ["vault", "read", "one"], env: ["HUSH_TEST_FAULT": "ENOSPC@*.jsonl"])
    #expect(read.status == 2 && read.stdout.isEmpty, "\(read.stdout)\(read.stderr)")
    #expect(read.stderr.contains("cannot write the audit log") && !read.stderr.contains("is done"))
    // The failed append was rolled back: no half line for the next reader to trip on.
    #expect(try Data(contentsOf: URL(fileURLWithPath: state + "/" + log)) == before)
    try expectVaultIntact(v, "after a failed audit append")
  }

  @Test("a kill at every write step of vault set, rotate, rm and member add leaves the vault readable")
  func vaultKills() throws {
    let commands: [(arguments: [String], stdin: String?)] = [
      (["vault", "set", "one"], "FAKE-one-version-3"), (["vault", "set", "three"], "FAKE-three-version-1"),
      (["vault", "rm", "three"], nil), (["vault", "member", "add", "bob"], nil),
    ]
    var covered = 0
    for command in commands {
      let run = { (v: VaultRepo, env: [String: String]) throws -> ToolResult in
        var arguments = command.arguments
        if arguments.last == "bob" {
          try v.makeIdentity("bob")
          arguments.append(try v.recipient("bob"))
        }
        if arguments == ["vault", "rm", "three"] {
          try v.hush("alice", ["vault", "set", "three"], stdin: "FAKE-three-version-1")
        }
        return try v.hush("alice", arguments, stdin: command.stdin, env: env)
      }
      let steps = try faultSteps { env in try run(try seededVault(), env) }
      #expect(steps.contains { $0.hasPrefix("write:") && $0.contains(".partial") }, "\(command.arguments): \(steps)")
      for step in steps {
        let v = try seededVault()
        let killed = try run(v, ["HUSH_TEST_CRASH_AT": step])
        #expect(killed.status == 99, "\(command.arguments) did not reach \(step): \(killed.stderr)")
        try expectVaultIntact(v, "\(command.arguments) killed at \(step)", newValue: "FAKE-one-version-3")
        if command.arguments.last == "three" && command.arguments[1] == "set" {
          let three = try v.hush("alice", ["vault", "read", "three"])
          #expect(three.stdout == "FAKE-three-version-1" || three.stderr.contains("names no secret"), "killed at \(step): \(three.stderr)")
        }
        covered += 1
      }
    }
    #expect(covered >= 8)
  }

  @Test("a full or read-only disk during a baseline write keeps the old baseline whole", arguments: ["ENOSPC@*", "EROFS@*", "EIO@baseline.json"])
  func baselineWrites(_ fault: String) throws {
    let repo = try TempRepo()
    try repo.write("a.env", "GITHUB_TOKEN=ghp_FAKEZ4e3XlkifiBIUPY2ddlcxcnZSoa3ocAg\n")
    #expect(try runHush(["baseline", "create"], in: repo.url).status == 0)
    let path = repo.url.path + "/.hush/baseline.json"
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    try repo.write("b.env", "GITHUB_TOKEN=ghp_FAKEq7Wm2Xc9Lp4Rt8Yv3Bn6Hj1Kd5Sf0Gz2Aa\n")
    for command in [["baseline", "update"], ["baseline", "create"]] {
      let result = try runHush(command, in: repo.url, environment: ["HUSH_TEST_FAULT": fault])
      #expect(result.status == 2, "\(command) under \(fault): \(result.stderr)")
      #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains("baseline.json"), "\(result.stderr)")
      #expect(!result.stderr.contains("ghp_FAKE"))
      #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }
    #expect(temporaries(repo.url.path).isEmpty)
    // Without the fault the same command works.
    #expect(try runHush(["baseline", "update"], in: repo.url).status == 0)
    #expect(try runHush(["scan", "--quiet", "."], in: repo.url).status == 0)
  }

  @Test("a kill at every write step of baseline update leaves the old or the new baseline, never a torn one")
  func baselineKills() throws {
    func prepared() throws -> TempRepo {
      let repo = try TempRepo()
      try repo.write("a.env", "GITHUB_TOKEN=ghp_FAKEZ4e3XlkifiBIUPY2ddlcxcnZSoa3ocAg\n")
      #expect(try runHush(["baseline", "create"], in: repo.url).status == 0)
      try repo.write("b.env", "GITHUB_TOKEN=ghp_FAKEq7Wm2Xc9Lp4Rt8Yv3Bn6Hj1Kd5Sf0Gz2Aa\n")
      return repo
    }
    let traced = try prepared()
    let steps = try faultSteps { env in try runHush(["baseline", "update"], in: traced.url, environment: env) }
    #expect(steps == ["write:baseline.json.partial#1", "write:baseline.json#1"])
    for step in steps {
      let repo = try prepared()
      let path = repo.url.path + "/.hush/baseline.json"
      let before = try Data(contentsOf: URL(fileURLWithPath: path))
      let killed = try runHush(["baseline", "update"], in: repo.url, environment: ["HUSH_TEST_CRASH_AT": step])
      #expect(killed.status == 99)
      #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "the baseline changed at \(step)")
      _ = try jsonObject(try Data(contentsOf: URL(fileURLWithPath: path)))
      // The next run finishes the job.
      #expect(try runHush(["baseline", "update"], in: repo.url).status == 0)
      #expect(try runHush(["scan", "--quiet", "."], in: repo.url).status == 0)
    }
  }

  @Test("a full or read-only disk during hush fix: exit 2, rolled back, the literal in the file, nothing to recover", arguments: [
    "ENOSPC@*", "EROFS@*", "ENOSPC@app.py", "EDQUOT@db-password.json", "EROFS@env.toml", "EIO@state#3", "ENOSPC@*.jsonl",
  ])
  func fixWrites(_ fault: String) throws {
    let f = try FixRepo()
    let original = "db_password = \"\(FixRepo.password)\"\n"
    try f.v.repo.write("app.py", original)
    try f.v.repo.git("add", "app.py")
    let before = snapshot(f.root).filter { !$0.key.hasPrefix(".hush/") }
    let result = try f.hush(["fix", "--staged", "--yes"], env: ["HUSH_TEST_FAULT": fault])
    #expect(result.status == 2, "\(fault): \(result.stdout)\(result.stderr)")
    let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }
    #expect(errors.count == 1 && (errors[0].contains("nothing was changed") || errors[0].contains("rolled back")), "\(result.stderr)")
    #expect(!result.stdout.contains(FixRepo.password) && !result.stderr.contains(FixRepo.password))
    // The sources and the index are as they were; no journal is left to block the next fix.
    #expect(snapshot(f.root).filter { !$0.key.hasPrefix(".hush/") } == before, "\(fault) changed the sources")
    #expect(try f.v.repo.git("show", ":app.py").stdout == original)
    #expect(temporaries(f.root).isEmpty)
    let retry = try f.hush(["fix", "--staged", "--yes"])
    #expect(retry.status == 1, "\(retry.stdout)\(retry.stderr)")
    #expect(try f.hush(["vault", "read", "db-password"]).stdout == FixRepo.password)
    #expect(!(try f.read("app.py")).contains(FixRepo.password))
  }

  @Test("a kill at every step hush fix reaches leaves the literal in the file or the vault, and --recover settles it")
  func fixKills() throws {
    func prepared() throws -> FixRepo {
      let f = try FixRepo()
      try f.v.repo.write("app.py", "db_password = \"\(FixRepo.password)\"\n")
      try f.v.repo.git("add", "app.py")
      return f
    }
    let steps = try faultSteps { env in try prepared().hush(["fix", "--staged", "--yes"], env: env) }
    for expected in ["write:orig-0.partial#1", "write:plan.json#1", "fix.planned#1", "write:db-password.json#1", "write:app.py.partial#1", "fix.index#1", "write:state#5"] {
      #expect(steps.contains(expected), "\(expected) not among \(steps)")
    }
    for step in steps {
      let f = try prepared()
      let killed = try f.hush(["fix", "--staged", "--yes"], env: ["HUSH_TEST_CRASH_AT": step])
      #expect(killed.status == 99, "\(step) not reached: \(killed.stderr)")
      let file = try f.read("app.py")
      let vaulted = try f.hush(["vault", "read", "db-password"]).stdout == FixRepo.password
      #expect(file.contains(FixRepo.password) || vaulted, "the secret was lost at \(step)")
      #expect(file == "db_password = \"\(FixRepo.password)\"\n" || file == "import os\ndb_password = os.environ[\"DB_PASSWORD\"]\n", "half-written at \(step): \(file)")
      let recovered = try f.hush(["fix", "--recover"])
      #expect(recovered.status == 0, "\(step): \(recovered.stderr)")
      let after = try f.read("app.py")
      if !after.contains(FixRepo.password) {
        #expect(try f.hush(["vault", "read", "db-password"]).stdout == FixRepo.password, "\(step)")
        #expect(try f.v.repo.git("show", ":app.py").stdout == after, "\(step)")
      }
      #expect(temporaries(f.root).filter { !$0.hasPrefix(".git/hush/txn") }.isEmpty, "\(step): \(temporaries(f.root))")
      // Nothing is left blocking: a new fix runs (and finds nothing, or fixes what is left).
      let again = try f.hush(["fix", "--staged", "--yes"])
      #expect(again.status <= 1, "\(step): \(again.stderr)")
      #expect(try f.hush(["vault", "verify"]).status == 0)
    }
  }
}

/// Whether this process may mount a tmpfs (root with CAP_SYS_ADMIN, as on the CI machines).
let canMountTmpfs: Bool = {
  guard getuid() == 0, let probe = try? TempDirectory() else { return false }
  guard (try? run("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe.path], in: probe.url).status) == 0 else { return false }
  _ = try? run("umount", [probe.path], in: URL(fileURLWithPath: "/"))
  return true
}()

/// A small tmpfs mounted over a directory, so the disk can really fill up or turn read-only.
final class Tmpfs {
  let path: String
  init(over path: String, size: String = "4m") throws {
    self.path = path
    let mounted = try run("mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", path], in: URL(fileURLWithPath: "/"))
    #expect(mounted.status == 0, "\(mounted.stderr)")
  }
  func unmount() { _ = try? run("umount", ["-l", path], in: URL(fileURLWithPath: "/")) }
  /// Fills the file system, leaving `spare` bytes.
  func fill(leaving spare: Int) {
    var info = statvfs()
    statvfs(path, &info)
    let free = Int(info.f_bavail) * Int(info.f_frsize)
    if free > spare { FileManager.default.createFile(atPath: path + "/filler", contents: Data(count: free - spare)) }
  }
  func unfill() { try? FileManager.default.removeItem(atPath: path + "/filler") }
  func remount(readOnly: Bool) throws {
    let result = try run("mount", ["-o", "remount,\(readOnly ? "ro" : "rw")", path], in: URL(fileURLWithPath: "/"))
    #expect(result.status == 0, "\(result.stderr)")
  }
}

@Suite("fault injection on a real file system", .serialized, .enabled(if: canMountTmpfs, "needs root to mount a tmpfs"))
struct RealFileSystemFaultTests {
  /// A vault repository on its own tmpfs, with alice's HOME (her audit log and identity) outside it.
  func vaultOnTmpfs() throws -> (VaultRepo, Tmpfs) {
    let v = try VaultRepo()
    let mount = try Tmpfs(over: v.repo.url.path)
    try v.repo.git("init", "-q", "-b", "main")
    try v.repo.git("config", "user.name", "Hush Test")
    try v.repo.git("config", "user.email", "test@hush.invalid")
    #expect(try v.hush("alice", ["vault", "init"]).status == 0)
    #expect(try v.hush("alice", ["vault", "set", "one"], stdin: "FAKE-one-version-1").status == 0)
    #expect(try v.hush("alice", ["vault", "set", "one"], stdin: "FAKE-one-version-2").status == 0)
    #expect(try v.hush("alice", ["vault", "set", "two"], stdin: "FAKE-two-version-1").status == 0)
    try v.repo.write("a.env", "GITHUB_TOKEN=ghp_FAKEZ4e3XlkifiBIUPY2ddlcxcnZSoa3ocAg\n")
    #expect(try v.hush("alice", ["baseline", "create"]).status == 0)
    try v.repo.write("b.env", "GITHUB_TOKEN=ghp_FAKEq7Wm2Xc9Lp4Rt8Yv3Bn6Hj1Kd5Sf0Gz2Aa\n")
    try v.repo.write("app.py", "db_password = \"\(FixRepo.password)\"\n")
    try v.repo.git("add", "app.py")
    return (v, mount)
  }

  static let commands: [([String], String?)] = [(["vault", "set", "one"], "FAKE-one-version-3"), (["baseline", "update"], nil), (["fix", "--staged", "--yes"], nil)]

  func expectRefused(_ result: ToolResult, _ arguments: [String], _ reason: String) {
    #expect(result.status == 2, "\(arguments): \(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains(reason), "\(arguments): \(result.stderr)")
    #expect(!result.stderr.contains("FAKE-") && !result.stderr.contains(FixRepo.password) && !result.stdout.contains(FixRepo.password))
  }

  @Test("a full disk: vault set, baseline update and fix fail with exit 2 and change nothing")
  func diskFull() throws {
    let (v, mount) = try vaultOnTmpfs()
    defer { withExtendedLifetime(v) { mount.unmount() } }
    let before = snapshot(mount.path)
    mount.fill(leaving: 0)
    let filled = snapshot(mount.path)
    for (arguments, stdin) in Self.commands {
      expectRefused(try v.hush("alice", arguments, stdin: stdin), arguments, "No space left on device")
      #expect(snapshot(mount.path) == filled, "\(arguments) changed files on a full disk")
    }
    mount.unfill()
    #expect(snapshot(mount.path) == before)
    #expect(temporaries(mount.path).isEmpty)
    try expectVaultIntact(v, "after a full disk")
    #expect(try v.hush("alice", ["fix", "--staged", "--yes"]).status == 1)
    #expect(try v.hush("alice", ["vault", "read", "db-password"]).stdout == FixRepo.password)
  }

  @Test("a read-only file system: vault set, baseline update and fix fail with exit 2 and change nothing")
  func readOnly() throws {
    let (v, mount) = try vaultOnTmpfs()
    defer { withExtendedLifetime(v) { mount.unmount() } }
    let before = snapshot(mount.path)
    try mount.remount(readOnly: true)
    for (arguments, stdin) in Self.commands {
      expectRefused(try v.hush("alice", arguments, stdin: stdin), arguments, "Read-only file system")
    }
    // Reading still works from a read-only checkout (the audit log lives in alice's state directory).
    #expect(try v.hush("alice", ["vault", "read", "two"]).stdout == "FAKE-two-version-1")
    try mount.remount(readOnly: false)
    #expect(snapshot(mount.path) == before)
    try expectVaultIntact(v, "after a read-only file system")
  }
}
