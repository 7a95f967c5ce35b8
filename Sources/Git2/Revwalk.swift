internal import CLibgit2
#if canImport(Glibc)
  internal import Glibc
#endif

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
    // libgit2 1.5's revwalk follows parents a shallow clone does not have and fails; walk by hand there.
    if !shallowCommits.isEmpty { return try shallowWalk(start, hiding: hidden) }
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

extension Repository {
  func readShallowCommits() -> Set<ObjectID> {
    let path = (commonDirectory.hasSuffix("/") ? commonDirectory : commonDirectory + "/") + "shallow"
    guard let file = fopen(path, "r") else { return [] }
    defer { fclose(file) }
    var result: Set<ObjectID> = []
    var buffer = [CChar](repeating: 0, count: 128)
    while fgets(&buffer, 128, file) != nil {
      let line = String(cString: buffer).prefix { $0.isHexDigit }
      var oid = git_oid()
      if line.count == 40, git_oid_fromstr(&oid, String(line)) == 0 { result.insert(ObjectID(oid)) }
    }
    return result
  }

  /// The commits every ref points to (refs that name no commit are skipped), and a detached HEAD.
  package func refTips() throws(GitError) -> [ObjectID] {
    var names = git_strarray()
    try check(git_reference_list(&names, handle), "git_reference_list")
    defer { git_strarray_dispose(&names) }
    var tips: [ObjectID] = []
    for index in 0..<names.count {
      guard let name = names.strings[index] else { continue }
      if let id = try? resolveCommit(String(cString: name)) { tips.append(id) }
    }
    if !isHeadUnborn, let head = try? resolveCommit("HEAD") { tips.append(head) }
    return tips
  }

  /// Parents before children, oldest first, stopping at the shallow boundary.
  func shallowWalk(_ start: WalkStart, hiding hidden: [ObjectID]) throws(GitError) -> [ObjectID] {
    let starts: [ObjectID]
    switch start {
    case .allRefs: starts = try refTips()
    case .commits(let ids): starts = ids
    }
    func ancestors(_ tips: [ObjectID], excluding: Set<ObjectID>) throws(GitError) -> [ObjectID: CommitInfo] {
      var found: [ObjectID: CommitInfo] = [:]
      var stack = tips
      while let id = stack.popLast() {
        if found[id] != nil || excluding.contains(id) { continue }
        let info = try commit(id)
        found[id] = info
        stack += info.parents
      }
      return found
    }
    let hiddenSet = Set(try ancestors(hidden, excluding: []).keys)
    let commits = try ancestors(starts, excluding: hiddenSet)
    // Kahn's algorithm: a commit is ready once all its parents in the set are emitted.
    var waiting: [ObjectID: Int] = [:]
    var children: [ObjectID: [ObjectID]] = [:]
    for (id, info) in commits {
      let inside = info.parents.filter { commits[$0] != nil }
      waiting[id] = inside.count
      for parent in inside { children[parent, default: []].append(id) }
    }
    var ready = commits.keys.filter { waiting[$0] == 0 }
    var order: [ObjectID] = []
    while !ready.isEmpty {
      ready.sort { (commits[$0]!.time, $0) > (commits[$1]!.time, $1) }  // keys come from `commits`
      let next = ready.removeLast()
      order.append(next)
      for child in children[next] ?? [] {
        waiting[child]! -= 1  // every child has an entry
        if waiting[child] == 0 { ready.append(child) }
      }
    }
    return order
  }
}
