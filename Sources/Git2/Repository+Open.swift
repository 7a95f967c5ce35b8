internal import CLibgit2

extension Repository {
  /// Opens the repository the way git's own environment says: `GIT_DIR`, `GIT_WORK_TREE`,
  /// `GIT_INDEX_FILE`, `GIT_OBJECT_DIRECTORY` and friends are honoured, else the repository holding the
  /// current directory is found. A hook run by `git commit -a` or `git commit PATH` sees a temporary
  /// index through `GIT_INDEX_FILE`; without this flag a scan would read the wrong index.
  package static func openFromEnvironment() throws(GitError) -> Repository {
    _ = libgit2Initialized
    var handle: OpaquePointer?
    let rc = git_repository_open_ext(&handle, nil, GIT_REPOSITORY_OPEN_FROM_ENV.rawValue, nil)
    if rc == GIT_ENOTFOUND.rawValue {
      throw GitError(function: "git_repository_open_ext", code: rc, message: "not a git repository (or any parent directory); run this inside a git working tree")
    }
    try check(rc, "git_repository_open_ext")
    guard let handle else { throw GitError(function: "git_repository_open_ext", code: -1, message: "could not open the repository") }
    return Repository(wrapping: handle)
  }

  /// Opens the repository at or above `path`; an error when there is none.
  package static func open(at path: String) throws(GitError) -> Repository {
    guard let repository = try discover(from: path) else {
      throw GitError(function: "git_repository_open_ext", code: GIT_ENOTFOUND.rawValue, message: "'\(path)' is not in a git repository")
    }
    return repository
  }

  /// Whether the repository is a shallow clone: history stops at its grafts.
  package var isShallow: Bool { git_repository_is_shallow(handle) == 1 }

  /// Whether `HEAD` points to a branch with no commit yet.
  package var isHeadUnborn: Bool { git_repository_head_unborn(handle) == 1 }
}

extension Repository {
  /// The path of the repository's git directory (`.git/`), for opening it again on another thread.
  package var gitDirectory: String { String(cString: git_repository_path(handle)) }
}

extension Repository {
  /// A string from the repository's configuration (all levels), or `nil` when unset.
  package func configString(_ key: String) throws(GitError) -> String? {
    var config: OpaquePointer?
    try check(git_repository_config_snapshot(&config, handle), "git_repository_config_snapshot")
    guard let config else { return nil }
    defer { git_config_free(config) }
    var value: UnsafePointer<CChar>?
    let rc = git_config_get_string(&value, config, key)
    if rc == GIT_ENOTFOUND.rawValue { return nil }
    try check(rc, "git_config_get_string")
    return value.map { String(cString: $0) }
  }

  /// The common git directory (shared by linked worktrees), where hooks live by default.
  package var commonDirectory: String { String(cString: git_repository_commondir(handle)) }
}

extension Repository {
  /// The short name of the checked-out branch, or nil when HEAD is detached.
  package var currentBranch: String? {
    var reference: OpaquePointer?
    guard git_repository_head(&reference, handle) == 0, let reference else { return nil }
    defer { git_reference_free(reference) }
    guard git_reference_is_branch(reference) == 1, let name = git_reference_shorthand(reference) else { return nil }
    return String(cString: name)
  }
}
