// Git2: a thin, safe layer over libgit2. Types here own one C handle each and are not Sendable:
// libgit2 objects must not be used by two threads at once.
//
//     let repo = try Repository.discover(from: ".")
//     for entry in try repo.worktreeFiles() { print(String(decoding: entry, as: UTF8.self)) }
internal import CLibgit2
#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// An open repository.
package final class Repository {
  let handle: OpaquePointer
  /// Commits whose parents a shallow clone does not have (`.git/shallow`), read once.
  package private(set) lazy var shallowCommits: Set<ObjectID> = readShallowCommits()

  init(wrapping handle: OpaquePointer) { self.handle = handle }
  deinit { git_repository_free(handle) }

  /// Opens the repository containing `path` (searching parent directories), or returns `nil` when
  /// `path` is in no repository.
  package static func discover(from path: String) throws(GitError) -> Repository? {
    _ = libgit2Initialized
    var handle: OpaquePointer?
    let rc = git_repository_open_ext(&handle, path, 0, nil)
    if rc == GIT_ENOTFOUND.rawValue { return nil }
    try check(rc, "git_repository_open_ext")
    guard let handle else { return nil }
    return Repository(wrapping: handle)
  }

  /// The working directory with a trailing slash, or `nil` for a bare repository.
  package var workdir: String? {
    guard let path = git_repository_workdir(handle) else { return nil }
    return String(cString: path)
  }

  /// Files of the working tree as git lists them: every path in the index (submodules as their directory),
  /// plus untracked files that are not ignored. Paths are relative to `workdir`, as bytes, sorted.
  package func worktreeFiles() throws(GitError) -> [[UInt8]] {
    var index: OpaquePointer?
    try check(git_repository_index(&index, handle), "git_repository_index")
    guard let index else { return [] }
    defer { git_index_free(index) }
    var paths: [[UInt8]] = []
    let count = git_index_entrycount(index)
    paths.reserveCapacity(count)
    for position in 0..<count {
      guard let entry = git_index_get_byindex(index, position) else { continue }
      // Gitlinks (submodules) are listed: their checked-out files are the caller's to list. Conflict
      // stages repeat a path.
      if (Int32(entry.pointee.flags) & 0x3000) >> 12 > 1 { continue }
      paths.append(bytes(entry.pointee.path))
    }

    var options = git_status_options()
    try check(git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION)), "git_status_options_init")
    options.show = GIT_STATUS_SHOW_WORKDIR_ONLY
    options.flags =
      GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
      | GIT_STATUS_OPT_EXCLUDE_SUBMODULES.rawValue
    var list: OpaquePointer?
    try check(git_status_list_new(&list, handle, &options), "git_status_list_new")
    guard let list else { return paths.sorted { $0.lexicographicallyPrecedes($1) } }
    defer { git_status_list_free(list) }
    for position in 0..<git_status_list_entrycount(list) {
      guard let entry = git_status_byindex(list, position),
        entry.pointee.status.rawValue & GIT_STATUS_WT_NEW.rawValue != 0,
        let delta = entry.pointee.index_to_workdir, let path = delta.pointee.new_file.path
      else { continue }
      paths.append(bytes(path))
    }
    var seen = Set<[UInt8]>()
    return paths.filter { seen.insert($0).inserted }.sorted { $0.lexicographicallyPrecedes($1) }
  }
}

func bytes(_ cString: UnsafePointer<CChar>) -> [UInt8] {
  Array(UnsafeBufferPointer(start: UnsafeRawPointer(cString).assumingMemoryBound(to: UInt8.self), count: strlen(cString)))
}
