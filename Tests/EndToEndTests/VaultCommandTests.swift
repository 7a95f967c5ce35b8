import Foundation
import Testing
import TestSupport

/// A repository with two users (alice, bob), each with their own HOME and XDG directories.
final class VaultRepo: @unchecked Sendable {
  let repo: TempRepo
  let homes: TempDirectory

  init() throws {
    repo = try TempRepo()
    homes = try TempDirectory()
  }

  func environment(_ user: String, _ extra: [String: String] = [:]) -> [String: String] {
    let home = homes.path + "/" + user
    var env = [
      "HOME": home, "XDG_CONFIG_HOME": home + "/config", "XDG_STATE_HOME": home + "/state", "USER": user,
      "HUSH_IDENTITY": "", "HUSH_IDENTITY_FILE": "", "HUSH_PASSPHRASE": "", "HUSH_VAULT": "",
    ]
    for (key, value) in extra { env[key] = value }
    return env
  }

  @discardableResult
  func hush(_ user: String, _ arguments: [String], stdin: String? = nil, env: [String: String] = [:]) throws -> ToolResult {
    try runHush(arguments, in: repo.url, stdin: stdin.map { Data($0.utf8) }, environment: environment(user, env))
  }

  func identityFile(_ user: String) -> String { homes.path + "/" + user + "/config/hush/identity.txt" }

  /// The recipient line that `hush vault init` prints, or the one in an identity file.
  func recipient(_ user: String) throws -> String {
    let text = try String(contentsOfFile: identityFile(user), encoding: .utf8)
    let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("# public key: ") })
    return String(line.dropFirst("# public key: ".count))
  }

  /// Creates a user's identity by initialising a throwaway vault elsewhere.
  func makeIdentity(_ user: String) throws {
    let scratch = try TempDirectory()
    let result = try runHush(["vault", "init"], in: scratch.url, environment: environment(user))
    #expect(result.status == 0, "\(result.stderr)")
  }
}

@Suite("hush vault", .serialized)
struct VaultCommandTests {
  @Test("README flow: init, add a teammate, set, read, rotate, verify in CI")
  func readmeFlow() throws {
    let v = try VaultRepo()
    var result = try v.hush("alice", ["vault", "init"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("back this file up"))
    #expect(!result.stdout.contains("AGE-SECRET-KEY"))
    #expect(FileManager.default.fileExists(atPath: v.repo.url.path + "/.hush/vaults/default/vault.json"))
    try v.makeIdentity("bob")
    result = try v.hush("alice", ["vault", "member", "add", "bob", try v.recipient("bob")])
    #expect(result.status == 0, "\(result.stderr)")
    result = try v.hush("alice", ["vault", "set", "db/password"], stdin: "FAKE-pg-password-4471\n")
    #expect(result.status == 0, "\(result.stderr)")
    result = try v.hush("bob", ["vault", "read", "hush://db/password"])
    #expect(result.status == 0 && result.stdout == "FAKE-pg-password-4471", "\(result.stderr)")
    result = try v.hush("bob", ["vault", "rotate", "db/password"], stdin: "FAKE-pg-password-9902\n")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try v.hush("alice", ["vault", "get", "db/password"]).stdout == "FAKE-pg-password-9902")
    #expect(try v.hush("alice", ["vault", "read", "hush://db/password@previous"]).stdout == "FAKE-pg-password-4471")
    result = try v.hush("alice", ["vault", "list"])
    #expect(result.stdout.contains("db/password") && result.stdout.contains("DB_PASSWORD") && !result.stdout.contains("FAKE-pg"))
    try v.repo.commitAll("vault")
    // CI: a member identity from the secret store, verify against the main branch.
    let ciKey = try String(contentsOfFile: v.identityFile("bob"), encoding: .utf8)
    result = try v.hush("ci", ["vault", "verify", "--against", "HEAD"], env: ["HUSH_IDENTITY": ciKey])
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("0 problems (formats and MACs)"))
    // The scanner does not report the vault's ciphertext.
    result = try runHush(["scan", "--no-baseline", "."], in: v.repo.url)
    #expect(result.status == 0, "\(result.stdout)")
  }

  @Test("values never come from argv; a terminal needs --reveal; bad input exits 64")
  func usage() throws {
    let v = try VaultRepo()
    try v.hush("alice", ["vault", "init"])
    var result = try v.hush("alice", ["vault", "set", "api", "FAKE-value-on-argv"])
    #expect(result.status == 64)
    result = try v.hush("alice", ["vault", "set", "DB/Password"], stdin: "x")
    #expect(result.status == 64 && result.stderr.contains("upper-case"))
    result = try v.hush("alice", ["vault", "read", "hush://../etc"])
    #expect(result.status == 64)
    result = try v.hush("alice", ["vault", "read", "hush://missing"])
    #expect(result.status == 2 && result.stderr.contains("names no secret"))
  }

  @Test("a public key or a path in HUSH_IDENTITY, and a loose identity file, get the message that fixes them")
  func identityMistakes() throws {
    let v = try VaultRepo()
    try v.hush("alice", ["vault", "init"])
    try v.hush("alice", ["vault", "set", "api"], stdin: "FAKE-value-1234")
    var result = try v.hush("ci", ["vault", "read", "api"], env: ["HUSH_IDENTITY": try v.recipient("alice")])
    #expect(result.status == 2 && result.stderr.contains("HUSH_IDENTITY holds a recipient (age1…), which is a public key"))
    result = try v.hush("ci", ["vault", "read", "api"], env: ["HUSH_IDENTITY": v.identityFile("alice")])
    #expect(result.status == 2 && result.stderr.contains("HUSH_IDENTITY holds a path, not a key; put the path in HUSH_IDENTITY_FILE"))
    chmod(v.identityFile("alice"), 0o644)
    result = try v.hush("alice", ["vault", "read", "api"])
    #expect(result.status == 2 && result.stderr.contains("is readable by group or others; run: chmod 600"))
    result = try v.hush("alice", ["vault", "read", "api"], env: ["HUSH_ALLOW_INSECURE_PERMS": "1"])
    #expect(result.status == 0)
  }

  @Test("two processes writing at once: the file lock keeps every version")
  func concurrentWriters() throws {
    let v = try VaultRepo()
    try v.hush("alice", ["vault", "init"])
    let group = DispatchGroup()
    let results = LockedResults()
    for index in 0..<6 {
      group.enter()
      DispatchQueue.global().async {
        defer { group.leave() }
        let name = index % 2 == 0 ? "shared" : "own-\(index)"
        let result = try? v.hush("alice", ["vault", "set", name], stdin: "FAKE-concurrent-\(index)")
        results.append(result?.status ?? -1)
      }
    }
    group.wait()
    #expect(results.values.allSatisfy { $0 == 0 })
    let record = try String(contentsOfFile: v.repo.url.path + "/.hush/vaults/default/secrets/shared.json", encoding: .utf8)
    // Three writes to one name: seq 1, 2, 3, each kept (max_versions 3), none torn.
    for seq in 1...3 { #expect(record.contains("\"seq\": \(seq)")) }
    #expect(try v.hush("alice", ["vault", "verify"]).status == 0)
  }

  @Test("a crash at every step of rekey leaves a readable vault, and --resume finishes", arguments: [
    "rekey.journaled", "rekey.record#1", "rekey.record#2", "rekey.identity", "rekey.header", "write:one.json", "write:identity.age",
    "write:vault.json",
  ])
  func rekeyCrash(_ step: String) throws {
    let v = try VaultRepo()
    try v.hush("alice", ["vault", "init"])
    for (name, value) in [("one", "FAKE-one-111111"), ("two", "FAKE-two-222222"), ("three", "FAKE-three-333")] {
      try v.hush("alice", ["vault", "set", name], stdin: value)
    }
    let crashed = try v.hush("alice", ["vault", "rekey"], env: ["HUSH_TEST_CRASH_AT": step])
    #expect(crashed.status == 99, "step \(step) was not reached: \(crashed.stderr)")
    let status = try v.hush("alice", ["vault", "read", "one"])
    if status.status != 0 {
      #expect(status.stderr.contains("hush vault rekey --resume"))
      let resumed = try v.hush("alice", ["vault", "rekey", "--resume"])
      #expect(resumed.status == 0, "\(resumed.stderr)")
    }
    for (name, value) in [("one", "FAKE-one-111111"), ("two", "FAKE-two-222222"), ("three", "FAKE-three-333")] {
      let result = try v.hush("alice", ["vault", "read", name])
      #expect(result.stdout == value, "\(name) after a crash at \(step): \(result.stderr)")
    }
    #expect(try v.hush("alice", ["vault", "verify"]).status == 0)
  }

  @Test("two branches that each add a secret merge cleanly; one secret changed on both is a conflict for accept --pick")
  func mergeBranches() throws {
    let v = try VaultRepo()
    try v.hush("alice", ["vault", "init"])
    try v.hush("alice", ["vault", "set", "base"], stdin: "FAKE-base-000000")
    try v.repo.commitAll("vault")
    try v.repo.git("checkout", "-q", "-b", "left")
    try v.hush("alice", ["vault", "set", "left-only"], stdin: "FAKE-left-111111")
    try v.hush("alice", ["vault", "set", "base"], stdin: "FAKE-base-left-1")
    try v.repo.commitAll("left")
    try v.repo.git("checkout", "-q", "main")
    try v.hush("alice", ["vault", "set", "right-only"], stdin: "FAKE-right-22222")
    try v.hush("alice", ["vault", "set", "base"], stdin: "FAKE-base-right-2")
    try v.repo.commitAll("right")
    // The drivers come from `hush vault init`; point them at this build.
    try v.repo.git("config", "merge.hush.driver", "\(hushBinary()) vault git-merge %O %A %B %P")
    let merge = try run("git", ["merge", "-q", "--no-edit", "left"], in: v.repo.url, environment: v.environment("alice"))
    #expect(merge.status == 0, "\(merge.stdout)\(merge.stderr)")
    #expect(try v.hush("alice", ["vault", "read", "left-only"]).stdout == "FAKE-left-111111")
    #expect(try v.hush("alice", ["vault", "read", "right-only"]).stdout == "FAKE-right-22222")
    let conflicted = try v.hush("alice", ["vault", "read", "base"])
    #expect(conflicted.status == 2 && conflicted.stderr.contains("is in conflict"))
    let record = try String(contentsOfFile: v.repo.url.path + "/.hush/vaults/default/secrets/base.json", encoding: .utf8)
    #expect(!record.contains("FAKE-base"))
    let textconv = try v.hush("alice", ["vault", "git-textconv", ".hush/vaults/default/secrets/base.json"])
    let rid = try #require(textconv.stdout.split(separator: "\n").first { $0.contains("seq 2") && $0.contains("rid:") }?
      .split(separator: " ").first { $0.hasPrefix("rid:") }?.dropFirst(4))
    let accepted = try v.hush("alice", ["vault", "accept", "base", "--pick", String(rid)])
    #expect(accepted.status == 0, "\(accepted.stderr)")
    let value = try v.hush("alice", ["vault", "read", "base"]).stdout
    #expect(value == "FAKE-base-left-1" || value == "FAKE-base-right-2")
  }

  @Test("verify exits 1 on an injected member; approve makes it clean")
  func injectedMember() throws {
    let v = try VaultRepo()
    try v.hush("alice", ["vault", "init"])
    try v.makeIdentity("mallory")
    let path = v.repo.url.path + "/.hush/vaults/default/vault.json"
    var text = try String(contentsOfFile: path, encoding: .utf8)
    let entry = "{\"added\": \"2026-01-01T00:00:00Z\", \"added_by\": \"fp:00000000\", \"label\": \"mallory\", \"recipient\": \"\(try v.recipient("mallory"))\", \"role\": \"member\"},"
    text = text.replacingOccurrences(of: "\"members\": [", with: "\"members\": [" + entry)
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    var result = try v.hush("alice", ["vault", "verify"])
    #expect(result.status == 1 && result.stdout.contains("pending 'mallory'"), "\(result.stdout)\(result.stderr)")
    result = try v.hush("alice", ["vault", "rekey"])
    #expect(result.status == 2 && result.stderr.contains("pending 'mallory'"))
    result = try v.hush("alice", ["vault", "member", "approve"])
    #expect(result.status == 0 && result.stdout.contains("approved mallory"))
    #expect(try v.hush("alice", ["vault", "verify"]).status == 0)
  }

  @Test("audit verify catches an edited line; audit hash finds a value's secret without printing it")
  func audit() throws {
    let v = try VaultRepo()
    try v.hush("alice", ["vault", "init"])
    try v.hush("alice", ["vault", "set", "api"], stdin: "FAKE-audit-value-1")
    _ = try v.hush("alice", ["vault", "read", "api"])
    var result = try v.hush("alice", ["vault", "audit", "verify"])
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    result = try v.hush("alice", ["vault", "audit", "hash"], stdin: "FAKE-audit-value-1")
    #expect(result.stdout.contains("matches api version 1") && !result.stdout.contains("FAKE-audit"))
    let anchor = try v.hush("alice", ["vault", "audit", "anchor"])
    #expect(anchor.stdout.hasPrefix("sha256:"))
    let directory = v.homes.path + "/alice/state/hush/audit"
    let log = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).first)
    var text = try String(contentsOfFile: directory + "/" + log, encoding: .utf8)
    text = text.replacingOccurrences(of: "\"op\":\"read\"", with: "\"op\":\"set\"")
    try text.write(toFile: directory + "/" + log, atomically: true, encoding: .utf8)
    result = try v.hush("alice", ["vault", "audit", "verify"])
    #expect(result.status == 1 && result.stdout.contains("edited"))
  }

  @Test("stale reports exposures, unverified deposits and dangling references, and exits 1 for CI")
  func stale() throws {
    let v = try VaultRepo()
    try v.hush("alice", ["vault", "init"])
    try v.hush("alice", ["vault", "set", "used"], stdin: "FAKE-used-value-1")
    try v.hush("nobody", ["vault", "set", "deposited"], stdin: "FAKE-deposit-value")
    try v.repo.write("app.env", "A=hush://used\nB=hush://missing\n")
    try v.repo.commitAll("refs")
    let result = try v.hush("alice", ["vault", "stale"])
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("dangling  missing"))
    #expect(result.stdout.contains("unverified  deposited"))
    #expect(result.stdout.contains("unreferenced  deposited"))
    #expect(!result.stdout.contains("unreferenced  used"))
  }

  @Test("split 2/3 and recover with two shares adds a new member")
  func recovery() throws {
    let v = try VaultRepo()
    try v.hush("alice", ["vault", "init"])
    try v.hush("alice", ["vault", "set", "api"], stdin: "FAKE-recover-value")
    let split = try v.hush("alice", ["vault", "split", "2/3"])
    #expect(split.status == 0, "\(split.stderr)")
    let shares = split.stdout.split(separator: "\n").filter { $0.hasPrefix("HUSH-SHARE-1-") }
    try #require(shares.count == 3)
    try v.makeIdentity("carol")
    let result = try v.hush("carol", ["vault", "recover", "carol", try v.recipient("carol")], stdin: shares[0] + "\n" + shares[2] + "\n")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try v.hush("carol", ["vault", "read", "api"]).stdout == "FAKE-recover-value")
  }
}

final class LockedResults: @unchecked Sendable {
  private let lock = NSLock()
  private var storage: [Int32] = []
  func append(_ value: Int32) { lock.lock(); storage.append(value); lock.unlock() }
  var values: [Int32] { lock.lock(); defer { lock.unlock() }; return storage }
}

@Suite("vault interoperability with age")
struct VaultAgeInteropTests {
  /// Decrypts `file` with pyrage (a Python binding of rage, an age implementation); key material goes through
  /// the environment, never argv.
  func pyrageDecrypt(_ file: String, identity: String? = nil, passphrase: String? = nil) throws -> ToolResult {
    let script = """
      import os, sys, pyrage
      data = open(sys.argv[1], "rb").read()
      if os.environ.get("T_IDENTITY"):
          ids = [pyrage.x25519.Identity.from_str(l.strip()) for l in os.environ["T_IDENTITY"].splitlines() if l.startswith("AGE-SECRET-KEY-")]
          out = pyrage.decrypt(data, ids)
      else:
          out = pyrage.passphrase.decrypt(data, os.environ["T_PASSPHRASE"])
      print(len(out))
      """
    let directory = try TempDirectory()
    var environment: [String: String] = [:]
    if let identity { environment["T_IDENTITY"] = identity }
    if let passphrase { environment["T_PASSPHRASE"] = passphrase }
    let check = try run("python3", ["-c", "import pyrage"], in: directory.url)
    if check.status != 0 { throw TestFailure("pyrage is missing: python3 -m pip install pyrage") }
    return try run("python3", ["-c", script, file], in: directory.url, environment: environment)
  }

  @Test("stock age (pyrage) decrypts identity.age of a member vault to the 32-byte vault key")
  func memberVault() throws {
    let v = try VaultRepo()
    #expect(try v.hush("alice", ["vault", "init"]).status == 0)
    let identity = try String(contentsOfFile: v.identityFile("alice"), encoding: .utf8)
    let result = try pyrageDecrypt(v.repo.url.path + "/.hush/vaults/default/identity.age", identity: identity)
    #expect(result.status == 0 && result.stdout == "32\n", "\(result.stderr)")
  }

  @Test("stock age (pyrage) decrypts identity.age of a passphrase vault")
  func passphraseVault() throws {
    let v = try VaultRepo()
    let env = ["HUSH_PASSPHRASE": "FAKE staple battery horse", "HUSH_TEST_SCRYPT_LOGN": "12"]
    let created = try v.hush("alice", ["vault", "init", "--passphrase"], env: env)
    #expect(created.status == 0, "\(created.stderr)")
    #expect(created.stderr.contains("HUSH_PASSPHRASE"))
    #expect(try v.hush("alice", ["vault", "set", "api"], stdin: "FAKE-pass-1", env: env).status == 0)
    #expect(try v.hush("alice", ["vault", "read", "api"], env: env).stdout == "FAKE-pass-1")
    let result = try pyrageDecrypt(v.repo.url.path + "/.hush/vaults/default/identity.age", passphrase: "FAKE staple battery horse")
    #expect(result.status == 0 && result.stdout == "32\n", "\(result.stderr)")
  }
}

@Suite("hush vault unseal and seal", .serialized)
struct VaultAgentTests {
  @Test("unseal: commands work without an identity until seal, TTL or idle; the agent is non-dumpable and never gives the key out")
  func agent() throws {
    let v = try VaultRepo()
    let runtime = try TempDirectory()
    let env = ["XDG_RUNTIME_DIR": runtime.path]
    try v.hush("alice", ["vault", "init"], env: env)
    try v.hush("alice", ["vault", "set", "api"], stdin: "FAKE-agent-value-1", env: env)
    var result = try v.hush("alice", ["vault", "unseal", "--ttl", "30s", "--idle", "20s"], env: env)
    #expect(result.status == 0 && result.stdout.contains("unsealed vault 'default'"), "\(result.stderr)")
    let socket = try #require(try FileManager.default.contentsOfDirectory(atPath: runtime.path + "/hush").first { $0.hasPrefix("agent-") })
    #expect((try FileManager.default.attributesOfItem(atPath: runtime.path + "/hush/" + socket)[.posixPermissions] as? Int) == 0o600)
    // The identity file is gone: the agent answers.
    try FileManager.default.moveItem(atPath: v.identityFile("alice"), toPath: runtime.path + "/saved-identity")
    result = try v.hush("alice", ["vault", "read", "api"], env: env)
    #expect(result.stdout == "FAKE-agent-value-1", "\(result.stderr)")
    result = try v.hush("alice", ["vault", "rotate", "api"], stdin: "FAKE-agent-value-2", env: env)
    #expect(result.status == 0, "\(result.stderr)")
    // Re-encrypting the key needs S itself, which the agent never gives out.
    try v.makeIdentity("bob")
    result = try v.hush("alice", ["vault", "member", "add", "bob", try v.recipient("bob")], env: env)
    #expect(result.status == 2)
    let pid = try run("pgrep", ["-f", "hush vault agent"], in: v.repo.url).stdout.split(separator: "\n").first.map(String.init) ?? ""
    if !pid.isEmpty, let limits = try? String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8) {
      #expect(limits.split(separator: "\n").contains { $0.hasPrefix("Max core file size") && $0.contains(" 0 ") })
    }
    result = try v.hush("alice", ["vault", "seal"], env: env)
    #expect(result.stdout.contains("sealed 1 vault"))
    result = try v.hush("alice", ["vault", "read", "api"], env: env)
    #expect(result.status == 2 && result.stderr.contains("no identity opens vault"))
    // TTL: the agent wipes the key and leaves.
    try FileManager.default.moveItem(atPath: runtime.path + "/saved-identity", toPath: v.identityFile("alice"))
    result = try v.hush("alice", ["vault", "unseal", "--ttl", "2s"], env: env)
    #expect(result.status == 0)
    try FileManager.default.moveItem(atPath: v.identityFile("alice"), toPath: runtime.path + "/saved-identity")
    #expect(try v.hush("alice", ["vault", "read", "api"], env: env).stdout == "FAKE-agent-value-2")
    sleep(4)
    result = try v.hush("alice", ["vault", "read", "api"], env: env)
    #expect(result.status == 2, "the agent outlived its TTL")
  }
}
