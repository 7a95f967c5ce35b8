// GitSource: where bytes come from. Today: files of the working tree, listed the way git lists them.
//
//     let listing = WorktreeLister.list(paths: ["."], respectIgnore: true)
//     for file in listing.files {
//       if case .content(let bytes) = try FileReader.read(file.path, maxSize: 10 << 20) { ... }
//     }
package import Git2

/// A file to scan: the path to open and the path to show (as the user named it).
package struct FileEntry: Sendable, Hashable {
  package var path: [UInt8]
  package var display: [UInt8]
}

/// The files under the paths a user named.
package struct FileListing: Sendable {
  package var files: [FileEntry] = []
  package var errors: [SourceError] = []
  /// Symlinks and special files that were not followed.
  package var skippedSpecial = 0
  /// Submodules that are not checked out (nothing on disk to scan).
  package var skippedSubmodules = 0
}

package enum WorktreeLister {
  /// Lists files under `paths`. A file named directly is always scanned. A directory inside a git
  /// working tree yields what git tracks plus untracked files that are not ignored (unless
  /// `respectIgnore` is false); elsewhere every file below it. `.git` is never entered and symlinks
  /// are never followed, so a scan cannot loop or leave the tree it was given.
  package static func list(paths: [String], respectIgnore: Bool) -> FileListing {
    var listing = FileListing()
    var seen = Set<[UInt8]>()
    for argument in paths {
      let path = Array(argument.utf8)
      switch FileSystem.kind(of: path).0 {
      case .missing:
        listing.errors.append(SourceError(path: path, message: "no such file or directory"))
      case .file:
        if seen.insert(path).inserted { listing.files.append(FileEntry(path: path, display: displayPath(path))) }
      case .symlink, .other:
        // Named explicitly: follow a symlink to a regular file, but never to a directory.
        if case .file = FileSystem.kind(of: path, followLinks: true).0 {
          if seen.insert(path).inserted { listing.files.append(FileEntry(path: path, display: displayPath(path))) }
        } else {
          listing.skippedSpecial += 1
        }
      case .directory:
        if respectIgnore, let files = gitFiles(under: path, listing: &listing) {
          for file in files where seen.insert(file.path).inserted { listing.files.append(file) }
        } else {
          walk(path, into: &listing, seen: &seen)
        }
      }
    }
    return listing
  }

  /// `path` without a leading `./`, as ripgrep shows paths.
  static func displayPath(_ path: [UInt8]) -> [UInt8] {
    var display = path
    while display.count > 2, display[0] == 0x2E, display[1] == 0x2F { display.removeFirst(2) }
    return display
  }

  static func join(_ directory: [UInt8], _ name: [UInt8]) -> [UInt8] {
    if directory == [0x2E] { return name }
    if directory.last == 0x2F { return directory + name }
    return directory + [0x2F] + name
  }

  /// The git listing for a directory inside a working tree, or `nil` when it is in none.
  private static func gitFiles(under directory: [UInt8], listing: inout FileListing) -> [FileEntry]? {
    let repository: Repository?
    do { repository = try Repository.discover(from: String(decoding: directory, as: UTF8.self)) } catch {
      listing.errors.append(SourceError(path: directory, message: "cannot open git repository: \(error)"))
      return nil
    }
    guard let repository, let workdir = repository.workdir,
      let root = FileSystem.realPath(Array(workdir.utf8)), let here = FileSystem.realPath(directory)
    else { return nil }
    // The directory's path relative to the working tree's root, with a trailing slash (or empty).
    guard here.starts(with: root) else { return nil }
    var prefix = Array(here.dropFirst(root.count))
    while prefix.first == 0x2F { prefix.removeFirst() }
    if !prefix.isEmpty { prefix.append(0x2F) }
    let tracked: [[UInt8]]
    do { tracked = try repository.worktreeFiles() } catch {
      listing.errors.append(SourceError(path: directory, message: "cannot list git files: \(error)"))
      return nil
    }
    var files: [FileEntry] = []
    for relative in tracked where relative.starts(with: prefix) {
      let below = Array(relative.dropFirst(prefix.count))
      let path = join(directory, below)
      switch FileSystem.kind(of: path).0 {
      case .file: files.append(FileEntry(path: path, display: displayPath(path)))
      case .missing: continue  // tracked but deleted in the working tree: nothing on disk to scan
      case .directory:
        // A submodule: its checked-out files are on disk under the path the user named, so they are
        // scanned, listed the way git lists them in the submodule. Not checked out: counted.
        if case .missing = FileSystem.kind(of: path + Array("/.git".utf8)).0 {
          listing.skippedSubmodules += 1
        } else if let inner = gitFiles(under: path, listing: &listing) {
          files += inner
        } else {
          listing.skippedSubmodules += 1
        }
      default: listing.skippedSpecial += 1
      }
    }
    return files
  }

  private static func walk(_ directory: [UInt8], into listing: inout FileListing, seen: inout Set<[UInt8]>) {
    var stack = [directory]
    while let current = stack.popLast() {
      let names: [[UInt8]]
      switch FileSystem.entries(of: current) {
      case .success(let entries): names = entries
      case .failure(let error):
        listing.errors.append(error)
        continue
      }
      var subdirectories: [[UInt8]] = []
      for name in names {
        let path = join(current, name)
        switch FileSystem.kind(of: path).0 {
        case .directory:
          if name != Array(".git".utf8) { subdirectories.append(path) }
        case .file:
          if seen.insert(path).inserted { listing.files.append(FileEntry(path: path, display: displayPath(path))) }
        case .missing: continue
        case .symlink, .other: listing.skippedSpecial += 1
        }
      }
      stack.append(contentsOf: subdirectories.reversed())
    }
  }
}

/// Finds the working tree root for configuration lookup.
package enum GitRepositoryRoot {
  /// The working tree root holding `path`, or `nil` outside a repository (or in a bare one).
  package static func find(from path: String) throws(GitError) -> String? {
    try Repository.discover(from: path)?.workdir
  }
}
