import Foundation
import Testing
import TestSupport

/// A repository with a vault, where `hush fix` runs as alice.
final class FixRepo: @unchecked Sendable {
  let v: VaultRepo
  static let token = "ghp_FAKEfakeFAKEfake0123456789abcdefFAKE"
  static let password = "Tr0ub4dor-FAKE-9xq"

  init() throws {
    v = try VaultRepo()
    let result = try v.hush("alice", ["vault", "init"])
    #expect(result.status == 0, "\(result.stderr)")
    try v.repo.write("README.md", "app\n")
    try v.repo.commitAll("init")
  }

  var root: String { v.repo.url.path }
  func read(_ path: String) throws -> String { try String(contentsOfFile: root + "/" + path, encoding: .utf8) }
  @discardableResult
  func hush(_ arguments: [String], stdin: String? = nil, env: [String: String] = [:]) throws -> ToolResult {
    try v.hush("alice", arguments, stdin: stdin, env: env)
  }
  func tool(_ name: String) -> Bool { (try? run("sh", ["-c", "command -v \(name)"], in: v.repo.url).status) == 0 }
}

@Suite("hush fix", .serialized)
struct FixCommandTests {
  /// Fixes `path` by hand and checks the result holds no literal and names the variable.
  func fixFile(_ f: FixRepo, _ path: String, _ content: String, expect: String) throws -> String {
    try f.v.repo.write(path, content)
    let result = try f.hush(["fix", "--yes", path])
    #expect(result.status == 0, "\(path): \(result.stdout)\(result.stderr)")
    let fixed = try f.read(path)
    #expect(!fixed.contains(FixRepo.token) && !fixed.contains(FixRepo.password), "\(path) still has the literal:\n\(fixed)")
    #expect(fixed.contains(expect), "\(path):\n\(fixed)")
    #expect(!result.stdout.contains(FixRepo.token) && !result.stdout.contains(FixRepo.password))
    return fixed
  }

  @Test("Python: rewritten to os.environ, import added, and the program gets the value under hush run")
  func python() throws {
    let f = try FixRepo()
    let fixed = try fixFile(f, "app.py", "\"\"\"The app.\"\"\"\nfrom __future__ import annotations\n\ndb_password = \"\(FixRepo.password)\"\nprint(db_password)\n", expect: "os.environ[\"DB_PASSWORD\"]")
    #expect(fixed.contains("import os"))
    #expect(try f.read(".hush/env.toml").contains("DB_PASSWORD = \"hush://db-password\""))
    let run = try f.hush(["run", "--mask", "never", "--", "python3", "app.py"])
    #expect(run.stdout == FixRepo.password + "\n", "\(run.stderr)")
  }

  @Test("Node: process.env, and the program gets the value")
  func node() throws {
    let f = try FixRepo()
    guard f.tool("node") else {
      print("notice: node is not installed; the Node row is checked at text level only")
      return
    }
    _ = try fixFile(f, "server.js", "const token = \"\(FixRepo.token)\";\nconsole.log(token);\n", expect: "process.env.GITHUB_TOKEN")
    let run = try f.hush(["run", "--mask", "never", "--", "node", "server.js"])
    #expect(run.stdout == FixRepo.token + "\n", "\(run.stderr)")
  }

  @Test("Shell: ${VAR:?…}, and the script gets the value")
  func shell() throws {
    let f = try FixRepo()
    _ = try fixFile(f, "deploy.sh", "#!/bin/sh\nTOKEN=\"\(FixRepo.token)\"\necho \"$TOKEN\"\n", expect: "GITHUB_TOKEN")
    let run = try f.hush(["run", "--mask", "never", "--", "sh", "deploy.sh"])
    #expect(run.stdout == FixRepo.token + "\n", "\(run.stderr)")
  }

  @Test("Go: os.Getenv (run for real when go is installed)")
  func go() throws {
    let f = try FixRepo()
    let fixed = try fixFile(f, "main.go", "package main\n\nimport \"fmt\"\n\nvar token = \"\(FixRepo.token)\"\n\nfunc main() { fmt.Println(token) }\n", expect: "os.Getenv(\"GITHUB_TOKEN\")")
    #expect(fixed.contains("\"os\""))
    if f.tool("go") {
      let run = try f.hush(["run", "--mask", "never", "--", "go", "run", "main.go"])
      #expect(run.stdout == FixRepo.token + "\n", "\(run.stderr)")
    } else {
      print("notice: go is not installed; the Go row is checked at text level only")
    }
  }

  @Test("text-level rows: TypeScript, Swift, Java, Ruby, .env, .npmrc, compose, Terraform, JSON")
  func textRows() throws {
    let f = try FixRepo()
    _ = try fixFile(f, "src/client.ts", "export const token: string = \"\(FixRepo.token)\";\n", expect: "process.env.GITHUB_TOKEN!")
    _ = try fixFile(f, "Sources/App/Config.swift", "let token = \"\(FixRepo.token)\"\n", expect: "ProcessInfo.processInfo.environment[\"GITHUB_TOKEN\"]!")
    _ = try fixFile(f, "src/Main.java", "class Main { String token = \"\(FixRepo.token)\"; }\n", expect: "System.getenv(\"GITHUB_TOKEN\")")
    _ = try fixFile(f, "app.rb", "token = \"\(FixRepo.token)\"\n", expect: "ENV.fetch(\"GITHUB_TOKEN\")")
    _ = try fixFile(f, ".env", "GITHUB_TOKEN=\(FixRepo.token)\n", expect: "GITHUB_TOKEN=hush://")
    _ = try fixFile(f, ".npmrc", "//npm.pkg.github.com/:_authToken=\(FixRepo.token)\n", expect: "${")
    _ = try fixFile(f, "docker-compose.yml", "services:\n  app:\n    environment:\n      GITHUB_TOKEN: \"\(FixRepo.token)\"\n", expect: "${GITHUB_TOKEN}")
    _ = try fixFile(f, "infra/main.tf", "resource \"x\" \"y\" {\n  token = \"\(FixRepo.token)\"\n}\n", expect: "var.")
    #expect(try f.read("infra/variables.tf").contains("sensitive"))
    _ = try fixFile(f, "config/settings.json", "{\"token\": \"\(FixRepo.token)\"}\n", expect: "{{ hush://")
  }

  @Test("the other rows: Kotlin, GitHub Actions, Spring, plain .properties; Kubernetes Secrets and Dockerfiles are left with a reason")
  func otherRows() throws {
    let f = try FixRepo()
    _ = try fixFile(f, "src/Main.kt", "val token = \"\(FixRepo.token)\"\n", expect: "System.getenv(\"GITHUB_TOKEN\")!!")
    _ = try fixFile(f, ".github/workflows/ci.yml", "jobs:\n  build:\n    env:\n      TOKEN: \"\(FixRepo.token)\"\n", expect: "${{ secrets.")
    try f.v.repo.write("pom.xml", "<project><artifactId>spring-boot-starter</artifactId></project>\n")
    _ = try fixFile(f, "src/main/resources/application.yml", "github:\n  token: \"\(FixRepo.token)\"\n", expect: "${GITHUB_TOKEN}")
    _ = try fixFile(f, "conf/app.properties", "github.token=\(FixRepo.token)\n", expect: "hush://")
    for (path, text) in [
      ("k8s/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: gh\nstringData:\n  token: \(FixRepo.token)\n"),
      ("Dockerfile", "FROM alpine\nENV GITHUB_TOKEN=\(FixRepo.token)\n"),
    ] {
      try f.v.repo.write(path, text)
      let result = try f.hush(["fix", "--yes", path])
      #expect(result.status == 1, "\(path): \(result.stdout)\(result.stderr)")
      #expect(result.stdout.contains("left for you: \(path)"), "\(path): \(result.stdout)")
      #expect(try f.read(path) == text)
    }
  }

  @Test("never rewritten: lock files, minified bundles and test fixtures are left, with the reason")
  func neverTouched() throws {
    let f = try FixRepo()
    try f.v.repo.write("tests/fixtures/config.py", "token = \"\(FixRepo.token)\"\n")
    let result = try f.hush(["fix", "--yes", "tests/fixtures/config.py"])
    #expect(result.status == 1)
    #expect(result.stdout.contains("left for you: tests/fixtures/config.py"))
    #expect(try f.read("tests/fixtures/config.py").contains(FixRepo.token))
  }

  @Test("--dry-run shows the masked diff and changes nothing")
  func dryRun() throws {
    let f = try FixRepo()
    try f.v.repo.write("app.py", "db_password = \"\(FixRepo.password)\"\n")
    let result = try f.hush(["fix", "--dry-run", "app.py"])
    #expect(result.status == 1)
    #expect(result.stdout.contains("-db_password = \"***\""))
    #expect(result.stdout.contains("+db_password = os.environ[\"DB_PASSWORD\"]"))
    #expect(!result.stdout.contains(FixRepo.password))
    #expect(try f.read("app.py").contains(FixRepo.password))
    #expect(!FileManager.default.fileExists(atPath: f.root + "/.hush/vaults/default/secrets/db-password.json"))
  }

  @Test("staged mode: a file with staged and unstaged edits; each version is fixed, the staged one restaged")
  func stagedAndUnstaged() throws {
    let f = try FixRepo()
    try f.v.repo.write("app.py", "import os\ndb_password = \"\(FixRepo.password)\"\n")
    try f.v.repo.git("add", "app.py")
    try f.v.repo.write("app.py", "import os\ndb_password = \"\(FixRepo.password)\"\nprint('work in progress')\n")
    let result = try f.hush(["fix", "--staged", "--yes"])
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("review and commit again"))
    let working = try f.read("app.py")
    #expect(working == "import os\ndb_password = os.environ[\"DB_PASSWORD\"]\nprint('work in progress')\n")
    let staged = try f.v.repo.git("show", ":app.py").stdout
    #expect(staged == "import os\ndb_password = os.environ[\"DB_PASSWORD\"]\n")
    #expect(try f.hush(["vault", "read", "db-password"]).stdout == FixRepo.password)
    // The scan of the staged change is now clean.
    #expect(try runHush(["scan", "--staged", "--quiet"], in: f.v.repo.url).status == 0)
    // undo restores both.
    let undo = try f.hush(["undo"])
    #expect(undo.status == 0, "\(undo.stderr)")
    #expect(try f.read("app.py").contains(FixRepo.password))
    #expect(try f.v.repo.git("show", ":app.py").stdout.contains(FixRepo.password))
  }

  @Test("the hook: a terminal gets the offer through /dev/tty; without one nothing is asked; onCommit = fix moves without asking")
  func hook() throws {
    let f = try FixRepo()
    let env = f.v.environment("alice", ["HUSH_BIN": hushBinary()])
    #expect(try runHush(["hook", "install"], in: f.v.repo.url, environment: env).status == 0)
    try f.v.repo.write("app.py", "db_password = \"\(FixRepo.password)\"\n")
    try f.v.repo.git("add", "app.py")
    // No terminal (a new session has no controlling tty): blocked, no question, the one command to run.
    var result = try run("setsid", ["-w", "git", "commit", "-m", "add app"], in: f.v.repo.url, stdin: Data("m\n".utf8), environment: env)
    #expect(result.status != 0)
    #expect(!result.stdout.contains("[m]ove") && !result.stderr.contains("[m]ove"))
    #expect(result.stderr.contains("hush fix --staged"))
    #expect(try f.read("app.py").contains(FixRepo.password))
    // Through a pseudo-terminal: the offer, the answer, the fix, and the commit still blocked for review.
    let script = "printf 'm\\n' | (sleep 1; cat) | script -qec 'git commit -m \"add app\"' /dev/null"
    result = try run("sh", ["-c", script], in: f.v.repo.url, environment: env)
    #expect(result.stdout.contains("[m]ove to vault / [i]gnore with a reason / [a]bort"), "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("moved 1 secret to the vault"))
    #expect(try f.read("app.py") == "import os\ndb_password = os.environ[\"DB_PASSWORD\"]\n")
    #expect(try f.v.repo.git("log", "--oneline").stdout.split(separator: "\n").count == 1)
    // Review done: the commit goes through.
    result = try run("setsid", ["-w", "git", "commit", "-m", "add app"], in: f.v.repo.url, environment: env)
    #expect(result.status == 0, "\(result.stderr)")
    // onCommit = "fix": moved without asking, even with no terminal.
    try f.v.repo.write(".hush/config.toml", "[remediation]\nonCommit = \"fix\"\n")
    try f.v.repo.write("deploy.sh", "#!/bin/sh\nTOKEN=\"\(FixRepo.token)\"\necho \"$TOKEN\"\n")
    try f.v.repo.git("add", "-A")
    result = try run("setsid", ["-w", "git", "commit", "-m", "deploy"], in: f.v.repo.url, environment: env)
    #expect(result.status != 0)
    #expect((result.stdout + result.stderr).contains("moved 1 secret to the vault"), "\(result.stdout)\(result.stderr)")
    #expect(!(try f.read("deploy.sh")).contains(FixRepo.token))
  }

  @Test("--history lists where a committed secret is, records the exposure, and writes replacements only outside the repository")
  func history() throws {
    let f = try FixRepo()
    try f.v.repo.write("old.py", "token = \"\(FixRepo.token)\"\n")
    try f.v.repo.commitAll("oops")
    try f.v.repo.git("rm", "-q", "old.py")
    try f.v.repo.commitAll("remove it")
    #expect(try f.hush(["vault", "set", "github-pat-classic"], stdin: FixRepo.token).status == 0)
    var result = try f.hush(["fix", "--history", "--emit-replacements", "inside.txt"])
    #expect(result.status == 64)
    let outside = try TempDirectory()
    let file = outside.path + "/replacements.txt"
    result = try f.hush(["fix", "--history", "--emit-replacements", file])
    #expect(result.status == 1, "\(result.stderr)")
    #expect(result.stdout.contains("not pushed") && result.stdout.contains("refs/heads/main"))
    #expect(result.stdout.contains("recorded the exposure on hush://github-pat-classic"))
    #expect(result.stdout.contains("Rotate each credential at its provider now"))
    #expect(!result.stdout.contains(FixRepo.token))
    #expect((try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int) == 0o600)
    #expect(try String(contentsOfFile: file, encoding: .utf8) == "literal:\(FixRepo.token)==>hush://github-pat-classic\n")
    let stale = try f.hush(["vault", "stale"])
    #expect(stale.status == 1 && stale.stdout.contains("exposed  github-pat-classic"), "\(stale.stdout)")
  }

}
