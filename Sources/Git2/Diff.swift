internal import CLibgit2
#if canImport(Glibc)
  internal import Glibc
#endif

/// The lines a change adds to one file, copied out of libgit2.
package struct FileChange: Sendable {
  package enum Kind: Sendable { case text, binary, submodule, deleted }
  package var kind: Kind
  /// The path in the new tree or index.
  package var path: [UInt8]
  /// The blob id in the new tree or index.
  package var blob: ObjectID
  /// Added lines, each with its line terminator as in the file.
  package var addedBytes: [UInt8]
  /// The new file's 1-based line number of each added line, in order.
  package var addedLineNumbers: [Int]

  package init(kind: Kind, path: [UInt8], blob: ObjectID, addedBytes: [UInt8], addedLineNumbers: [Int]) {
    self.kind = kind
    self.path = path
    self.blob = blob
    self.addedBytes = addedBytes
    self.addedLineNumbers = addedLineNumbers
  }
}

/// How a diff is produced.
package struct DiffOptions: Sendable {
  package var pathspecs: [String] = []
  /// Blobs larger than this are treated as binary (and skipped by the caller).
  package var maxBlobSize: Int = 10 << 20
  /// Report renamed or copied files by their changed lines only.
  package var detectRenames = true
  package init(pathspecs: [String] = [], maxBlobSize: Int = 10 << 20, detectRenames: Bool = true) {
    self.pathspecs = pathspecs
    self.maxBlobSize = maxBlobSize
    self.detectRenames = detectRenames
  }
}

extension Repository {
  /// The staged change: the index against `HEAD` (the empty tree when `HEAD` is unborn).
  /// Content comes from the index, never from the working tree.
  package func stagedChanges(_ options: DiffOptions) throws(GitError) -> [FileChange] {
    let head = isHeadUnborn ? nil : try resolveCommit("HEAD")
    let headTree = try head.map { (id) throws(GitError) in try commit(id).tree }
    return try withTree(headTree) { (tree) throws(GitError) in
      var index: OpaquePointer?
      try check(git_repository_index(&index, handle), "git_repository_index")
      guard let index else { return [] }
      defer { git_index_free(index) }
      return try withDiffOptions(options) { (raw) throws(GitError) in
        var diff: OpaquePointer?
        try check(git_diff_tree_to_index(&diff, handle, tree, index, &raw), "git_diff_tree_to_index")
        guard let diff else { return [] }
        defer { git_diff_free(diff) }
        return try addedLines(diff, options)
      }
    }
  }

  /// The change between two trees (`old` nil: the empty tree), added lines only.
  package func changes(from old: ObjectID?, to new: ObjectID, _ options: DiffOptions) throws(GitError) -> [FileChange] {
    try withTree(old) { (oldTree) throws(GitError) in
      try withTree(new) { (newTree) throws(GitError) in
        try withDiffOptions(options) { (raw) throws(GitError) in
          var diff: OpaquePointer?
          try check(git_diff_tree_to_tree(&diff, handle, oldTree, newTree, &raw), "git_diff_tree_to_tree")
          guard let diff else { return [] }
          defer { git_diff_free(diff) }
          return try addedLines(diff, options)
        }
      }
    }
  }

  /// Blobs that differ between two trees (added or modified on the new side), without computing
  /// patches: for history scans that read whole blobs once. Subtrees with the same id on both sides
  /// are skipped without being read, which is what makes walking a long history cheap.
  package func changedBlobs(from old: ObjectID?, to new: ObjectID) throws(GitError) -> [(path: [UInt8], blob: ObjectID, mode: UInt32)] {
    var result: [(path: [UInt8], blob: ObjectID, mode: UInt32)] = []
    try compareTrees(old, new, prefix: [], into: &result)
    return result
  }

  private struct TreeEntry {
    var name: [UInt8]
    var id: ObjectID
    var mode: UInt32
  }

  private func treeEntries(_ id: ObjectID) throws(GitError) -> [TreeEntry] {
    let tree = try lookup(id, "tree", "git_tree_lookup") { git_tree_lookup($0, handle, $1) }
    defer { git_tree_free(tree) }
    let count = git_tree_entrycount(tree)
    var entries: [TreeEntry] = []
    entries.reserveCapacity(count)
    for index in 0..<count {
      guard let entry = git_tree_entry_byindex(tree, index), let name = git_tree_entry_name(entry),
        let entryID = git_tree_entry_id(entry)
      else { continue }
      entries.append(TreeEntry(name: bytes(name), id: ObjectID(entryID.pointee), mode: UInt32(git_tree_entry_filemode(entry).rawValue)))
    }
    return entries
  }

  private func compareTrees(
    _ old: ObjectID?, _ new: ObjectID, prefix: [UInt8], into result: inout [(path: [UInt8], blob: ObjectID, mode: UInt32)]
  ) throws(GitError) {
    var before: [[UInt8]: TreeEntry] = [:]
    if let old {
      for entry in try treeEntries(old) { before[entry.name] = entry }
    }
    for entry in try treeEntries(new) {
      let previous = before[entry.name]
      if let previous, previous.id == entry.id, previous.mode == entry.mode { continue }
      let path = prefix + entry.name
      if entry.mode == 0o040000 {
        try compareTrees(previous?.mode == 0o040000 ? previous?.id : nil, entry.id, prefix: path + [0x2F], into: &result)
      } else {
        result.append((path, entry.id, entry.mode))
      }
    }
  }

  // MARK: - Internals

  private func withTree<R>(_ id: ObjectID?, _ body: (OpaquePointer?) throws(GitError) -> R) throws(GitError) -> R {
    guard let id else { return try body(nil) }
    let tree = try lookup(id, "tree", "git_tree_lookup") { git_tree_lookup($0, handle, $1) }
    defer { git_tree_free(tree) }
    return try body(tree)
  }

  private func withDiffOptions<R>(_ options: DiffOptions, _ body: (inout git_diff_options) throws(GitError) -> R) throws(GitError) -> R {
    var raw = git_diff_options()
    try check(git_diff_options_init(&raw, UInt32(GIT_DIFF_OPTIONS_VERSION)), "git_diff_options_init")
    raw.context_lines = 0
    raw.interhunk_lines = 0
    raw.max_size = Int64(options.maxBlobSize)
    raw.flags |= GIT_DIFF_INCLUDE_TYPECHANGE.rawValue
    // pathspec strings must outlive the diff call.
    let cStrings: [UnsafeMutablePointer<CChar>?] = options.pathspecs.map { strdup($0) }
    defer { cStrings.forEach { free($0) } }
    var pointers = cStrings
    return try pointers.withUnsafeMutableBufferPointer { (buffer) throws(GitError) -> R in
      raw.pathspec = git_strarray(strings: buffer.baseAddress, count: buffer.count)
      if buffer.isEmpty { raw.pathspec = git_strarray(strings: nil, count: 0) }
      return try body(&raw)
    }
  }

  private func addedLines(_ diff: OpaquePointer, _ options: DiffOptions) throws(GitError) -> [FileChange] {
    if options.detectRenames {
      var find = git_diff_find_options()
      try check(git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)), "git_diff_find_options_init")
      find.flags = GIT_DIFF_FIND_RENAMES.rawValue | GIT_DIFF_FIND_COPIES.rawValue
      try check(git_diff_find_similar(diff, &find), "git_diff_find_similar")
    }
    var changes: [FileChange] = []
    for position in 0..<git_diff_num_deltas(diff) {
      guard let delta = git_diff_get_delta(diff, position) else { continue }
      let newFile = delta.pointee.new_file
      let path = newFile.path.map { bytes($0) } ?? []
      let blob = ObjectID(newFile.id)
      if delta.pointee.status == GIT_DELTA_DELETED {
        continue
      }
      if newFile.mode == 0o160000 || delta.pointee.old_file.mode == 0o160000 && newFile.mode == 0o160000 {
        changes.append(FileChange(kind: .submodule, path: path, blob: blob, addedBytes: [], addedLineNumbers: []))
        continue
      }
      var patch: OpaquePointer?
      let rc = git_patch_from_diff(&patch, diff, position)
      if rc == GIT_ENOTFOUND.rawValue {
        throw GitError(function: "git_patch_from_diff", code: rc, message: "blob \(blob) of '\(String(decoding: path, as: UTF8.self))' is missing from the object database (a partial clone? fetch the objects first)")
      }
      try check(rc, "git_patch_from_diff")
      guard let patch else {
        // libgit2 gives no patch for binary deltas.
        changes.append(FileChange(kind: .binary, path: path, blob: blob, addedBytes: [], addedLineNumbers: []))
        continue
      }
      defer { git_patch_free(patch) }
      if let patchDelta = git_patch_get_delta(patch), patchDelta.pointee.flags & GIT_DIFF_FLAG_BINARY.rawValue != 0 {
        changes.append(FileChange(kind: .binary, path: path, blob: blob, addedBytes: [], addedLineNumbers: []))
        continue
      }
      var added: [UInt8] = []
      var numbers: [Int] = []
      for hunk in 0..<git_patch_num_hunks(patch) {
        let lines = git_patch_num_lines_in_hunk(patch, hunk)
        guard lines > 0 else { continue }
        for index in 0..<Int(lines) {
          var line: UnsafePointer<git_diff_line>?
          try check(git_patch_get_line_in_hunk(&line, patch, hunk, index), "git_patch_get_line_in_hunk")
          guard let line, line.pointee.origin == CChar(UInt8(ascii: "+")) else { continue }
          if let content = line.pointee.content, line.pointee.content_len > 0 {
            added += UnsafeRawBufferPointer(start: content, count: line.pointee.content_len)
          }
          if added.last != 0x0A { added.append(0x0A) }
          numbers.append(Int(line.pointee.new_lineno))
        }
      }
      changes.append(FileChange(kind: .text, path: path, blob: blob, addedBytes: added, addedLineNumbers: numbers))
    }
    return changes
  }
}
