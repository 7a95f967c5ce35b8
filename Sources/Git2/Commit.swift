internal import CLibgit2

/// What a report needs of a commit, copied out of libgit2.
package struct CommitInfo: Sendable, Hashable {
  package var id: ObjectID
  package var parents: [ObjectID]
  package var tree: ObjectID
  package var authorName: String
  package var authorEmail: String
  /// Author time, seconds since the epoch, and its UTC offset in minutes.
  package var time: Int64
  package var offsetMinutes: Int
  /// The message's subject paragraph, at most `maxSummaryBytes` (then cut at a character and marked `…`).
  package var summary: String
  package static let maxSummaryBytes = 4096

  /// ISO 8601 with the author's offset, e.g. `2024-05-01T09:30:00+02:00`.
  package var isoDate: String {
    let local = time + Int64(offsetMinutes) * 60
    var days = local >= 0 ? local / 86400 : (local - 86399) / 86400
    let seconds = Int(local - days * 86400)
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    days += 719_468
    let era = (days >= 0 ? days : days - 146_096) / 146_097
    let dayOfEra = days - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    var year = yearOfEra + era * 400
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    if month <= 2 { year += 1 }
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    let sign = offsetMinutes < 0 ? "-" : "+"
    let offset = abs(offsetMinutes)
    return "\(year)-\(two(Int(month)))-\(two(Int(day)))T\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))\(sign)\(two(offset / 60)):\(two(offset % 60))"
  }
}

extension Repository {
  /// Looks an object up, turning "not found" into a message that names the object and the likely
  /// cause: a partial clone's missing objects, where Hush must fail closed rather than skip.
  func lookup(
    _ id: ObjectID, _ kind: String, _ function: StaticString,
    _ body: (UnsafeMutablePointer<OpaquePointer?>, UnsafePointer<git_oid>) -> Int32
  ) throws(GitError) -> OpaquePointer {
    var oid = id.raw
    var object: OpaquePointer?
    let rc = body(&object, &oid)
    if rc == GIT_ENOTFOUND.rawValue {
      throw GitError(
        function: "\(function)", code: rc,
        message: "\(kind) \(id) is missing from the object database (a partial clone? fetch the objects first)")
    }
    try check(rc, function)
    guard let object else { throw GitError(function: "\(function)", code: -1, message: "\(kind) \(id) not found") }
    return object
  }

  /// Reads a commit. Fails (naming the id) when the object is missing or not a commit.
  package func commit(_ id: ObjectID) throws(GitError) -> CommitInfo {
    var oid = id.raw
    var commit: OpaquePointer?
    try check(git_commit_lookup(&commit, handle, &oid), "git_commit_lookup")
    guard let commit else { throw GitError(function: "git_commit_lookup", code: -1, message: "commit \(id) not found") }
    defer { git_commit_free(commit) }
    var parents: [ObjectID] = []
    // At a shallow clone's boundary the parents are absent: the commit is treated as a root.
    for index in 0..<(shallowCommits.contains(id) ? 0 : git_commit_parentcount(commit)) {
      if let parent = git_commit_parent_id(commit, index) { parents.append(ObjectID(parent.pointee)) }
    }
    let author = git_commit_author(commit)
    let name = author.flatMap { $0.pointee.name.map { String(cString: $0) } } ?? ""
    let email = author.flatMap { $0.pointee.email.map { String(cString: $0) } } ?? ""
    let time = author.map { $0.pointee.when.time } ?? 0
    let offset = author.map { Int($0.pointee.when.offset) } ?? 0
    // The subject paragraph, bounded: a hostile 20 MB message would otherwise be copied into every finding.
    var summary = git_commit_summary(commit).map { String(cString: $0) } ?? ""
    if summary.utf8.count > CommitInfo.maxSummaryBytes {
      var bytes = 0
      var end = summary.unicodeScalars.startIndex
      for index in summary.unicodeScalars.indices {
        bytes += summary.unicodeScalars[index].utf8.count
        if bytes > CommitInfo.maxSummaryBytes { break }
        end = summary.unicodeScalars.index(after: index)
      }
      summary = String(summary.unicodeScalars[..<end]) + "…"
    }
    guard let tree = git_commit_tree_id(commit) else {
      throw GitError(function: "git_commit_tree_id", code: -1, message: "commit \(id) has no tree")
    }
    return CommitInfo(
      id: id, parents: parents, tree: ObjectID(tree.pointee), authorName: name, authorEmail: email, time: time,
      offsetMinutes: offset, summary: summary)
  }

  /// Resolves a revision (`HEAD`, `main`, `origin/main~3`, an id) to a commit id.
  package func resolveCommit(_ revision: String) throws(GitError) -> ObjectID {
    var object: OpaquePointer?
    let rc = git_revparse_single(&object, handle, revision)
    if rc < 0 {
      let message = git_error_last().map { String(cString: $0.pointee.message) } ?? "not found"
      throw GitError(function: "git_revparse_single", code: rc, message: "unknown revision '\(revision)': \(message)")
    }
    guard let object else { throw GitError(function: "git_revparse_single", code: -1, message: "unknown revision '\(revision)'") }
    defer { git_object_free(object) }
    var commit: OpaquePointer?
    let peeled = git_object_peel(&commit, object, GIT_OBJECT_COMMIT)
    if peeled < 0 { throw GitError(function: "git_object_peel", code: peeled, message: "'\(revision)' does not name a commit") }
    guard let commit else { throw GitError(function: "git_object_peel", code: -1, message: "'\(revision)' does not name a commit") }
    defer { git_object_free(commit) }
    guard let id = git_object_id(commit) else { throw GitError(function: "git_object_id", code: -1, message: "no id") }
    return ObjectID(id.pointee)
  }

  /// Reads a blob's bytes (copied out of libgit2).
  package func blob(_ id: ObjectID) throws(GitError) -> [UInt8] {
    let blob = try lookup(id, "blob", "git_blob_lookup") { git_blob_lookup($0, handle, $1) }
    defer { git_blob_free(blob) }
    let size = Int(git_blob_rawsize(blob))
    guard size > 0, let content = git_blob_rawcontent(blob) else { return [] }
    return Array(UnsafeRawBufferPointer(start: content, count: size))
  }

  /// Size of a blob without reading it (from the object header).
  package func blobSize(_ id: ObjectID) throws(GitError) -> Int {
    var oid = id.raw
    var odb: OpaquePointer?
    try check(git_repository_odb(&odb, handle), "git_repository_odb")
    guard let odb else { return 0 }
    defer { git_odb_free(odb) }
    var size = 0
    var type = GIT_OBJECT_ANY
    let rc = git_odb_read_header(&size, &type, odb, &oid)
    if rc == GIT_ENOTFOUND.rawValue {
      throw GitError(function: "git_odb_read_header", code: rc, message: "blob \(id) is missing from the object database (a partial clone? fetch the objects first)")
    }
    try check(rc, "git_odb_read_header")
    return size
  }
}
