import Foundation
import Testing

@testable import GitSource

@Suite struct FileReaderTests {
  func temp(_ bytes: [UInt8]) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("hush-fr-\(UUID().uuidString)")
    try Data(bytes).write(to: url)
    return url.path
  }

  @Test("reads a file whole, refuses one over the limit, and reports a missing one as missing")
  func outcomes() throws {
    let path = try temp(Array("hello".utf8))
    defer { try? FileManager.default.removeItem(atPath: path) }
    guard case .content(let bytes) = try FileReader.read(Array(path.utf8), maxSize: 10) else { Issue.record("not read"); return }
    #expect(bytes == Array("hello".utf8))
    guard case .tooLarge(let size) = try FileReader.read(Array(path.utf8), maxSize: 4) else { Issue.record("not refused"); return }
    #expect(size == 5)
    guard case .missing = try FileReader.read(Array((path + ".gone").utf8), maxSize: 10) else { Issue.record("not missing"); return }
  }

  @Test("a symlink is never followed")
  func symlink() throws {
    let target = try temp(Array("secret".utf8))
    let link = target + ".link"
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
    defer { try? FileManager.default.removeItem(atPath: target); try? FileManager.default.removeItem(atPath: link) }
    guard case .notRegular = try FileReader.read(Array(link.utf8), maxSize: 100) else { Issue.record("followed"); return }
  }
}

@Suite struct WorktreeListerTests {
  @Test("display paths drop a leading ./ and join without doubling slashes")
  func paths() {
    #expect(WorktreeLister.displayPath(Array("./a/b".utf8)) == Array("a/b".utf8))
    #expect(WorktreeLister.join(Array(".".utf8), Array("x".utf8)) == Array("x".utf8))
    #expect(WorktreeLister.join(Array("dir/".utf8), Array("x".utf8)) == Array("dir/x".utf8))
    #expect(WorktreeLister.join(Array("dir".utf8), Array("x".utf8)) == Array("dir/x".utf8))
  }

  @Test("a directory outside git is walked, .git is never entered, and a missing path is an error")
  func walk() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("hush-wl-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root.appendingPathComponent(".git"), withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: root.appendingPathComponent("sub"), withIntermediateDirectories: true)
    try Data("a".utf8).write(to: root.appendingPathComponent("sub/a.txt"))
    try Data("b".utf8).write(to: root.appendingPathComponent(".git/config"))
    defer { try? FileManager.default.removeItem(at: root) }
    let listing = WorktreeLister.list(paths: [root.path, root.path + "/nope"], respectIgnore: false)
    #expect(listing.files.map { String(decoding: $0.path, as: UTF8.self) } == [root.path + "/sub/a.txt"])
    #expect(listing.errors.count == 1)
  }
}

@Suite struct AtomicFileTests {
  @Test("atomic writes replace the file with the given mode and leave no temp file")
  func write() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hush-af-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("f").path
    try AtomicFile.write(Array("one".utf8), to: path, mode: 0o600)
    try AtomicFile.write(Array("two".utf8), to: path, mode: 0o600)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "two")
    #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["f"])
    #expect(throws: SourceError.self) { try AtomicFile.write([], to: dir.path + "/missing/dir/f") }
  }
}
