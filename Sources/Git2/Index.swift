internal import CLibgit2

/// One staged file: its blob, mode and content.
package struct StagedEntry: Sendable {
  package var id: ObjectID
  package var mode: UInt32
  package var content: [UInt8]
}

extension Repository {
  /// The index entry (stage 0) for `path`, or nil when the path is not staged or is in conflict.
  package func stagedEntry(_ path: String) throws(GitError) -> StagedEntry? {
    var index: OpaquePointer?
    try check(git_repository_index(&index, handle), "git_repository_index")
    guard let index else { return nil }
    defer { git_index_free(index) }
    guard let entry = git_index_get_bypath(index, path, 0) else { return nil }
    let id = ObjectID(entry.pointee.id)
    let mode = entry.pointee.mode
    return StagedEntry(id: id, mode: mode, content: try blob(id))
  }

  /// Whether `path` has conflict stages in the index (a merge in progress).
  package func isConflicted(_ path: String) throws(GitError) -> Bool {
    var index: OpaquePointer?
    try check(git_repository_index(&index, handle), "git_repository_index")
    guard let index else { return false }
    defer { git_index_free(index) }
    return git_index_get_bypath(index, path, 1) != nil || git_index_get_bypath(index, path, 2) != nil
      || git_index_get_bypath(index, path, 3) != nil
  }

  /// Stages `content` as `path` with `mode`, writing the index (libgit2 writes it through a lock file and rename).
  package func stage(_ path: String, content: [UInt8], mode: UInt32) throws(GitError) {
    var index: OpaquePointer?
    try check(git_repository_index(&index, handle), "git_repository_index")
    guard let index else { return }
    defer { git_index_free(index) }
    try check(git_index_read(index, 0), "git_index_read")
    var entry = git_index_entry()
    entry.mode = mode
    let rc = path.withCString { cPath -> Int32 in
      entry.path = cPath
      return content.withUnsafeBytes { git_index_add_from_buffer(index, &entry, $0.baseAddress, $0.count) }
    }
    try check(rc, "git_index_add_from_buffer")
    try check(git_index_write(index), "git_index_write")
  }

  /// The blob id git would give `content`.
  package func hashBlob(_ content: [UInt8]) throws(GitError) -> ObjectID {
    var oid = git_oid()
    try check(content.withUnsafeBytes { git_odb_hash(&oid, $0.baseAddress, $0.count, GIT_OBJECT_BLOB) }, "git_odb_hash")
    return ObjectID(oid)
  }
}
