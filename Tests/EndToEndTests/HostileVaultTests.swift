import Foundation
import Testing
import TestSupport

/// Issue 10: hostile vault files, references and names, as a malicious pull request or a careless hand
/// could make them. Each is one clear error (exit 2, or 64 for what the user typed) that names the file or
/// the reference, shows no value, writes nothing, and leaves the other secrets readable.
@Suite("hostile vault inputs", .serialized)
struct HostileVaultTests {
  var recordsDirectory: String { "/.hush/vaults/default/secrets/" }

  func record(_ v: VaultRepo, _ name: String) -> String { v.repo.url.path + recordsDirectory + name + ".json" }

  /// One error line, no value in any output.
  func expectOneError(_ result: ToolResult, status: Int32 = 2, naming: String, _ context: String) {
    #expect(result.status == status, "\(context): \(result.stdout)\(result.stderr)")
    let lines = result.stderr.split(separator: "\n").filter { !$0.hasPrefix("warning:") }
    #expect(lines.count == 1 && lines[0].hasPrefix("error:"), "\(context): \(result.stderr)")
    #expect(result.stderr.contains(naming), "\(context): \(result.stderr)")
    #expect(!(result.stdout + result.stderr).contains("FAKE-"), "\(context) printed a value")
  }

  /// Rewrites a record as JSON (key order is not significant to the reader).
  func rewrite(_ path: String, _ change: (inout [String: Any]) -> Void) throws {
    var object = try jsonObject(try Data(contentsOf: URL(fileURLWithPath: path)))
    change(&object)
    try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))
  }

  func versions(_ object: [String: Any]) -> [[String: Any]] { object["versions"] as? [[String: Any]] ?? [] }

  @Test("a record with a 1 GB ciphertext field is refused by its size; the other secrets read", .timeLimit(.minutes(2)))
  func gigabyteCiphertext() throws {
    let v = try seededVault()
    let path = record(v, "one")
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let start = try #require(text.range(of: "\"ct\": \"")).upperBound
    let end = try #require(text[start...].firstIndex(of: "\""))
    FileManager.default.createFile(atPath: path, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    handle.write(Data(text[..<start].utf8))
    let chunk = Data(repeating: UInt8(ascii: "A"), count: 16 << 20)
    for _ in 0..<64 { handle.write(chunk) }
    handle.write(Data(text[end...].utf8))
    try handle.close()
    let before = snapshot(v.repo.url.path).filter { $0.key != ".hush/vaults/default/secrets/one.json" }
    expectOneError(try v.hush("alice", ["vault", "read", "one"]), naming: "one.json", "read")
    expectOneError(try v.hush("alice", ["vault", "rotate", "one"], stdin: "FAKE-one-version-3"), naming: "one.json", "rotate")
    #expect(try v.hush("alice", ["vault", "read", "two"]).stdout == "FAKE-two-version-1")
    let verify = try v.hush("alice", ["vault", "verify"])
    #expect(verify.status == 1 && verify.stdout.contains("one.json"), "\(verify.stdout)\(verify.stderr)")
    try v.repo.write(".hush/env.toml", "[vault.default]\nONE = \"hush://one\"\n")
    let run = try v.hush("alice", ["run", "--", "true"])
    #expect(run.status == 125 && run.stderr.contains("one.json"), "\(run.stderr)")
    #expect(snapshot(v.repo.url.path).filter { $0.key != ".hush/vaults/default/secrets/one.json" && $0.key != ".hush/env.toml" } == before)
  }

  @Test("duplicate versions in a record are one integrity error naming the secret", arguments: ["copy", "swap"])
  func duplicateVersions(_ kind: String) throws {
    let v = try seededVault()
    try rewrite(record(v, "one")) { object in
      var list = versions(object)
      if kind == "copy" {
        list.append(list[0])
      } else {
        // Two versions claiming one number: the second's ciphertext under the first's seq.
        var twin = list[1]
        twin["seq"] = list[0]["seq"]
        list.append(twin)
      }
      object["versions"] = list
    }
    let before = snapshot(v.repo.url.path)
    expectOneError(try v.hush("alice", ["vault", "read", "one"]), naming: "one", kind)
    expectOneError(try v.hush("alice", ["vault", "set", "one"], stdin: "FAKE-one-version-3"), naming: "one", "\(kind) set")
    #expect(snapshot(v.repo.url.path) == before, "\(kind): a command rewrote the record")
    #expect(try v.hush("alice", ["vault", "read", "two"]).stdout == "FAKE-two-version-1")
    #expect(try v.hush("alice", ["vault", "verify"]).status == 1)
  }

  @Test("non-canonical base64 in a record or in vault.json is refused", arguments: ["padding", "standard-alphabet", "trailing-bits", "header-mac"])
  func nonCanonicalBase64(_ kind: String) throws {
    let v = try seededVault()
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    if kind == "header-mac" {
      let path = v.repo.url.path + "/.hush/vaults/default/vault.json"
      try rewrite(path) { object in
        for key in object.keys where (object[key] as? String)?.hasPrefix("hmac-sha256:") == true {
          object[key] = (object[key] as! String) + "="
        }
      }
      let before = snapshot(v.repo.url.path)
      expectOneError(try v.hush("alice", ["vault", "read", "two"]), naming: "vault.json", kind)
      #expect(snapshot(v.repo.url.path) == before)
      return
    }
    try rewrite(record(v, "one")) { object in
      var list = versions(object)
      var enc = Array(list[0]["enc"] as! String)  // 32 bytes: 43 characters, the last carrying 2 zero bits
      switch kind {
      case "padding": enc.append("=")
      case "standard-alphabet": enc[0] = enc[0] == "A" ? "+" : "/"
      default:
        let index = alphabet.firstIndex(of: enc[enc.count - 1])!
        enc[enc.count - 1] = alphabet[index | 1]
      }
      list[0]["enc"] = String(enc)
      object["versions"] = list
    }
    let before = snapshot(v.repo.url.path)
    let read = try v.hush("alice", ["vault", "read", "one"])
    expectOneError(read, naming: "one", kind)
    #expect(snapshot(v.repo.url.path) == before)
    #expect(try v.hush("alice", ["vault", "read", "two"]).stdout == "FAKE-two-version-1")
  }

  @Test("a record that is a symlink out of the repository or a FIFO is refused, never followed or waited on", .timeLimit(.minutes(1)))
  func recordNotARegularFile() throws {
    let v = try seededVault()
    let outside = try TempDirectory()
    try outside.write("stolen.json", try String(contentsOfFile: record(v, "two"), encoding: .utf8))
    try FileManager.default.removeItem(atPath: record(v, "two"))
    try FileManager.default.createSymbolicLink(atPath: record(v, "two"), withDestinationPath: outside.path + "/stolen.json")
    expectOneError(try v.hush("alice", ["vault", "read", "two"]), naming: "two.json", "symlink")
    try FileManager.default.removeItem(atPath: record(v, "two"))
    #expect(mkfifo(record(v, "two"), 0o644) == 0)
    expectOneError(try v.hush("alice", ["vault", "read", "two"]), naming: "two.json", "fifo")
    #expect(try v.hush("alice", ["vault", "read", "one"]).stdout == "FAKE-one-version-2")
  }

  @Test("a reference with '..' is refused wherever references appear, naming it; nothing is written")
  func dotDotReferences() throws {
    let v = try seededVault()
    for reference in ["hush://../../etc/passwd", "hush://a/../../x", "hush://one/..", "hush://./one"] {
      let read = try v.hush("alice", ["vault", "read", reference])
      expectOneError(read, status: 64, naming: String(reference.dropFirst(7)), "read \(reference)")
      try v.repo.write("app.tpl", "password: {{ \(reference) }}\n")
      let render = try v.hush("alice", ["render", "app.tpl", "-o", "app.yml"])
      #expect(render.status == 64 || render.status == 2, "render \(reference): \(render.stderr)")
      #expect(render.stderr.contains(String(reference.dropFirst(7))) && !FileManager.default.fileExists(atPath: v.repo.url.path + "/app.yml"))
      try v.repo.write(".hush/env.toml", "[vault.default]\nX = \"\(reference)\"\n")
      let run = try v.hush("alice", ["run", "--", "sh", "-c", "touch ran"])
      #expect(run.status == 64 || run.status == 125, "run \(reference): \(run.stderr)")
      #expect(run.stderr.contains(String(reference.dropFirst(7))) && !FileManager.default.fileExists(atPath: v.repo.url.path + "/ran"))
    }
  }

  @Test("a secret name that is a path is a usage error stating the allowed form; nothing is created anywhere")
  func pathNames() throws {
    let v = try seededVault()
    let parent = v.repo.url.deletingLastPathComponent().path
    let parentBefore = try FileManager.default.contentsOfDirectory(atPath: parent).sorted()
    let before = snapshot(v.repo.url.path)
    let names = [
      "../x", "a/../../b", "/etc/passwd", "a//b", "./a", ".", "..", "a/", "line\nbreak", "tab\there", String(repeating: "a", count: 10_000),
      "UPPER", "a b", "é",
    ]
    for name in names {
      for command in [["vault", "set", name], ["vault", "rotate", name], ["vault", "rm", name], ["vault", "read", name]] {
        let result = try v.hush("alice", command, stdin: "FAKE-name-value-1")
        expectOneError(result, status: 64, naming: "secret name", "\(command[1]) \(name.prefix(20))")
        #expect(result.stderr.utf8.count < 400, "\(command[1]): the error echoes too much")
      }
    }
    #expect(snapshot(v.repo.url.path) == before)
    let parentAfter = try FileManager.default.contentsOfDirectory(atPath: parent).sorted()
    #expect(Set(parentAfter).subtracting(parentBefore).allSatisfy { $0.hasPrefix("hush-test-") }, "\(Set(parentAfter).subtracting(parentBefore))")
    #expect(!FileManager.default.fileExists(atPath: "/etc/passwd.json"))
  }
}
