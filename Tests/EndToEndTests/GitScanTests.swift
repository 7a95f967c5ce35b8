import Foundation
import Testing
import TestSupport

func findings(_ result: ToolResult) throws -> [[String: Any]] {
  (try jsonObject(result.stdoutBytes))["findings"] as? [[String: Any]] ?? []
}

let otherSecret = "acme_0fake9d8e7c6b5a4f3e2d1c0b9a8f7e6"

@Suite struct StagedScanTests {
  func repoWithConfig() throws -> TempRepo {
    let repo = try TempRepo()
    try repo.write(".hush/config.toml", acmeConfig)
    return repo
  }

  @Test("staged content is scanned from the index: unstaged edits are not, staged-then-deleted lines are")
  func indexNotWorktree() throws {
    let repo = try repoWithConfig()
    try repo.write("a.txt", "hello\n")
    try repo.commitAll("base")
    try repo.write("a.txt", "hello\nk=\(acmeSecret)\n")
    try repo.git("add", "a.txt")
    try repo.write("a.txt", "hello\n")  // removed from the working tree, still staged
    try repo.write("b.txt", "k=\(otherSecret)\n")  // never staged
    let result = try runHush(["scan", "--staged", "--format", "json"], in: repo.url)
    #expect(result.status == 1)
    let found = try findings(result)
    #expect(found.count == 1)
    #expect(found.first?["file"] as? String == "a.txt")
    #expect(found.first?["line"] as? Int == 2)
  }

  @Test("an unborn HEAD diffs against the empty tree")
  func unbornHead() throws {
    let repo = try repoWithConfig()
    try repo.write("first.txt", "x\nk=\(acmeSecret)\n")
    try repo.git("add", "first.txt")
    let result = try runHush(["scan", "--staged", "--format", "json"], in: repo.url)
    #expect(result.status == 1)
    #expect(try findings(result).first?["line"] as? Int == 2)
  }

  @Test("deleted files and removed lines are ignored; a rename reports only changed lines")
  func deletionsAndRenames() throws {
    let repo = try repoWithConfig()
    try repo.write("old.txt", "k=\(acmeSecret)\n" + String(repeating: "filler line\n", count: 20))
    try repo.write("gone.txt", "k=\(otherSecret)\n")
    try repo.commitAll("base")
    try repo.git("rm", "-q", "gone.txt")
    try repo.git("mv", "old.txt", "new.txt")
    #expect(try runHush(["scan", "--staged"], in: repo.url).status == 0)
    try repo.write("new.txt", "k=\(acmeSecret)\n" + String(repeating: "filler line\n", count: 20) + "k2=\(otherSecret)\n")
    try repo.git("add", "new.txt")
    let result = try runHush(["scan", "--staged", "--format", "json"], in: repo.url)
    let found = try findings(result)
    #expect(found.count == 1)
    #expect(found.first?["line"] as? Int == 22)
  }

  @Test("paths after -- limit the staged scan; it works from a subdirectory")
  func pathspecAndSubdirectory() throws {
    let repo = try repoWithConfig()
    try repo.write("src/a.txt", "k=\(acmeSecret)\n")
    try repo.write("docs/b.txt", "k=\(otherSecret)\n")
    try repo.git("add", "-A")
    let limited = try runHush(["scan", "--staged", "--format", "json", "--", "docs"], in: repo.url)
    #expect(try findings(limited).map { $0["file"] as? String } == ["docs/b.txt"])
    let fromSub = try runHush(["scan", "--staged", "--format", "json"], in: repo.url.appendingPathComponent("src"))
    #expect(try findings(fromSub).count == 2)
  }

  @Test("GIT_INDEX_FILE is honoured, as during `git commit -a`")
  func indexFile() throws {
    let repo = try repoWithConfig()
    try repo.write("a.txt", "x\n")
    try repo.commitAll("base")
    try repo.write("a.txt", "x\nk=\(acmeSecret)\n")
    // Build a temporary index holding the change, as git does for `commit -a`.
    let temp = repo.url.appendingPathComponent(".git/tmp-index").path
    try FileManager.default.copyItem(atPath: repo.url.appendingPathComponent(".git/index").path, toPath: temp)
    let add = try run("git", ["add", "a.txt"], in: repo.url, environment: ["GIT_INDEX_FILE": temp])
    #expect(add.status == 0)
    #expect(try runHush(["scan", "--staged"], in: repo.url).status == 0)
    #expect(try runHush(["scan", "--staged"], in: repo.url, environment: ["GIT_INDEX_FILE": temp]).status == 1)
  }

  @Test("a linked worktree scans its own index, and the hook installs into the common hooks directory")
  func linkedWorktree() throws {
    let repo = try repoWithConfig()
    try repo.write("a.txt", "x\n")
    try repo.commitAll("base")
    let side = repo.url.appendingPathComponent("../" + repo.url.lastPathComponent + "-wt").standardized
    defer { try? FileManager.default.removeItem(at: side) }
    try repo.git("worktree", "add", "-q", "-b", "wt", side.path)
    try "k=\(acmeSecret)\n".write(to: side.appendingPathComponent("b.txt"), atomically: true, encoding: .utf8)
    #expect(try run("git", ["add", "b.txt"], in: side).status == 0)
    let result = try runHush(["scan", "--staged", "--format", "json"], in: side)
    #expect(try findings(result).map { $0["file"] as? String } == ["b.txt"])
    #expect(try runHush(["scan", "--staged"], in: repo.url).status == 0)
    #expect(try runHush(["hook", "install"], in: side).status == 0)
    #expect(FileManager.default.fileExists(atPath: repo.url.appendingPathComponent(".git/hooks/pre-commit").path))
  }

  @Test("binary blobs are skipped and counted")
  func binary() throws {
    let repo = try repoWithConfig()
    try repo.directory.write("blob.bin", Data([0, 1, 2]) + Data("k=\(acmeSecret)\n".utf8))
    try repo.git("add", "-A")
    let result = try runHush(["scan", "--staged", "--format", "json"], in: repo.url)
    #expect(result.status == 0)
    #expect(((try jsonObject(result.stdoutBytes))["stats"] as? [String: Any])?["skippedBinary"] as? Int == 1)
  }

  @Test("outside a repository the git modes fail closed with exit 2", arguments: [["--staged"], ["--history"], ["--range", "a..b"]])
  func notARepository(mode: [String]) throws {
    let dir = try TempDirectory()
    let result = try runHush(["scan"] + mode, in: dir.url, environment: ["GIT_CEILING_DIRECTORIES": dir.url.deletingLastPathComponent().path])
    #expect(result.status == 2)
    #expect(result.stderr.contains("not a git repository"))
  }
}

@Suite struct HistoryScanTests {
  @Test("a secret added then removed two commits later is found and attributed to its commit and author")
  func addedThenRemoved() throws {
    let repo = try TempRepo()
    try repo.write(".hush/config.toml", acmeConfig)
    try repo.write("a.txt", "start\n")
    try repo.commitAll("first")
    try repo.write("conf.env", "TOKEN=\(acmeSecret)\n")
    try repo.git("add", "-A")
    try repo.git("-c", "user.name=Alice Leak", "-c", "user.email=alice@example.invalid", "commit", "-q", "-m", "add config\n\nbody", "--date", "2024-03-05T10:20:30+01:00")
    let introduced = try repo.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    try repo.write("a.txt", "middle\n")
    try repo.commitAll("unrelated")
    try repo.git("rm", "-q", "conf.env")
    try repo.git("commit", "-q", "-m", "remove secret")
    #expect(try runHush(["scan", "."], in: repo.url).status == 0)
    let result = try runHush(["scan", "--history", "--format", "json"], in: repo.url)
    #expect(result.status == 1)
    let found = try findings(result)
    #expect(found.count == 1)
    let finding = try #require(found.first)
    #expect(finding["commit"] as? String == introduced)
    #expect(finding["author"] as? String == "Alice Leak")
    #expect(finding["email"] as? String == "alice@example.invalid")
    #expect(finding["date"] as? String == "2024-03-05T10:20:30+01:00")
    #expect(finding["message"] as? String == "add config")
    #expect(finding["file"] as? String == "conf.env")
    #expect(finding["commits"] as? Int == 1)
  }

  @Test("the same secret carried through many commits is one finding with a commit count")
  func manyCommits() throws {
    let repo = try TempRepo()
    try repo.write(".hush/config.toml", acmeConfig)
    var body = "k=\(acmeSecret)\n"
    try repo.write("a.txt", body)
    try repo.commitAll("c0")
    let first = try repo.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    for index in 1...5 {
      body += "line \(index)\n"
      try repo.write("a.txt", body)
      try repo.commitAll("c\(index)")
    }
    let found = try findings(try runHush(["scan", "--history", "--format", "json"], in: repo.url))
    #expect(found.count == 1)
    #expect(found.first?["commits"] as? Int == 6)
    #expect(found.first?["commit"] as? String == first)
  }

  @Test("a secret that enters only in a merge's conflict resolution is attributed to the merge")
  func mergeResolution() throws {
    let repo = try TempRepo()
    try repo.write(".hush/config.toml", acmeConfig)
    try repo.write("a.txt", "value=base\n")
    try repo.commitAll("base")
    try repo.git("checkout", "-q", "-b", "feature")
    try repo.write("a.txt", "value=feature\n")
    try repo.commitAll("feature")
    try repo.git("checkout", "-q", "main")
    try repo.write("a.txt", "value=main\n")
    try repo.commitAll("main")
    _ = try? repo.git("merge", "-q", "feature")
    try repo.write("a.txt", "value=\(acmeSecret)\n")
    try repo.git("add", "a.txt")
    try repo.git("commit", "-q", "-m", "merge feature")
    let merge = try repo.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let history = try findings(try runHush(["scan", "--history", "--format", "json"], in: repo.url))
    #expect(history.count == 1)
    #expect(history.first?["commit"] as? String == merge)
    let range = try findings(try runHush(["scan", "--range", "HEAD~1..HEAD", "--format", "json"], in: repo.url))
    #expect(range.first?["commit"] as? String == merge)
  }

  @Test("--branch narrows the history; other refs are covered by default")
  func branches() throws {
    let repo = try TempRepo()
    try repo.write(".hush/config.toml", acmeConfig)
    try repo.write("a.txt", "x\n")
    try repo.commitAll("base")
    try repo.git("checkout", "-q", "-b", "side")
    try repo.write("b.txt", "k=\(acmeSecret)\n")
    try repo.commitAll("side secret")
    try repo.git("checkout", "-q", "main")
    #expect(try findings(try runHush(["scan", "--history", "--format", "json"], in: repo.url)).count == 1)
    #expect(try runHush(["scan", "--history", "--branch", "main"], in: repo.url).status == 0)
    let missing = try runHush(["scan", "--history", "--branch", "nope"], in: repo.url)
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("nope"))
  }

  @Test("a shallow clone is scanned as far as it goes and the report says so")
  func shallow() throws {
    let repo = try TempRepo()
    try repo.write(".hush/config.toml", acmeConfig)
    try repo.write("a.txt", "k=\(acmeSecret)\n")
    try repo.commitAll("c1")
    try repo.write("b.txt", "x\n")
    try repo.commitAll("c2")
    let clone = try TempDirectory()
    let cloned = try run("git", ["clone", "-q", "--depth", "1", "file://" + repo.url.path, "c"], in: clone.url)
    #expect(cloned.status == 0)
    let result = try runHush(["scan", "--history", "--format", "json"], in: clone.url.appendingPathComponent("c"))
    #expect(result.status == 1)
    #expect((try jsonObject(result.stdoutBytes))["shallow"] as? Bool == true)
    #expect(result.stderr.contains("shallow"))
  }
}

@Suite struct RangeScanTests {
  @Test("--range scans the feature branch's commits, attributed to each")
  func featureBranch() throws {
    let repo = try TempRepo()
    try repo.write(".hush/config.toml", acmeConfig)
    try repo.write("old.txt", "k=\(otherSecret)\n")
    try repo.commitAll("base with old secret")
    try repo.git("checkout", "-q", "-b", "feature")
    try repo.write("new.txt", "x\nk=\(acmeSecret)\n")
    try repo.commitAll("add feature")
    let head = try repo.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let result = try runHush(["scan", "--range", "main..feature", "--format", "json"], in: repo.url)
    #expect(result.status == 1)
    let found = try findings(result)
    #expect(found.count == 1)
    #expect(found.first?["file"] as? String == "new.txt")
    #expect(found.first?["line"] as? Int == 2)
    #expect(found.first?["commit"] as? String == head)
  }

  @Test("a missing revision is exit 2 naming it")
  func missingRevision() throws {
    let repo = try TempRepo()
    try repo.write("a.txt", "x\n")
    try repo.commitAll("base")
    let result = try runHush(["scan", "--range", "main..no-such-branch"], in: repo.url)
    #expect(result.status == 2)
    #expect(result.stderr.contains("no-such-branch"))
  }
}

@Suite struct HookTests {
  func hushPath() -> String { URL(fileURLWithPath: hushBinary()).deletingLastPathComponent().path }

  func commit(_ repo: TempRepo, _ extra: [String] = []) throws -> ToolResult {
    try run("git", ["commit", "-q", "-m", "change"] + extra, in: repo.url, environment: ["PATH": hushPath() + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")])
  }

  @Test("the installed hook blocks a staged secret, allows a clean commit and --no-verify")
  func blocksAndAllows() throws {
    let repo = try TempRepo()
    try repo.write(".hush/config.toml", acmeConfig)
    let install = try runHush(["hook", "install"], in: repo.url)
    #expect(install.status == 0)
    let hook = try String(contentsOf: repo.url.appendingPathComponent(".git/hooks/pre-commit"), encoding: .utf8)
    #expect(hook == (try String(contentsOf: packageRoot.appendingPathComponent("hooks/pre-commit"), encoding: .utf8)))

    try repo.write("clean.txt", "hello\n")
    try repo.git("add", "-A")
    #expect(try commit(repo).status == 0)

    try repo.write("leak.txt", "k=\(acmeSecret)\n")
    try repo.git("add", "leak.txt")
    let blocked = try commit(repo)
    #expect(blocked.status == 1)
    #expect(blocked.stderr.contains("commit blocked"))
    #expect(blocked.stdout.contains("leak.txt:1:3") || blocked.stderr.contains("leak.txt:1:3"))
    #expect(!blocked.stdout.contains(acmeSecret) && !blocked.stderr.contains(acmeSecret))
    #expect(try commit(repo, ["--no-verify"]).status == 0)
  }

  @Test("an existing hook is refused without --force, chained with it, and restored on uninstall")
  func chaining() throws {
    let repo = try TempRepo()
    try repo.write(".hush/config.toml", acmeConfig)
    let hookPath = repo.url.appendingPathComponent(".git/hooks/pre-commit")
    try repo.write(".git/hooks/pre-commit", "#!/bin/sh\necho user-hook-ran >&2\nexit 0\n")
    chmod(hookPath.path, 0o755)
    let refused = try runHush(["hook", "install"], in: repo.url)
    #expect(refused.status == 2)
    #expect(refused.stderr.contains("--force"))
    #expect(try runHush(["hook", "install", "--force"], in: repo.url).status == 0)
    try repo.write("a.txt", "fine\n")
    try repo.git("add", "-A")
    let ran = try commit(repo)
    #expect(ran.status == 0)
    #expect(ran.stderr.contains("user-hook-ran"))
    #expect(try runHush(["hook", "uninstall"], in: repo.url).status == 0)
    #expect(try String(contentsOf: hookPath, encoding: .utf8).contains("user-hook-ran"))
  }

  @Test("core.hooksPath is honoured")
  func hooksPath() throws {
    let repo = try TempRepo()
    try repo.git("config", "core.hooksPath", "githooks")
    #expect(try runHush(["hook", "install"], in: repo.url).status == 0)
    #expect(FileManager.default.fileExists(atPath: repo.url.appendingPathComponent("githooks/pre-commit").path))
  }
}

@Suite struct UnsupportedRepositoryTests {
  @Test("repository features libgit2 1.5 cannot read fail closed, naming the feature")
  func unsupported() throws {
    let split = try TempRepo()
    try split.write("a.txt", "a\n")
    try split.commitAll("a")
    try split.git("update-index", "--split-index")
    try split.write("b.txt", "b\n")
    try split.git("add", "b.txt")
    let splitResult = try runHush(["scan", "--staged"], in: split.url)
    #expect(splitResult.status == 2)
    #expect(splitResult.stderr.contains("split index"))

    let sha = try TempDirectory()
    #expect(try run("git", ["init", "-q", "--object-format=sha256", "r"], in: sha.url).status == 0)
    let shaResult = try runHush(["scan", "--history"], in: sha.url.appendingPathComponent("r"))
    #expect(shaResult.status == 2)
    #expect(shaResult.stderr.contains("SHA-256"))
  }

  @Test("a partial clone with missing blobs fails closed instead of scanning part of the history")
  func partialClone() throws {
    let origin = try TempRepo()
    try origin.write("a.txt", "k=\(acmeSecret)\n")
    try origin.commitAll("a")
    try origin.git("config", "uploadpack.allowFilter", "true")
    let clone = try TempDirectory()
    #expect(try run("git", ["clone", "-q", "--filter=blob:none", "--no-checkout", "file://" + origin.url.path, "c"], in: clone.url).status == 0)
    let result = try runHush(["scan", "--history"], in: clone.url.appendingPathComponent("c"))
    #expect(result.status == 2)
    #expect(result.stderr.contains("partial clone"))
  }
}

@Suite struct HistoryCacheTests {
  func stats(_ result: ToolResult) throws -> [String: Any] {
    try #require((try jsonObject(result.stdoutBytes))["stats"] as? [String: Any])
  }

  func repository() throws -> TempRepo {
    let repo = try TempRepo()
    try repo.write(".hush/config.toml", acmeConfig)
    try repo.write("a.txt", "k=\(acmeSecret)\n")
    try repo.write("clean.txt", "nothing here\n")
    try repo.commitAll("first")
    return repo
  }

  @Test("a second run with no new commits answers from the cache with the same findings")
  func hit() throws {
    let repo = try repository()
    let first = try runHush(["scan", "--history", "--format", "json"], in: repo.url)
    let second = try runHush(["scan", "--history", "--format", "json"], in: repo.url)
    #expect(first.status == 1 && second.status == 1)
    #expect(try findings(first).map { $0["fingerprint"] as? String } == findings(second).map { $0["fingerprint"] as? String })
    #expect(try stats(first)["cachedBlobs"] as? Int == 0)
    #expect((try stats(second)["cachedBlobs"] as? Int ?? 0) > 0)
    let attributes = try FileManager.default.attributesOfItem(atPath: repo.url.appendingPathComponent(".git/hush/history-cache.json").path)
    #expect(attributes[.posixPermissions] as? Int == 0o600)
    #expect(try runHush(["scan", "--history", "--no-cache", "--format", "json"], in: repo.url).stdout.contains("\"cachedBlobs\": 0"))
  }

  @Test("a new commit is scanned; known clean blobs are not read again")
  func missAfterCommit() throws {
    let repo = try repository()
    _ = try runHush(["scan", "--history"], in: repo.url)
    try repo.write("b.txt", "k=\(otherSecret)\n")
    try repo.commitAll("second")
    let result = try runHush(["scan", "--history", "--format", "json"], in: repo.url)
    #expect(Set(try findings(result).compactMap { $0["file"] as? String }) == ["a.txt", "b.txt"])
    #expect((try stats(result)["cachedBlobs"] as? Int ?? 0) >= 1)
  }

  @Test("changing the rules invalidates the cache")
  func ruleChange() throws {
    let repo = try repository()
    try repo.write("other.txt", "zz_token_0123456789abcdef\n")
    try repo.commitAll("more")
    _ = try runHush(["scan", "--history"], in: repo.url)
    try repo.write(".hush/config.toml", acmeConfig + "\n[[rules]]\nid = \"zz-token\"\nregex = '''zz_token_[0-9a-f]{16}'''\nkeywords = [\"zz_token_\"]\n")
    let result = try runHush(["scan", "--history", "--format", "json"], in: repo.url)
    #expect(try findings(result).contains { $0["rule"] as? String == "zz-token" })
    #expect(try stats(result)["cachedBlobs"] as? Int == 0)
  }

  @Test("a corrupt cache is discarded, never trusted")
  func corrupt() throws {
    let repo = try repository()
    _ = try runHush(["scan", "--history"], in: repo.url)
    let path = repo.url.appendingPathComponent(".git/hush/history-cache.json")
    try Data("{\"version\": 1, \"key\": \"x\", garbage".utf8).write(to: path)
    let result = try runHush(["scan", "--history", "--format", "json"], in: repo.url)
    #expect(result.status == 1)
    #expect(try findings(result).count == 1)
    // A well-formed cache claiming everything is clean, under another key, is ignored too.
    try Data("{\"version\":1,\"key\":\"forged\",\"tips\":[],\"clean\":[],\"findings\":[],\"shallow\":false,\"stats\":{\"filesScanned\":0,\"bytesScanned\":0,\"skippedBinary\":0,\"skippedLarge\":0,\"skippedSpecial\":0,\"durationMs\":0,\"cachedBlobs\":0}}".utf8).write(to: path)
    #expect(try findings(try runHush(["scan", "--history", "--format", "json"], in: repo.url)).count == 1)
  }

  @Test("two concurrent scans both succeed and leave a usable cache")
  func concurrent() throws {
    let repo = try repository()
    for index in 0..<30 { try repo.write("f\(index).txt", "line \(index)\n") }
    try repo.commitAll("files")
    let results = try [0, 1].map { _ -> Process in
      let process = Process()
      process.executableURL = URL(fileURLWithPath: hushBinary())
      process.arguments = ["scan", "--history", "--quiet"]
      process.currentDirectoryURL = repo.url
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      return process
    }
    for process in results { process.waitUntilExit() }
    #expect(results.allSatisfy { $0.terminationStatus == 1 })
    let after = try runHush(["scan", "--history", "--format", "json"], in: repo.url)
    #expect(try findings(after).count == 1)
    #expect((try stats(after)["cachedBlobs"] as? Int ?? 0) > 0)
  }
}

@Suite struct ManyRepositoriesTests {
  @Test("--repos scans each listed repository's history into one report; a missing one is an error, the others still run")
  func repos() throws {
    let one = try TempRepo()
    try one.write(".hush/config.toml", acmeConfig)
    try one.write("a.txt", "k=\(acmeSecret)\n")
    try one.commitAll("one")
    let two = try TempRepo()
    try two.write(".hush/config.toml", acmeConfig)
    try two.write("b.txt", "k=\(otherSecret)\n")
    try two.commitAll("two")
    let list = try TempDirectory()
    try list.write("repos.txt", "# audit\n\(one.url.path)\n\n\(two.url.path)\n")
    let result = try runHush(["scan", "--history", "--repos", "repos.txt", "--format", "json"], in: list.url)
    #expect(result.status == 1)
    let files = try findings(result).compactMap { $0["file"] as? String }.sorted()
    #expect(files == ["\(one.url.lastPathComponent)/a.txt", "\(two.url.lastPathComponent)/b.txt"].sorted())
    try list.write("repos.txt", "\(one.url.path)\n/nonexistent/repo\n")
    let partial = try runHush(["scan", "--history", "--repos", "repos.txt", "--format", "json"], in: list.url)
    #expect(partial.status == 2)
    #expect(try findings(partial).count == 1)
    #expect(partial.stderr.contains("/nonexistent/repo"))
    #expect(try runHush(["scan", "--repos", "repos.txt"], in: list.url).status == 64)
  }
}
