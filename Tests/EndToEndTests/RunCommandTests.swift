import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// A vault with two secrets, an env.toml mapping, and a runtime directory of its own.
final class RunFixture: @unchecked Sendable {
  let v: VaultRepo
  let runtime: TempDirectory
  static let token = "FAKE-token-7c1d9e2b44"
  static let pem = "-----BEGIN FAKE PRIVATE KEY-----\nMIIfakefakefakeAAAA1111\nMIIfakefakefakeBBBB2222\n-----END FAKE PRIVATE KEY-----"

  init() throws {
    v = try VaultRepo()
    runtime = try TempDirectory()
    try v.hush("alice", ["vault", "init"])
    try v.hush("alice", ["vault", "set", "api/token"], stdin: RunFixture.token)
    try v.hush("alice", ["vault", "set", "tls/key", "--kind", "file"], stdin: RunFixture.pem)
    try v.repo.write(".hush/env.toml", """
      [vault.default]
      API_TOKEN = "hush://api/token"
      TLS_KEY_FILE = "hush://tls/key?as=file"
      """)
  }

  var env: [String: String] { ["XDG_RUNTIME_DIR": runtime.path] }

  @discardableResult
  func run(_ arguments: [String], env extra: [String: String] = [:], stdin: String? = nil) throws -> ToolResult {
    try v.hush("alice", arguments, stdin: stdin, env: env.merging(extra) { $1 })
  }

  var leftoverRunDirectories: [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: runtime.path + "/hush")) ?? []).filter { $0.hasPrefix("run-") }
  }
}

@Suite("hush run, render, redact", .serialized)
struct RunCommandTests {
  @Test("injection from env.toml and --env-file; --only injects a subset; HUSH_* never reaches the child")
  func injection() throws {
    let f = try RunFixture()
    try f.v.repo.write("extra.env", "export EXTRA=hush://api/token\nPLAIN=1\n")
    var result = try f.run(["run", "--mask", "never", "--env-file", "extra.env", "--", "sh", "-c", "echo \"$API_TOKEN|$EXTRA|$PLAIN\"; env | grep -c '^HUSH_' || true"],
      env: ["HUSH_IDENTITY_FILE": f.v.identityFile("alice")])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == "\(RunFixture.token)|\(RunFixture.token)|1\n0\n")
    result = try f.run(["run", "--mask", "never", "--only", "API_TOKEN", "--", "sh", "-c", "echo \"$API_TOKEN|${TLS_KEY_FILE:-unset}\""])
    #expect(result.stdout == "\(RunFixture.token)|unset\n", "\(result.stderr)")
    result = try f.run(["run", "--only", "NOPE", "--", "true"])
    #expect(result.status == 64)
  }

  @Test("as=file: a 0600 file in a 0700 directory, removed when the child exits or is killed")
  func asFile() throws {
    let f = try RunFixture()
    var result = try f.run(["run", "--mask", "never", "--", "sh", "-c", "stat -c '%a' \"$TLS_KEY_FILE\" \"$(dirname \"$TLS_KEY_FILE\")\"; cat \"$TLS_KEY_FILE\""])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == "600\n700\n" + RunFixture.pem)
    #expect(f.leftoverRunDirectories.isEmpty)
    result = try f.run(["run", "--", "sh", "-c", "kill -9 $$"])
    #expect(result.status == 137)
    #expect(f.leftoverRunDirectories.isEmpty)
  }

  @Test("a killed hush leaves its directory to the next run, which sweeps it")
  func sweep() throws {
    let f = try RunFixture()
    let marker = f.runtime.path + "/started"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: hushBinary())
    process.arguments = ["run", "--", "sh", "-c", "touch \(marker); sleep 30"]
    process.currentDirectoryURL = f.v.repo.url
    process.environment = f.v.environment("alice").merging(f.env) { $1 }
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    for _ in 0..<100 where !FileManager.default.fileExists(atPath: marker) { usleep(50_000) }
    #expect(f.leftoverRunDirectories.count == 1)
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    try f.run(["run", "--", "true"])
    #expect(f.leftoverRunDirectories.isEmpty)
  }

  @Test("exit status is the child's; 127 not found, 126 not executable; SIGTERM is forwarded")
  func statusAndSignals() throws {
    let f = try RunFixture()
    #expect(try f.run(["run", "--", "sh", "-c", "exit 7"]).status == 7)
    let missing = try f.run(["run", "--", "no-such-command-hush"])
    #expect(missing.status == 127 && missing.stderr.contains("command not found"))
    try f.v.repo.write("notexec.sh", "echo hi\n")
    #expect(try f.run(["run", "--", "./notexec.sh"]).status == 126)
    let ready = f.runtime.path + "/ready"
    let got = f.runtime.path + "/got"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: hushBinary())
    process.arguments = ["run", "--", "sh", "-c", "trap 'echo term > \(got); exit 42' TERM; touch \(ready); while :; do sleep 0.05; done"]
    process.currentDirectoryURL = f.v.repo.url
    process.environment = f.v.environment("alice").merging(f.env) { $1 }
    process.standardOutput = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    for _ in 0..<100 where !FileManager.default.fileExists(atPath: ready) { usleep(50_000) }
    kill(process.processIdentifier, SIGTERM)
    process.waitUntilExit()
    #expect(process.terminationStatus == 42)
    #expect((try? String(contentsOfFile: got, encoding: .utf8)) == "term\n")
    #expect(f.leftoverRunDirectories.isEmpty)
  }

  @Test("masking when piped: values split across writes, multi-line values, stderr too")
  func masking() throws {
    let f = try RunFixture()
    let first = String(RunFixture.token.prefix(9))
    let rest = String(RunFixture.token.dropFirst(9))
    let script = "printf '%s' '\(first)'; sleep 0.2; printf '%s\\n' '\(rest)'; cat \"$TLS_KEY_FILE\"; echo; echo \"err $API_TOKEN\" >&2"
    let result = try f.run(["run", "--", "sh", "-c", script])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(!result.stdout.contains("FAKE-token") && !result.stdout.contains("MIIfake"))
    #expect(result.stdout.contains("***hush:api/token***"))
    #expect(result.stdout.contains("***hush:tls/key***"))
    #expect(result.stderr.contains("err ***hush:api/token***"))
    let unmasked = try f.run(["run", "--mask", "never", "--", "sh", "-c", "echo $API_TOKEN"])
    #expect(unmasked.stdout == RunFixture.token + "\n")
  }

  @Test("render: placeholders filled into a 0600 file; an unresolved reference or a tracked output writes nothing")
  func render() throws {
    let f = try RunFixture()
    try f.v.repo.write("config.yml.tpl", "token: {{ hush://api/token }}\nother: {{ not.a.reference }}\n")
    try f.v.repo.write(".gitignore", "config.yml\n")
    var result = try f.run(["render", "config.yml.tpl", "-o", "config.yml"])
    #expect(result.status == 0, "\(result.stderr)")
    let path = f.v.repo.url.path + "/config.yml"
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "token: \(RunFixture.token)\nother: {{ not.a.reference }}\n")
    #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
    // Unresolved reference: an error naming it, and no output file.
    try f.v.repo.write("bad.tpl", "a: {{ hush://api/token }}\nb: {{ hush://missing/thing }}\n")
    result = try f.run(["render", "bad.tpl", "-o", "bad.out"])
    #expect(result.status == 2 && result.stderr.contains("hush://missing/thing"))
    #expect(!FileManager.default.fileExists(atPath: f.v.repo.url.path + "/bad.out"))
    // A tracked, non-ignored output path is refused and left as it was.
    try f.v.repo.write("tracked.yml", "placeholder\n")
    try f.v.repo.git("add", "tracked.yml")
    result = try f.run(["render", "config.yml.tpl", "-o", "tracked.yml"])
    #expect(result.status == 2 && result.stderr.contains("tracked by git"))
    #expect(try String(contentsOfFile: f.v.repo.url.path + "/tracked.yml", encoding: .utf8) == "placeholder\n")
    // To stdout when piped.
    result = try f.run(["render", "config.yml.tpl"])
    #expect(result.stdout.hasPrefix("token: \(RunFixture.token)"))
  }

  @Test("redact masks every current value in stdin")
  func redact() throws {
    let f = try RunFixture()
    let result = try f.run(["redact"], stdin: "log: \(RunFixture.token) and MIIfakefakefakeBBBB2222\n")
    #expect(result.stdout == "log: ***hush:api/token*** and ***hush:tls/key***\n", "\(result.stderr)")
  }

  @Test("vault read and render refuse a terminal without --reveal (driven through a pseudo-terminal)")
  func refusesTerminal() throws {
    let f = try RunFixture()
    let env = f.v.environment("alice")
    let command = "\(hushBinary()) vault read api/token; echo \"status=$?\"; \(hushBinary()) vault read --reveal api/token"
    let result = try run("script", ["-qec", command, "/dev/null"], in: f.v.repo.url, environment: env)
    #expect(result.stdout.contains("refusing to print hush://api/token to a terminal"))
    #expect(result.stdout.contains("status=64"))
    #expect(result.stdout.contains(RunFixture.token))
  }
}
