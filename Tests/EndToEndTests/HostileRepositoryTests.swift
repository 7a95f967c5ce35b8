import Foundation
import Testing
import TestSupport

/// Issue 10: a repository being audited may be hostile. Hush reads git in-process and must never run the
/// commands its configuration names, nor follow symlinks out of the tree or round in a loop.
@Suite("hostile repositories")
struct HostileRepositoryTests {
  @Test("core.fsmonitor, filters, textconv and hooks named by the repository never run")
  func configuredCommandsNeverRun() throws {
    let repo = try TempRepo()
    let markers = try TempDirectory()
    let marker = { (name: String) in markers.path + "/" + name }
    try repo.git("config", "core.fsmonitor", "touch \(marker("fsmonitor")); false")
    try repo.git("config", "filter.evil.clean", "sh -c 'touch \(marker("clean")); cat'")
    try repo.git("config", "filter.evil.smudge", "sh -c 'touch \(marker("smudge")); cat'")
    try repo.git("config", "diff.evil.textconv", "sh -c 'touch \(marker("textconv")); cat'")
    try repo.write(".gitattributes", "*.env filter=evil diff=evil\n")
    try repo.write("app.env", "GITHUB_TOKEN=ghp_FAKEZ4e3XlkifiBIUPY2ddlcxcnZSoa3ocAg\n")
    // Commit through git without the configuration, then restore it: the markers must stay absent.
    try run("git", ["-c", "core.fsmonitor=", "-c", "filter.evil.clean=cat", "-c", "filter.evil.smudge=cat", "add", "-A"], in: repo.url)
    try run("git", ["-c", "core.fsmonitor=", "-c", "filter.evil.clean=cat", "-c", "filter.evil.smudge=cat", "commit", "-q", "-m", "x"], in: repo.url)
    for name in ["fsmonitor", "clean", "smudge", "textconv"] { try? FileManager.default.removeItem(atPath: marker(name)) }
    try FileManager.default.createDirectory(atPath: repo.url.path + "/.git/hooks", withIntermediateDirectories: true)
    try "#!/bin/sh\ntouch \(marker("hook"))\n".write(toFile: repo.url.path + "/.git/hooks/post-checkout", atomically: true, encoding: .utf8)
    chmod(repo.url.path + "/.git/hooks/post-checkout", 0o755)
    for arguments in [["scan", "--no-baseline", "."], ["scan", "--history", "--no-cache"], ["scan", "--staged"], ["scan", "--range", "HEAD~0..HEAD"]] {
      let result = try runHush(arguments + ["--quiet"], in: repo.url)
      #expect(result.status <= 1, "\(arguments): \(result.stderr)")
    }
    #expect(try runHush(["scan", "--history", "--no-cache", "--quiet"], in: repo.url).status == 1)
    for name in ["fsmonitor", "clean", "smudge", "textconv", "hook"] {
      #expect(!FileManager.default.fileExists(atPath: marker(name)), "hush ran the repository's \(name) command")
    }
  }

  @Test("symlink loops and links out of the tree are not followed")
  func symlinks() throws {
    let repo = try TempRepo()
    let outside = try TempDirectory()
    try outside.write("secret.env", "GITHUB_TOKEN=ghp_FAKEZ4e3XlkifiBIUPY2ddlcxcnZSoa3ocAg\n")
    try FileManager.default.createSymbolicLink(atPath: repo.url.path + "/out", withDestinationPath: outside.path)
    try FileManager.default.createSymbolicLink(atPath: repo.url.path + "/out.env", withDestinationPath: outside.path + "/secret.env")
    try FileManager.default.createDirectory(atPath: repo.url.path + "/a", withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: repo.url.path + "/a/loop", withDestinationPath: "..")
    try FileManager.default.createSymbolicLink(atPath: repo.url.path + "/self", withDestinationPath: "self")
    try repo.write("README.md", "hello\n")
    let result = try runHush(["scan", "--no-baseline", "--quiet", "."], in: repo.url)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
  }
}
