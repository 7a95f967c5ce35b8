import Foundation
import Testing
import TestSupport

/// Runs a short Python program (the CI machine has python3; `.ci/run` installs jsonschema).
func python(_ program: String, _ arguments: [String], in directory: URL) throws -> ToolResult {
  try run("python3", ["-c", program] + arguments, in: directory)
}

let sarifSchema = sharedFile("schemas/sarif-schema-2.1.0.json")

func leakyRepo() throws -> TempRepo {
  let repo = try TempRepo()
  try repo.write(".hush/config.toml", acmeConfig)
  try repo.git("remote", "add", "origin", "git@github.com:example/leaky.git")
  try repo.write("src/app.py", "import os\nTOKEN = \"\(acmeSecret)\"\n")
  try repo.write("deploy, \"prod\".env", "K=\(otherSecret)\n")
  try repo.commitAll("add config")
  return repo
}

@Suite struct ReportFormatTests {
  @Test("SARIF validates against the 2.1.0 schema, for findings, a clean scan and a history scan")
  func sarif() throws {
    try #require(FileManager.default.fileExists(atPath: sarifSchema.path), "needs ../shared/schemas")
    let repo = try leakyRepo()
    let validate = "import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1]))); print('valid')"
    for arguments in [["scan", "."], ["scan", "--history"], ["scan", "--no-baseline", "src/__init__.py"]] {
      if arguments.last == "src/__init__.py" { try repo.write("src/__init__.py", "\n") }
      let result = try runHush(arguments + ["--format", "sarif", "--output", "out.sarif"], in: repo.url)
      #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
      let check = try python(validate, [sarifSchema.path, "out.sarif"], in: repo.url)
      #expect(check.stdout.contains("valid"), "\(arguments): \(check.stderr)")
    }
    let history = try jsonObject(try Data(contentsOf: repo.url.appendingPathComponent("out.sarif")))
    _ = history
    let result = try runHush(["scan", "--history", "--format", "sarif"], in: repo.url)
    let run = try #require(((try jsonObject(result.stdoutBytes))["runs"] as? [[String: Any]])?.first)
    let provenance = try #require((run["versionControlProvenance"] as? [[String: Any]])?.first)
    #expect(provenance["repositoryUri"] as? String == "https://github.com/example/leaky")
    #expect(provenance["branch"] as? String == "main")
    #expect(((run["invocations"] as? [[String: Any]])?.first?["exitCode"] as? Int) == 1)
    let first = try #require((run["results"] as? [[String: Any]])?.first)
    #expect((first["partialFingerprints"] as? [String: String])?["hushFingerprint/v1"]?.count == 32)
    #expect(!result.stdout.contains(acmeSecret))
  }

  @Test("JUnit parses as XML: one failing case per finding, grouped by file; a clean scan passes")
  func junit() throws {
    let repo = try leakyRepo()
    let parse = "import sys,xml.etree.ElementTree as E; r=E.parse(sys.argv[1]).getroot(); print(r.tag, r.get('tests'), r.get('failures'), len(r.findall('testsuite')))"
    #expect(try runHush(["scan", ".", "--format", "junit", "-o", "j.xml"], in: repo.url).status == 1)
    #expect(try python(parse, ["j.xml"], in: repo.url).stdout == "testsuites 2 2 2\n")
    let clean = try TempDirectory()
    try clean.write("a.txt", "nothing\n")
    #expect(try runHush(["scan", ".", "--format", "junit", "-o", "j.xml"], in: clean.url).status == 0)
    #expect(try python(parse, ["j.xml"], in: clean.url).stdout == "testsuites 1 0 1\n")
  }

  @Test("CSV round-trips: the rows read back equal the JSON report's fields")
  func csv() throws {
    let repo = try leakyRepo()
    _ = try runHush(["scan", ".", "--format", "csv", "-o", "r.csv"], in: repo.url)
    _ = try runHush(["scan", ".", "--format", "json", "-o", "r.json"], in: repo.url)
    let compare = """
      import csv,json,sys
      rows=list(csv.DictReader(open(sys.argv[1], newline='')))
      found=json.load(open(sys.argv[2]))['findings']
      assert len(rows)==len(found)==2, (len(rows), len(found))
      for r,f in zip(rows,found):
          assert r['rule']==f['rule'] and r['file']==f['file'] and int(r['line'])==f['line'] and int(r['column'])==f['column'], (r,f)
          assert r['secret']==f['secret'] and r['fingerprint']==f['fingerprint'] and r['tags']==';'.join(f['tags'])
      print('ok')
      """
    let result = try python(compare, ["r.csv", "r.json"], in: repo.url)
    #expect(result.stdout == "ok\n", "\(result.stderr)")
  }

  @Test("gitleaks-json has gitleaks' field names and types")
  func gitleaksJSON() throws {
    let repo = try leakyRepo()
    let result = try runHush(["scan", "--history", "--format", "gitleaks-json"], in: repo.url)
    let findings = try #require(try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [[String: Any]])
    #expect(findings.count == 2)
    let strings = ["RuleID", "Description", "Match", "Secret", "File", "SymlinkFile", "Commit", "Author", "Email", "Date", "Message", "Fingerprint"]
    for finding in findings {
      for key in strings { #expect(finding[key] is String, "\(key)") }
      for key in ["StartLine", "EndLine", "StartColumn", "EndColumn"] { #expect(finding[key] is Int, "\(key)") }
      #expect(finding["Entropy"] is Double || finding["Entropy"] is Int)
      #expect(finding["Tags"] is [Any])
      #expect((finding["Commit"] as? String)?.count == 40)
    }
    #expect(!result.stdout.contains(acmeSecret))
  }

  @Test("github format writes workflow commands with escaped properties")
  func github() throws {
    let repo = try leakyRepo()
    let result = try runHush(["scan", ".", "--format", "github"], in: repo.url)
    #expect(result.status == 1)
    #expect(result.stdout.contains("::error file=deploy%2C \"prod\".env,line=1,col=3,"))
    #expect(result.stdout.contains("::error file=src/app.py,line=2,col=10,"))
    #expect(!result.stdout.contains(acmeSecret))
  }

  @Test("no format carries the raw secret by default; --show-secrets and --redact apply to every format alike",
    arguments: ["text", "json", "sarif", "junit", "csv", "gitleaks-json", "github"])
  func redaction(format: String) throws {
    let repo = try leakyRepo()
    let hidden = try runHush(["scan", ".", "--format", format], in: repo.url)
    #expect(!hidden.stdout.contains(acmeSecret) && !hidden.stdout.contains(String(acmeSecret.prefix(20))))
    let shown = try runHush(["scan", ".", "--format", format, "--show-secrets"], in: repo.url)
    #expect(shown.stdout.contains(acmeSecret))
    let half = try runHush(["scan", ".", "--format", format, "--redact=50"], in: repo.url)
    #expect(half.stdout.contains(String(acmeSecret.prefix(18)) + "..."))
    #expect(!half.stdout.contains(String(acmeSecret.prefix(19))))
    let full = try runHush(["scan", ".", "--format", format, "--redact"], in: repo.url)
    #expect(full.stdout.contains("REDACTED"))
  }

  @Test("--exit-code sets the code for findings; suppressed findings never fail the run")
  func exitCode() throws {
    let repo = try leakyRepo()
    #expect(try runHush(["scan", ".", "--exit-code", "3"], in: repo.url).status == 3)
    #expect(try runHush(["baseline", "create"], in: repo.url).status == 0)
    #expect(try runHush(["scan", ".", "--exit-code", "3"], in: repo.url).status == 0)
  }
}

@Suite struct BaselineCommandTests {
  @Test("a baselined secret moved 20 lines down stays suppressed; a different secret on the same line is reported")
  func survivesEdits() throws {
    let repo = try TempRepo()
    try repo.write(".hush/config.toml", acmeConfig)
    try repo.write("a.py", "TOKEN = \"\(acmeSecret)\"\n")
    try repo.commitAll("base")
    let created = try runHush(["baseline", "create"], in: repo.url)
    #expect(created.status == 0, "\(created.stderr)")
    #expect(try runHush(["scan", "."], in: repo.url).status == 0)
    try repo.write("a.py", String(repeating: "# filler\n", count: 20) + "TOKEN = \"\(acmeSecret)\"\n")
    let moved = try runHush(["scan", "."], in: repo.url)
    #expect(moved.status == 0)
    #expect(moved.stdout.contains("1 suppressed (1 baseline)"))
    try repo.write("a.py", String(repeating: "# filler\n", count: 20) + "TOKEN = \"\(otherSecret)\"\n")
    let different = try runHush(["scan", ".", "--format", "json"], in: repo.url)
    #expect(different.status == 1)
    #expect(try findings(different).count == 1)
  }

  @Test("two branches that each add a baseline entry merge without a conflict")
  func mergesCleanly() throws {
    let repo = try TempRepo()
    try repo.write(".hush/config.toml", acmeConfig)
    try repo.write("a.txt", "k=\(acmeSecret)\n")
    try repo.commitAll("base")
    #expect(try runHush(["baseline", "create"], in: repo.url).status == 0)
    try repo.commitAll("baseline")
    try repo.git("checkout", "-q", "-b", "one")
    try repo.write("b.txt", "k=acme_1111fake2222aaaa3333bbbb4444cccc\n")
    #expect(try runHush(["baseline", "update"], in: repo.url).status == 0)
    try repo.commitAll("one")
    try repo.git("checkout", "-q", "main")
    try repo.git("checkout", "-q", "-b", "two")
    try repo.write("c.txt", "k=acme_9999fake8888dddd7777eeee6666ffff\n")
    #expect(try runHush(["baseline", "update"], in: repo.url).status == 0)
    try repo.commitAll("two")
    try repo.git("checkout", "-q", "one")
    let merge = try run("git", ["merge", "-q", "--no-edit", "two"], in: repo.url)
    #expect(merge.status == 0, "\(merge.stdout)\(merge.stderr)")
    #expect(try runHush(["scan", "."], in: repo.url).status == 0)
    let text = try String(contentsOf: repo.url.appendingPathComponent(".hush/baseline.json"), encoding: .utf8)
    #expect(text.split(separator: "\n").count == 6)
  }

  @Test("prune drops entries whose secret is gone")
  func prune() throws {
    let repo = try TempRepo()
    try repo.write(".hush/config.toml", acmeConfig)
    try repo.write("a.txt", "k=\(acmeSecret)\n")
    try repo.write("b.txt", "k=\(otherSecret)\n")
    #expect(try runHush(["baseline", "create"], in: repo.url).status == 0)
    try FileManager.default.removeItem(at: repo.url.appendingPathComponent("b.txt"))
    let pruned = try runHush(["baseline", "prune"], in: repo.url)
    #expect(pruned.stdout.contains("dropped 1 entry"))
  }

  @Test("an expired .hush/ignore entry stops suppressing and is reported as expired (fixed clock)")
  func ignoreExpiry() throws {
    let repo = try TempRepo()
    try repo.write(".hush/config.toml", acmeConfig)
    try repo.write("a.txt", "k=\(acmeSecret)\n")
    let fingerprint = try #require(try findings(try runHush(["scan", ".", "--format", "json"], in: repo.url)).first?["fingerprint"] as? String)
    try repo.write(".hush/ignore", "fp:\(fingerprint) # test fixture, expires 2027-06-01\n")
    let before = try runHush(["scan", "."], in: repo.url, environment: ["HUSH_TODAY": "2027-05-31"])
    #expect(before.status == 0)
    #expect(before.stdout.contains("1 suppressed (1 ignore entry)"))
    let after = try runHush(["scan", "."], in: repo.url, environment: ["HUSH_TODAY": "2027-06-02"])
    #expect(after.status == 1)
    #expect(after.stderr.contains(".hush/ignore:1: entry expired on 2027-06-01"))
  }
}

@Suite struct ExplainTests {
  @Test("--explain names every reason a candidate was dropped")
  func everyReason() throws {
    let repo = try TempRepo()
    try repo.write(".hush/config.toml", acmeConfig.replacingOccurrences(of: "keywords = [\"acme_\"]", with: """
      keywords = ["acme_"]
      [[rules.allowlists]]
      description = "sandbox keys"
      stopwords = ["sandbox"]
      """) + """

      [[rules]]
      id = "plain-password"
      regex = '''password = "([^"]+)"'''
      keywords = ["password"]

      [[allowlists]]
      description = "generated docs"
      paths = ['''^docs/''']
      [[allowlists]]
      description = "sample lines"
      regexTarget = "line"
      regexes = ['''SAMPLE''']
      """)
    try repo.write("a.txt", """
      low=acme_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
      sand=acme_sandbox7d1e8a6c3f5b0dfa7c4f1b8e2
      sample=\(acmeSecret) SAMPLE
      inline=\(acmeSecret) # hush:allow fixture
      password = "hush://db-password"
      base=\(otherSecret)
      ignored=acme_1111fake2222aaaa3333bbbb4444cccc

      """)
    try repo.write("docs/x.txt", "k=\(acmeSecret)\n")
    let base = try findings(try runHush(["scan", "a.txt", "--format", "json"], in: repo.url))
    let other = try #require(base.first { ($0["line"] as? Int) == 6 }?["fingerprint"] as? String)
    let ignored = try #require(base.first { ($0["line"] as? Int) == 7 }?["fingerprint"] as? String)
    try repo.write(".hush/baseline.json", "{\"version\": 1, \"findings\": [\n{\"fingerprint\": \"\(other)\", \"rule\": \"acme-api-token\", \"file\": \"a.txt\"},\n{}\n]}\n")
    try repo.write(".hush/ignore", "fp:\(ignored) # rotated already\n")
    let result = try runHush(["scan", "a.txt", "docs", "--explain"], in: repo.url)
    #expect(result.status == 0, "\(result.stdout)")
    for reason in ["entropy below threshold", "rule allowlist: allowlist 1 (sandbox keys): stopword 'sandbox'", "global allowlist: allowlist 2 (sample lines): regex 'SAMPLE' on the line",
                   "inline marker: hush:allow fixture", "vault reference", "baseline", "ignore entry: .hush/ignore:1 (rotated already)", "path allowlist: allowlist 1 (generated docs)"] {
      #expect(result.stderr.contains(reason), "missing: \(reason)\n\(result.stderr)")
    }
    #expect(!result.stderr.contains(acmeSecret))
  }
}

@Suite struct CIRecipeTests {
  /// A repository with a base branch and a feature branch adding a secret, cloned so `origin/main` exists.
  func prRepository() throws -> (TempDirectory, URL) {
    let origin = try TempRepo()
    try origin.write(".hush/config.toml", acmeConfig)
    try origin.write("a.txt", "x\n")
    try origin.commitAll("base")
    let work = try TempDirectory()
    #expect(try run("git", ["clone", "-q", "file://" + origin.url.path, "w"], in: work.url).status == 0)
    let clone = work.url.appendingPathComponent("w")
    for args in [["config", "user.name", "T"], ["config", "user.email", "t@hush.invalid"], ["checkout", "-q", "-b", "feature"]] {
      _ = try run("git", args, in: clone)
    }
    try "k=\(acmeSecret)\n".write(to: clone.appendingPathComponent("b.txt"), atomically: true, encoding: .utf8)
    _ = try run("git", ["add", "-A"], in: clone)
    _ = try run("git", ["commit", "-q", "-m", "feature"], in: clone)
    return (work, clone)
  }

  /// The `hush ...` commands of a recipe file (YAML `run:` or `- ` lines).
  func commands(_ file: String) throws -> [String] {
    let text = try String(contentsOf: packageRoot.appendingPathComponent(file), encoding: .utf8)
    return text.split(separator: "\n").compactMap { line in
      var command = line.trimmingCharacters(in: .whitespaces)
      for prefix in ["run: ", "- "] where command.hasPrefix(prefix) { command.removeFirst(prefix.count) }
      return command.hasPrefix("hush scan") ? command : nil
    }
  }

  func shell(_ command: String, in directory: URL, _ environment: [String: String]) throws -> ToolResult {
    let path = URL(fileURLWithPath: hushBinary()).deletingLastPathComponent().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    return try run("/bin/sh", ["-c", command], in: directory, environment: environment.merging(["PATH": path]) { $1 })
  }

  @Test("the GitHub Actions recipe's scan commands run against a pull-request repository")
  func githubActions() throws {
    let (work, clone) = try prRepository()
    _ = work
    let found = try commands("docs/ci/github-actions.yml")
    #expect(found.count == 3)
    for command in found {
      let result = try shell(command, in: clone, ["GITHUB_BASE_REF": "main"])
      #expect(result.status == 1, "\(command): \(result.stderr)")
    }
    #expect(FileManager.default.fileExists(atPath: clone.appendingPathComponent("hush.sarif").path))
  }

  @Test("the GitLab CI recipe's scan command writes a JUnit report")
  func gitlab() throws {
    let (work, clone) = try prRepository()
    _ = work
    let found = try commands("docs/ci/gitlab-ci.yml")
    #expect(found.count == 1)
    let result = try shell(found[0], in: clone, ["CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"])
    #expect(result.status == 1, "\(result.stderr)")
    let xml = try String(contentsOf: clone.appendingPathComponent("hush-junit.xml"), encoding: .utf8)
    #expect(xml.contains("failures=\"1\""))
  }

  @Test("the generic shell recipe fails on a new secret and passes on a clean branch")
  func shellRecipe() throws {
    let (work, clone) = try prRepository()
    _ = work
    let script = packageRoot.appendingPathComponent("docs/ci/scan.sh").path
    let failing = try shell("sh \(script)", in: clone, ["BASE": "origin/main"])
    #expect(failing.status == 1)
    #expect(failing.stderr.contains("new secrets found"))
    let passing = try shell("sh \(script)", in: clone, ["BASE": "HEAD"])
    #expect(passing.status == 0)
  }
}
