internal import CLibgit2

extension Repository {
  /// Which commits a walk covers.
  package enum WalkStart: Sendable {
    /// Every ref (branches, tags, remote-tracking refs, the stash) and a detached `HEAD`.
    case allRefs
    /// These commits and their ancestors.
    case commits([ObjectID])
  }

  /// Commits reachable from `start` and not from `hidden`, parents before children (oldest first).
  package func walk(_ start: WalkStart, hiding hidden: [ObjectID] = []) throws(GitError) -> [ObjectID] {
    var walker: OpaquePointer?
    try check(git_revwalk_new(&walker, handle), "git_revwalk_new")
    guard let walker else { return [] }
    defer { git_revwalk_free(walker) }
    try check(git_revwalk_sorting(walker, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue | GIT_SORT_REVERSE.rawValue), "git_revwalk_sorting")
    switch start {
    case .allRefs:
      // Refs that do not point to a commit (a tag of a blob) are skipped by libgit2.
      try check(git_revwalk_push_glob(walker, "refs/*"), "git_revwalk_push_glob")
      if !isHeadUnborn { _ = git_revwalk_push_head(walker) }
    case .commits(let ids):
      for id in ids {
        var oid = id.raw
        try check(git_revwalk_push(walker, &oid), "git_revwalk_push")
      }
    }
    for id in hidden {
      var oid = id.raw
      try check(git_revwalk_hide(walker, &oid), "git_revwalk_hide")
    }
    var result: [ObjectID] = []
    var oid = git_oid()
    while true {
      let rc = git_revwalk_next(&oid, walker)
      if rc == GIT_ITEROVER.rawValue { break }
      try check(rc, "git_revwalk_next")
      result.append(ObjectID(oid))
    }
    return result
  }
}
