import Foundation
import Testing

@testable import Git2

@Suite struct CommitInfoTests {
  func info(time: Int64, offset: Int) -> CommitInfo {
    CommitInfo(id: try! Repository.zeroID(), parents: [], tree: try! Repository.zeroID(), authorName: "", authorEmail: "", time: time, offsetMinutes: offset, summary: "")
  }

  @Test("author dates are ISO 8601 in the author's own offset", arguments: [
    (Int64(0), 0, "1970-01-01T00:00:00+00:00"),
    (Int64(1_709_630_430), 60, "2024-03-05T10:20:30+01:00"),
    (Int64(1_709_630_430), -330, "2024-03-05T03:50:30-05:30"),
    (Int64(951_782_400), 0, "2000-02-29T00:00:00+00:00"),
    (Int64(-86_400), 0, "1969-12-31T00:00:00+00:00"),
  ])
  func isoDate(time: Int64, offset: Int, expected: String) {
    #expect(info(time: time, offset: offset).isoDate == expected)
  }
}

@Suite struct GitErrorTests {
  @Test("libgit2's messages for unsupported features name the feature and the fix")
  func explained() {
    #expect(explain("unsupported mandatory extension: 'link'").contains("split index"))
    #expect(explain("unsupported mandatory extension: 'sdir'").contains("sparse index"))
    #expect(explain("unsupported extension name extensions.objectformat").contains("SHA-256"))
    #expect(explain("object not found").contains("object not found"))
  }
}

@Suite struct RepositoryTests {
  @Test("discovery returns nil outside a repository and a work tree inside one")
  func discover() throws {
    let outside = FileManager.default.temporaryDirectory.appendingPathComponent("hush-git2-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: outside) }
    setenv("GIT_CEILING_DIRECTORIES", outside.deletingLastPathComponent().path, 1)
    #expect(try Repository.discover(from: outside.path) == nil)
    let init_ = Process()
    init_.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    init_.arguments = ["git", "init", "-q", outside.path]
    try init_.run()
    init_.waitUntilExit()
    let repository = try #require(try Repository.discover(from: outside.path))
    #expect(repository.workdir?.hasSuffix("/") == true)
    #expect(repository.isHeadUnborn)
    #expect(try repository.worktreeFiles().isEmpty)
  }
}
