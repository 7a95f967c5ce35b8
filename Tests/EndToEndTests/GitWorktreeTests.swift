import Foundation
import Testing
import TestSupport

@Suite struct GitWorktreeTests {
  @Test("inside a git work tree: tracked and untracked files are scanned, ignored ones and .git are not")
  func gitListing() throws {
    let repo = try TempRepo()
    try repo.write(".hush/config.toml", acmeConfig)
    try repo.write(".gitignore", "ignored.txt\nbuild/\n")
    try repo.write("tracked.txt", "k=\(acmeSecret)\n")
    try repo.commitAll("initial")
    try repo.write("untracked.txt", "k=\(acmeSecret)\n")
    try repo.write("ignored.txt", "k=\(acmeSecret)\n")
    try repo.write("build/out.txt", "k=\(acmeSecret)\n")
    // A secret inside .git must never be read.
    try repo.write(".git/info/leak.txt", "k=\(acmeSecret)\n")

    let result = try runHush(["scan", "--format", "json"], in: repo.url)
    #expect(result.status == 1)
    let files = Set(((try jsonObject(result.stdoutBytes))["findings"] as? [[String: Any]] ?? []).compactMap { $0["file"] as? String })
    #expect(files == ["tracked.txt", "untracked.txt"])

    let everything = try runHush(["scan", "--no-ignore", "--format", "json"], in: repo.url)
    let all = Set(((try jsonObject(everything.stdoutBytes))["findings"] as? [[String: Any]] ?? []).compactMap { $0["file"] as? String })
    #expect(all == ["tracked.txt", "untracked.txt", "ignored.txt", "build/out.txt"])
  }

  @Test("a subdirectory of a work tree is listed the git way and the repository config applies")
  func subdirectory() throws {
    let repo = try TempRepo()
    try repo.write(".hush/config.toml", acmeConfig)
    try repo.write(".gitignore", "*.log\n")
    try repo.write("src/a.txt", "k=\(acmeSecret)\n")
    try repo.write("src/debug.log", "k=\(acmeSecret)\n")
    try repo.commitAll("initial")
    let result = try runHush(["scan", ".", "--format", "json"], in: repo.url.appendingPathComponent("src"))
    let files = ((try jsonObject(result.stdoutBytes))["findings"] as? [[String: Any]] ?? []).compactMap { $0["file"] as? String }
    #expect(files == ["a.txt"])
  }

  @Test("symlinks are never followed, so a loop cannot hang the scan")
  func symlinks() throws {
    let dir = try TempDirectory()
    try dir.write("hush.toml", acmeConfig)
    try dir.write("real/a.txt", "k=\(acmeSecret)\n")
    try FileManager.default.createSymbolicLink(atPath: dir.path + "/real/loop", withDestinationPath: "..")
    try FileManager.default.createSymbolicLink(atPath: dir.path + "/real/link.txt", withDestinationPath: "a.txt")
    let result = try runHush(["scan", "real", "--config", "hush.toml", "--format", "json"], in: dir.url)
    #expect(result.status == 1)
    let stats = try #require((try jsonObject(result.stdoutBytes))["stats"] as? [String: Any])
    #expect(stats["skippedSpecial"] as? Int == 2)
    #expect(((try jsonObject(result.stdoutBytes))["findings"] as? [Any])?.count == 1)
  }

  @Test("a .gitleaks.toml at the root that extends the default pack loads unchanged")
  func gitleaksConfig() throws {
    let repo = try TempRepo()
    try repo.write(".gitleaks.toml", "[extend]\nuseDefault = true\n\n" + acmeConfig + "\n\n[allowlist]\npaths = ['''^fixtures/''']\n")
    try repo.write("a.txt", "k=\(acmeSecret)\ngh=\(githubSecret)\n")
    try repo.write("fixtures/b.txt", "k=\(acmeSecret)\n")
    let result = try runHush(["scan", "--format", "json"], in: repo.url)
    #expect(result.status == 1)
    let findings = (try jsonObject(result.stdoutBytes))["findings"] as? [[String: Any]] ?? []
    #expect(findings.compactMap { $0["file"] as? String }.allSatisfy { $0 == "a.txt" })
    let rules = Set(findings.compactMap { $0["rule"] as? String })
    #expect(rules.contains("acme-api-token"))
    #expect(rules.contains { $0.hasPrefix("github") })
  }

  @Test("gitleaks' own default configuration loads with --config and scans")
  func gitleaksDefault() throws {
    let fixture = sharedFile("fixtures/gitleaks-default.toml")
    try #require(FileManager.default.fileExists(atPath: fixture.path), "needs ../shared/fixtures")
    let dir = try TempDirectory()
    try dir.write("a.sh", "export GITHUB_TOKEN=\(githubSecret)\n")
    let result = try runHush(["scan", ".", "--config", fixture.path, "--format", "json"], in: dir.url)
    #expect(result.status == 1)
    let rules = ((try jsonObject(result.stdoutBytes))["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
    #expect(rules.contains("github-pat"))
    let listed = try runHush(["rules", "list", "--config", fixture.path], in: dir.url)
    #expect(listed.stdout.contains("222 rules"))
  }
}
