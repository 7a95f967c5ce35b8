import Foundation
import Testing
import TestSupport

/// Issue 10: hostile files, histories and rule files. Each case has one clear outcome: the finding, a
/// counted skip with what to do, or a one-line error with exit 2, and never a crash, a hang or a write.
/// (Hostile repository configuration and symlinks are in HostileRepositoryTests.)

/// A `git fast-import` stream, built as bytes so names, authors and messages can be anything.
struct FastImport {
  var data = Data()
  var mark = 0

  mutating func blob(_ content: Data) -> Int {
    mark += 1
    data += Data("blob\nmark :\(mark)\ndata \(content.count)\n".utf8) + content + Data("\n".utf8)
    return mark
  }

  /// A commit on `ref` adding `files` (path bytes → blob mark).
  mutating func commit(_ ref: String, author: Data = Data("Mallory Example".utf8), message: Data, files: [(Data, Int)]) {
    mark += 1
    let who = author + Data(" <mallory@example.invalid> 1700000000 +0000\n".utf8)
    data += Data("commit \(ref)\nmark :\(mark)\nauthor ".utf8) + who + Data("committer ".utf8) + who
    data += Data("data \(message.count)\n".utf8) + message + Data("\n".utf8)
    for (path, blob) in files { data += Data("M 100644 :\(blob) ".utf8) + path + Data("\n".utf8) }
    data += Data("\n".utf8)
  }

  func importInto(_ repo: TempRepo) throws {
    let result = try run("git", ["fast-import", "--quiet"], in: repo.url, stdin: data)
    #expect(result.status == 0, "fast-import: \(result.stderr)")
  }
}

/// The names of the files in `directory`, to show a scan wrote nothing.
func listing(_ directory: TempDirectory) throws -> [String] {
  try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
}

@Suite("hostile inputs", .serialized)
struct HostileInputTests {
  @Test("a 2 GB file is skipped as over the limit, saying how to scan it; under a raised limit its first 8 KiB mark it binary", .timeLimit(.minutes(2)))
  func twoGigabyteFile() throws {
    let dir = try TempDirectory()
    try dir.write("disk.img", "GITHUB_TOKEN=\(githubSecret)\n")
    #expect(truncate(dir.path + "/disk.img", 2 << 30) == 0)
    let before = try listing(dir)
    let text = try runHush(["scan", "disk.img"], in: dir.url)
    #expect(text.status == 0, "\(text.stderr)")
    #expect((text.stdout + text.stderr).contains("skipped 1 over the size limit (raise --max-file-size to scan)"), "\(text.stdout)\(text.stderr)")
    let raised = try runHush(["scan", "disk.img", "--max-file-size", "3G", "--format", "json"], in: dir.url)
    #expect(raised.status == 0, "\(raised.stderr)")
    let stats = try #require((try jsonObject(raised.stdoutBytes))["stats"] as? [String: Any])
    #expect(stats["skippedBinary"] as? Int == 1 && stats["filesScanned"] as? Int == 0)
    #expect(try listing(dir) == before)
  }

  @Test("a 100 MB single line: the token in its middle is found at line 1, and the output stays small", .timeLimit(.minutes(3)))
  func hundredMegabyteLine() throws {
    let dir = try TempDirectory()
    try dir.write("hush.toml", acmeConfig)
    let half = Data(repeating: UInt8(ascii: "x"), count: 50_000_000)
    try dir.write("bundle.min.js", half + Data(";k=\"\(acmeSecret)\";".utf8) + half)
    for format in ["text", "json"] {
      let result = try runHush(["scan", "bundle.min.js", "--config", "hush.toml", "--max-file-size", "200M", "--format", format], in: dir.url)
      #expect(result.status == 1, "\(result.stderr)")
      #expect(result.stdoutBytes.count < 64 << 10, "\(format) output is \(result.stdoutBytes.count) bytes")
      if format == "json" {
        let finding = try #require(((try jsonObject(result.stdoutBytes))["findings"] as? [[String: Any]])?.first)
        #expect(finding["line"] as? Int == 1)
        #expect(finding["column"] as? Int == 50_000_005)
      }
    }
  }

  @Test("NUL bytes after the first 8 KiB: still text, the token is found; a NUL inside 8 KiB: binary (files and history)")
  func nulAfterEightKiB() throws {
    let repo = try TempRepo()
    let text = Data(repeating: UInt8(ascii: "a"), count: 8191) + Data("\n".utf8)
    try repo.directory.write("late.txt", text + Data([0, 0, 0]) + Data("\nGITHUB_TOKEN=\(githubSecret)\n".utf8))
    try repo.directory.write("early.txt", Data("GITHUB_TOKEN=\(githubSecret)\n".utf8) + Data([0]) + text)
    try repo.commitAll("nul bytes")
    for arguments in [["scan", "--no-baseline", "late.txt", "early.txt"], ["scan", "--history", "--no-cache"]] {
      let result = try runHush(arguments + ["--format", "json"], in: repo.url)
      #expect(result.status == 1, "\(arguments): \(result.stderr)")
      let report = try jsonObject(result.stdoutBytes)
      let files = (report["findings"] as? [[String: Any]] ?? []).compactMap { $0["file"] as? String }
      #expect(files == ["late.txt"], "\(arguments): \(files)")
      #expect((report["stats"] as? [String: Any])?["skippedBinary"] as? Int == 1, "\(arguments)")
    }
  }

  @Test("invalid UTF-8 in a file name, its content, the author and the message: found, and every report format stays valid")
  func invalidUTF8() throws {
    try #require(FileManager.default.fileExists(atPath: sarifSchema.path), "needs ../shared/schemas")
    let repo = try TempRepo()
    var stream = FastImport()
    let content = Data([0xC3, 0x28, 0xFF]) + Data(" GITHUB_TOKEN=\(githubSecret) ".utf8) + Data([0xE2, 0x82, 0xFE, 0x0A])
    let blob = stream.blob(content)
    stream.commit(
      "refs/heads/main", author: Data("Mall".utf8) + Data([0xFF, 0xFE]) + Data("ory".utf8),
      message: Data("bad ".utf8) + Data([0xC0, 0xAF]) + Data(" message\n".utf8),
      files: [(Data("dir/bad".utf8) + Data([0xFF]) + Data(".env".utf8), blob)])
    try stream.importInto(repo)
    let json = try runHush(["scan", "--history", "--no-cache", "--format", "json"], in: repo.url)
    #expect(json.status == 1, "\(json.stderr)")
    let finding = try #require(((try jsonObject(json.stdoutBytes))["findings"] as? [[String: Any]])?.first)
    #expect(finding["file"] as? String == "dir/bad\u{FFFD}.env")
    #expect(!json.stdout.contains(githubSecret))
    let sarif = try runHush(["scan", "--history", "--no-cache", "--format", "sarif", "--output", "../out.sarif"], in: repo.url)
    #expect(sarif.status == 1, "\(sarif.stderr)")
    let validate = "import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1]))); print('valid')"
    let sarifPath = repo.url.deletingLastPathComponent().path + "/out.sarif"
    defer { try? FileManager.default.removeItem(atPath: sarifPath) }
    let check = try python(validate, [sarifSchema.path, sarifPath], in: repo.url)
    #expect(check.stdout.contains("valid"), "\(check.stderr)")
    let junit = try runHush(["scan", "--history", "--no-cache", "--format", "junit"], in: repo.url)
    #expect(junit.status == 1)
    let parsed = try run("python3", ["-c", "import sys,xml.dom.minidom; xml.dom.minidom.parseString(sys.stdin.buffer.read()); print('ok')"], in: repo.url, stdin: junit.stdoutBytes)
    #expect(parsed.stdout.contains("ok"), "\(parsed.stderr)")
    // The same bytes on standard input.
    let stdin = try runHush(["scan", "--stdin", "--format", "json"], in: repo.url, stdin: content)
    #expect(stdin.status == 1, "\(stdin.stderr)")
    // A rule file that is not UTF-8: one line naming it, exit 2, nothing scanned.
    try repo.directory.write("bad.toml", Data("[[rules]]\nid = \"x".utf8) + Data([0xFF]) + Data("\"\nregex = 'a'\n".utf8))
    let rules = try runHush(["scan", "--config", "bad.toml", "."], in: repo.url)
    #expect(rules.status == 2, "\(rules.stdout)\(rules.stderr)")
    #expect(rules.stderr.contains("bad.toml") && rules.stderr.split(separator: "\n").count == 1, "\(rules.stderr)")
  }

  @Test("100,000 files in one commit: history and the staged index each give the one finding, attributed", .timeLimit(.minutes(5)))
  func hundredThousandFiles() throws {
    let repo = try TempRepo()
    var stream = FastImport()
    var files: [(Data, Int)] = []
    for index in 0..<100_000 {
      let content = index == 77_777 ? "GITHUB_TOKEN=\(githubSecret)\n" : "line \(index)\n"
      files.append((Data("d\(index / 1000)/f\(index).txt".utf8), stream.blob(Data(content.utf8))))
    }
    stream.commit("refs/heads/big", message: Data("everything at once\n".utf8), files: files)
    try stream.importInto(repo)
    let commit = try repo.git("rev-parse", "big").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let history = try runHush(["scan", "--history", "--no-cache", "--format", "json"], in: repo.url)
    #expect(history.status == 1, "\(history.stderr)")
    let report = try jsonObject(history.stdoutBytes)
    let findings = try #require(report["findings"] as? [[String: Any]])
    #expect(findings.count == 1)
    #expect(findings.first?["file"] as? String == "d77/f77777.txt")
    #expect(findings.first?["commit"] as? String == commit)
    #expect(findings.first?["author"] as? String == "Mallory Example")
    // The pre-commit view: an unborn HEAD and 100,000 staged files.
    try repo.git("read-tree", "big")
    let staged = try runHush(["scan", "--staged", "--format", "json"], in: repo.url)
    #expect(staged.status == 1, "\(staged.stderr)")
    let stagedFindings = try #require((try jsonObject(staged.stdoutBytes))["findings"] as? [[String: Any]])
    #expect(stagedFindings.map { $0["file"] as? String } == ["d77/f77777.txt"])
  }

  @Test("a 20 MB commit message: the finding is attributed and each report carries at most 4 KiB of it", .timeLimit(.minutes(2)))
  func hugeCommitMessage() throws {
    let repo = try TempRepo()
    var stream = FastImport()
    let blob = stream.blob(Data("GITHUB_TOKEN=\(githubSecret)\n".utf8))
    let message = Data(repeating: UInt8(ascii: "m"), count: 20 << 20) + Data("\n".utf8)
    stream.commit("refs/heads/main", message: message, files: [(Data("a.env".utf8), blob)])
    try stream.importInto(repo)
    let result = try runHush(["scan", "--history", "--no-cache", "--format", "json"], in: repo.url)
    #expect(result.status == 1, "\(result.stderr)")
    #expect(result.stdoutBytes.count < 16 << 10, "report is \(result.stdoutBytes.count) bytes")
    let finding = try #require(((try jsonObject(result.stdoutBytes))["findings"] as? [[String: Any]])?.first)
    let shown = try #require(finding["message"] as? String)
    #expect(shown.utf8.count <= 4096 + 3 && shown.hasSuffix("…"))
  }

  @Test("submodules: a checked-out one is scanned in file mode; git modes count it as another repository's content")
  func submodules() throws {
    let inner = try TempRepo()
    try inner.write("s.env", "GITHUB_TOKEN=\(githubSecret)\n")
    try inner.commitAll("inner")
    let outer = try TempRepo()
    try outer.write("README.md", "outer\n")
    try outer.commitAll("outer")
    let added = try run("git", ["-c", "protocol.file.allow=always", "submodule", "add", "-q", inner.url.path, "sub"], in: outer.url)
    #expect(added.status == 0, "\(added.stderr)")
    let staged = try runHush(["scan", "--staged", "--format", "json"], in: outer.url)
    #expect(staged.status == 0, "\(staged.stderr)")
    #expect((try jsonObject(staged.stdoutBytes)["stats"] as? [String: Any])?["skippedSubmodules"] as? Int == 1)
    try outer.commitAll("add submodule")
    let files = try runHush(["scan", "--no-baseline", ".", "--format", "json"], in: outer.url)
    #expect(files.status == 1, "\(files.stderr)")
    let found = ((try jsonObject(files.stdoutBytes))["findings"] as? [[String: Any]] ?? []).compactMap { $0["file"] as? String }
    #expect(found == ["sub/s.env"])
    for arguments in [["scan", "--history", "--no-cache"], ["scan", "--range", "HEAD~1..HEAD"]] {
      let result = try runHush(arguments + ["--format", "json"], in: outer.url)
      #expect(result.status == 0, "\(arguments): \(result.stderr)")
      #expect((try jsonObject(result.stdoutBytes)["stats"] as? [String: Any])?["skippedSubmodules"] as? Int == 1, "\(arguments)")
      let text = try runHush(arguments, in: outer.url)
      #expect((text.stdout + text.stderr).contains("1 submodule not scanned"), "\(text.stdout)\(text.stderr)")
    }
    // An uninitialised submodule (a fresh clone without --recurse-submodules) is counted, not an error.
    try FileManager.default.removeItem(atPath: outer.url.path + "/sub")
    try FileManager.default.createDirectory(atPath: outer.url.path + "/sub", withIntermediateDirectories: true)
    let empty = try runHush(["scan", "--no-baseline", ".", "--format", "json"], in: outer.url)
    #expect(empty.status == 0, "\(empty.stderr)")
    #expect((try jsonObject(empty.stdoutBytes)["stats"] as? [String: Any])?["skippedSubmodules"] as? Int == 1)
  }

  @Test("a catastrophic user rule in history and staged scans: bounded, the rule named, other findings kept", .timeLimit(.minutes(2)))
  func catastrophicRuleInGit() throws {
    let repo = try TempRepo()
    try repo.write(".hush/config.toml", acmeConfig + "\n[[rules]]\nid = \"user-slow\"\nregex = '''(x+x+)+\\d'''\n")
    try repo.write("a.txt", String(repeating: "x", count: 5000) + "\nk=\(acmeSecret)\n")
    try repo.git("add", "a.txt")
    let staged = try runHush(["scan", "--staged"], in: repo.url)
    #expect(staged.status == 1 && staged.stderr.contains("rule 'user-slow'") && staged.stdout.contains("acme-api-token"), "\(staged.stderr)")
    try repo.commitAll("slow")
    let history = try runHush(["scan", "--history", "--no-cache"], in: repo.url)
    #expect(history.status == 1 && history.stderr.contains("rule 'user-slow'") && history.stdout.contains("acme-api-token"), "\(history.stderr)")
  }

  @Test("a rule file with 10,000 rules loads, checks, and finds the token of rule 9,999 only", .timeLimit(.minutes(3)))
  func tenThousandRules() throws {
    let dir = try TempDirectory()
    var toml = ""
    for index in 0..<10_000 {
      toml += "[[rules]]\nid = \"r\(index)\"\nregex = '''\\b(k\(index)q_[a-z0-9]{24})\\b'''\nkeywords = [\"k\(index)q_\"]\n\n"
    }
    try dir.write("big.toml", toml)
    try dir.write("a.txt", "token = k9999q_4f9c2b7d1e8a6c3f5b0dfa7c\n")
    let result = try runHush(["scan", "a.txt", "--config", "big.toml", "--format", "json"], in: dir.url)
    #expect(result.status == 1, "\(result.stderr)")
    let rules = ((try jsonObject(result.stdoutBytes))["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
    #expect(rules == ["r9999"])
    let check = try runHush(["rules", "check", "big.toml"], in: dir.url)
    #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
  }
}
