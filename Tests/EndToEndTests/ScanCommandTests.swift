import Foundation
import Testing
import TestSupport

/// A rule file with one rule, so these tests do not depend on the built-in pack's details.
let acmeConfig = """
  [[rules]]
  id = "acme-api-token"
  description = "Acme API token"
  regex = '''\\b(acme_[a-z0-9]{32})\\b'''
  secretGroup = 1
  entropy = 3.0
  keywords = ["acme_"]
  """
let acmeSecret = "acme_4f9c2b7d1e8a6c3f5b0dfa7c4f1b8e2d"
/// A GitHub classic token shape with a visible fake marker: the built-in pack must find it.
let githubSecret = "ghp_FAKEa1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuV"

func dropDuration(_ text: String) -> String {
  text.split(separator: "\n").filter { !$0.contains("durationMs") }.joined(separator: "\n")
}

@Suite struct ScanCommandTests {
  @Test("a finding exits 1 with exact JSON fields; the secret is redacted")
  func jsonReport() throws {
    let dir = try TempDirectory()
    try dir.write("hush.toml", acmeConfig)
    try dir.write("src/app.py", "# config\nключ = \"\(acmeSecret)\"\n")
    let result = try runHush(["scan", "src", "--config", "hush.toml", "--format", "json"], in: dir.url)
    #expect(result.status == 1)
    #expect(!result.stdout.contains(acmeSecret))
    let report = try jsonObject(result.stdoutBytes)
    #expect(report["version"] as? Int == 1)
    #expect((report["tool"] as? [String: Any])?["name"] as? String == "hush")
    let findings = try #require(report["findings"] as? [[String: Any]])
    #expect(findings.count == 1)
    let finding = findings[0]
    #expect(finding["rule"] as? String == "acme-api-token")
    #expect(finding["description"] as? String == "Acme API token")
    #expect(finding["file"] as? String == "src/app.py")
    #expect(finding["line"] as? Int == 2)
    #expect(finding["column"] as? Int == 9)
    #expect(finding["endLine"] as? Int == 2)
    #expect(finding["endColumn"] as? Int == 9 + acmeSecret.count - 1)
    #expect(finding["secret"] as? String == "acme_4f…(37 bytes)")
    #expect((finding["fingerprint"] as? String)?.count == 32)
    #expect(finding["entropy"] is Double || finding["entropy"] is Int)
    #expect(finding["tags"] is [Any])
    let stats = try #require(report["stats"] as? [String: Any])
    #expect(stats["filesScanned"] as? Int == 1)
    #expect(stats["bytesScanned"] as? Int == Array("# config\nключ = \"\(acmeSecret)\"\n".utf8).count)
    for key in ["skippedBinary", "skippedLarge", "durationMs"] { #expect(stats[key] is Int) }
  }

  @Test("--show-secrets prints the secret; text output otherwise never does")
  func showSecrets() throws {
    let dir = try TempDirectory()
    try dir.write("hush.toml", acmeConfig)
    try dir.write("a.env", "TOKEN=\(acmeSecret)\n")
    let hidden = try runHush(["scan", "a.env", "--config", "hush.toml"], in: dir.url)
    #expect(hidden.status == 1)
    #expect(!hidden.stdout.contains(acmeSecret) && !hidden.stderr.contains(acmeSecret))
    #expect(hidden.stdout.contains("a.env:1:7"))
    #expect(hidden.stdout.contains("acme-api-token"))
    #expect(hidden.stdout.contains("1 finding in 1 file"))
    let shown = try runHush(["scan", "a.env", "--config", "hush.toml", "--show-secrets", "--format", "json"], in: dir.url)
    #expect(shown.stdout.contains("\"secret\": \"\(acmeSecret)\""))
  }

  @Test("a clean tree exits 0")
  func clean() throws {
    let dir = try TempDirectory()
    try dir.write("a.txt", "nothing to see\n")
    let result = try runHush(["scan", "."], in: dir.url)
    #expect(result.status == 0)
    #expect(result.stdout.contains("no secrets found"))
  }

  @Test("the built-in pack finds a GitHub token, from a file and from standard input")
  func builtinPack() throws {
    let dir = try TempDirectory()
    try dir.write("deploy.sh", "export GITHUB_TOKEN=\(githubSecret)\n")
    let fromFile = try runHush(["scan", "--format", "json"], in: dir.url)
    #expect(fromFile.status == 1)
    let rule = try #require(((try jsonObject(fromFile.stdoutBytes))["findings"] as? [[String: Any]])?.first?["rule"] as? String)
    #expect(rule.hasPrefix("github"))
    let fromStdin = try runHush(
      ["scan", "--stdin", "--stdin-name", "pasted.sh", "--format", "json"], in: dir.url,
      stdin: Data("token: \(githubSecret)\n".utf8))
    #expect(fromStdin.status == 1)
    #expect(fromStdin.stdout.contains("\"file\": \"pasted.sh\""))
    let cleanStdin = try runHush(["scan", "--stdin"], in: dir.url, stdin: Data("hello\n".utf8))
    #expect(cleanStdin.status == 0)
  }

  @Test("usage errors exit 64, never 1", arguments: [["scan", "--bogus"], ["scan", "--format", "yaml"], ["frobnicate"], ["scan", "--threads", "0"], ["scan", "--max-file-size", "lots"]])
  func usageErrors(arguments: [String]) throws {
    let dir = try TempDirectory()
    let result = try runHush(arguments, in: dir.url)
    #expect(result.status == 64)
  }

  @Test("a missing path is an error (exit 2) and the other paths are still scanned and reported")
  func missingPath() throws {
    let dir = try TempDirectory()
    try dir.write("hush.toml", acmeConfig)
    try dir.write("a.txt", "k=\(acmeSecret)\n")
    let result = try runHush(["scan", "nope", "a.txt", "--config", "hush.toml"], in: dir.url)
    #expect(result.status == 2)
    #expect(result.stderr.contains("error: nope: no such file or directory"))
    #expect(result.stdout.contains("a.txt:1:3"))
  }

  @Test("an unreadable file is an error naming it (exit 2)")
  func unreadableFile() throws {
    let dir = try TempDirectory()
    // /proc/self/mem is a regular file that fails to read at offset 0, even for root.
    let result = try runHush(["scan", "/proc/self/mem"], in: dir.url)
    #expect(result.status == 2)
    #expect(result.stderr.contains("/proc/self/mem: cannot read"))
  }

  @Test("a rule file with a syntax error names the file and line")
  func syntaxError() throws {
    let dir = try TempDirectory()
    try dir.write("bad.toml", "[[rules]]\nid = \"x\"\nregex = '''abc\n")
    let result = try runHush(["scan", ".", "--config", "bad.toml"], in: dir.url)
    #expect(result.status == 2)
    #expect(result.stderr.hasPrefix("error: bad.toml:3:"))
    #expect(result.stderr.split(separator: "\n").count == 1)
  }

  @Test("an unknown key in a rule is an error with its position")
  func unknownKey() throws {
    let dir = try TempDirectory()
    try dir.write("bad.toml", "[[rules]]\nid = \"x\"\nregex = 'a'\nentropyy = 3\n")
    let result = try runHush(["scan", ".", "--config", "bad.toml"], in: dir.url)
    #expect(result.status == 2)
    #expect(result.stderr.contains("bad.toml:4:1: rule 'x': unknown key 'entropyy'"))
  }

  @Test("a regex that does not compile names the rule")
  func badRegex() throws {
    let dir = try TempDirectory()
    try dir.write("bad.toml", "[[rules]]\nid = \"broken-rule\"\nregex = '''(unclosed'''\n")
    let result = try runHush(["scan", ".", "--config", "bad.toml"], in: dir.url)
    #expect(result.status == 2)
    #expect(result.stderr.contains("rule 'broken-rule'"))
    #expect(result.stderr.contains("missing closing parenthesis"))
  }

  @Test("a catastrophic regex: the scan finishes, names the rule, and still finds other secrets")
  func catastrophicRegex() throws {
    let dir = try TempDirectory()
    try dir.write("slow.toml", acmeConfig + "\n[[rules]]\nid = \"user-slow\"\nregex = '''(x+x+)+\\d'''\n")
    try dir.write("a.txt", String(repeating: "x", count: 5000) + "\nk=\(acmeSecret)\n")
    let result = try runHush(["scan", "a.txt", "--config", "slow.toml"], in: dir.url)
    #expect(result.status == 1)
    #expect(result.stderr.contains("rule 'user-slow'"))
    #expect(result.stdout.contains("acme-api-token"))
  }

  @Test("a file name that is not UTF-8 is scanned and shown lossily")
  func nonUTF8FileName() throws {
    let dir = try TempDirectory()
    try dir.write("hush.toml", acmeConfig)
    let name = Data([0x62, 0x61, 0x64, 0xFF, 0x2E, 0x74, 0x78, 0x74])  // "bad\xFF.txt"
    let path = dir.url.path + "/" + String(decoding: [0x64, 0x69, 0x72], as: UTF8.self)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    let fd = (Array(path.utf8) + [0x2F] + Array(name) + [0]).withUnsafeBufferPointer { buffer in
      buffer.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) }
    }
    #expect(fd >= 0)
    let content = Array("k=\(acmeSecret)\n".utf8)
    _ = content.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    let result = try runHush(["scan", "dir", "--config", "hush.toml", "--format", "json"], in: dir.url)
    #expect(result.status == 1)
    #expect(result.stdout.contains("\"file\": \"dir/bad\u{FFFD}.txt\""))
  }

  @Test("binary files and files over --max-file-size are skipped and counted")
  func skipped() throws {
    let dir = try TempDirectory()
    try dir.write("hush.toml", acmeConfig)
    try dir.write("blob.bin", Data([0x00, 0x01]) + Data("k=\(acmeSecret)".utf8))
    try dir.write("big.txt", String(repeating: "a", count: 2000) + "k=\(acmeSecret)\n")
    let result = try runHush(["scan", "blob.bin", "big.txt", "--config", "hush.toml", "--max-file-size", "1k", "--format", "json"], in: dir.url)
    #expect(result.status == 0)
    let stats = try #require((try jsonObject(result.stdoutBytes))["stats"] as? [String: Any])
    #expect(stats["skippedBinary"] as? Int == 1)
    #expect(stats["skippedLarge"] as? Int == 1)
    #expect(stats["filesScanned"] as? Int == 0)
  }

  @Test("--output writes the report atomically with mode 0600 and prints a summary")
  func outputFile() throws {
    let dir = try TempDirectory()
    try dir.write("hush.toml", acmeConfig)
    try dir.write("a.txt", "k=\(acmeSecret)\n")
    let result = try runHush(["scan", "a.txt", "--config", "hush.toml", "--format", "json", "--output", "report.json"], in: dir.url)
    #expect(result.status == 1)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.contains("1 finding in 1 file"))
    let attributes = try FileManager.default.attributesOfItem(atPath: dir.url.appendingPathComponent("report.json").path)
    #expect((attributes[.posixPermissions] as? Int) == 0o600)
    let report = try jsonObject(try Data(contentsOf: dir.url.appendingPathComponent("report.json")))
    #expect((report["findings"] as? [Any])?.count == 1)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".hush-tmp") }
    #expect(leftovers.isEmpty)
  }

  @Test("output is identical with one worker and with four")
  func deterministic() throws {
    let dir = try TempDirectory()
    try dir.write("hush.toml", acmeConfig)
    for index in 0..<40 { try dir.write("src/f\(index).txt", "line\nk\(index)=\(acmeSecret)\n") }
    let one = try runHush(["scan", "src", "--config", "hush.toml", "--format", "json", "--threads", "1"], in: dir.url)
    let four = try runHush(["scan", "src", "--config", "hush.toml", "--format", "json", "--threads", "4"], in: dir.url)
    #expect(one.status == 1)
    #expect(dropDuration(one.stdout) == dropDuration(four.stdout))
    #expect(one.stdout.components(separatedBy: "\"rule\"").count == 41)
  }

  @Test("a 5 MB single-line file is scanned and its secret found")
  func minifiedFile() throws {
    let dir = try TempDirectory()
    try dir.write("hush.toml", acmeConfig)
    let filler = String(repeating: "function(a){return a+1};var token_x=1;", count: 65_000)
    try dir.write("bundle.min.js", filler + "k=\"\(acmeSecret)\";" + filler)
    let result = try runHush(["scan", "bundle.min.js", "--config", "hush.toml", "--format", "json"], in: dir.url)
    #expect(result.status == 1)
    #expect(result.stdout.contains("\"line\": 1"))
  }

  @Test("--version prints the version")
  func version() throws {
    let dir = try TempDirectory()
    let result = try runHush(["--version"], in: dir.url)
    #expect(result.status == 0)
    #expect(result.stdout.hasPrefix("0."))
  }
}

@Suite struct ConfidenceCommandTests {
  @Test("--min-confidence hides less certain findings, counts them as suppressed, and never fails on them")
  func minConfidence() throws {
    let dir = try TempDirectory()
    try dir.write("hush.toml", acmeConfig + "\nconfidence = \"medium\"\n")
    try dir.write("src/a.txt", "k=\(acmeSecret)\n")
    try dir.write("tests/b.txt", "k=\(otherSecret)\n")
    let all = try runHush(["scan", ".", "--config", "hush.toml", "--format", "json"], in: dir.url)
    let levels = try findings(all).compactMap { $0["confidence"] as? String }.sorted()
    #expect(levels == ["low", "medium"])
    let medium = try runHush(["scan", ".", "--config", "hush.toml", "--min-confidence", "medium"], in: dir.url)
    #expect(medium.status == 1)
    #expect(medium.stdout.contains("1 suppressed (1 below --min-confidence)"))
    #expect(try runHush(["scan", ".", "--config", "hush.toml", "--min-confidence", "high"], in: dir.url).status == 0)
    #expect(try runHush(["scan", ".", "--min-confidence", "certain"], in: dir.url).status == 64)
  }
}

@Suite struct DecodedSecretTests {
  @Test("a token base64-encoded in a Kubernetes Secret is found, and neither form is printed")
  func kubernetesSecret() throws {
    let dir = try TempDirectory()
    let encoded = Data(githubSecret.utf8).base64EncodedString()
    try dir.write("k8s/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci\ndata:\n  token: \(encoded)\n")
    let text = try runHush(["scan", "k8s"], in: dir.url)
    #expect(text.status == 1)
    #expect(text.stdout.contains("k8s/secret.yaml:6:10"))
    #expect(text.stdout.contains("(decoded from base64)"))
    #expect(!text.stdout.contains(encoded) && !text.stdout.contains(githubSecret))
    let json = try runHush(["scan", "k8s", "--format", "json"], in: dir.url)
    #expect(try findings(json).first?["decoded"] as? String == "base64")
  }

  @Test("hex- and percent-encoded tokens are found; a URL-encoded URI password is reported once")
  func hexAndPercent() throws {
    let dir = try TempDirectory()
    let hex = Data("GITHUB_TOKEN=\(githubSecret)".utf8).map { String(format: "%02x", $0) }.joined()
    try dir.write("config/blob.txt", "payload: \(hex)\nsha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n")
    try dir.write("config/callback.txt", "https://ci.fake.invalid/hook?token%3D\(githubSecret)%26ref%3Dmain\n")
    try dir.write("config/db.env", "DATABASE_URL=postgres://app:Fake%40pbcRIi6HeVyzrw@db.fake.invalid:5432/app\n")
    let json = try runHush(["scan", "config", "--format", "json"], in: dir.url)
    #expect(json.status == 1)
    let found = try findings(json)
    #expect(found.count == 3)
    let byFile = Dictionary(grouping: found) { $0["file"] as? String ?? "" }
    #expect(byFile["config/blob.txt"]?.first?["decoded"] as? String == "hex")
    #expect(byFile["config/blob.txt"]?.first?["column"] as? Int == 10 + 2 * "GITHUB_TOKEN=".utf8.count)
    #expect(byFile["config/callback.txt"]?.first?["decoded"] as? String == "percent")
    #expect(byFile["config/db.env"]?.count == 1)
    #expect(byFile["config/db.env"]?.first?["rule"] as? String == "postgres-uri-password")
  }
}
