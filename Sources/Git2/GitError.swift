internal import CLibgit2

/// An error from libgit2: the function, its return code and libgit2's message.
package struct GitError: Error, Sendable, CustomStringConvertible {
  package var function: String
  package var code: Int32
  package var message: String
  package init(function: String, code: Int32, message: String) {
    self.function = function
    self.code = code
    self.message = message
  }
  package var description: String { message }
  /// The object or path was not found (`GIT_ENOTFOUND`).
  package var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }
}

/// Throws libgit2's error for a negative return code. libgit2's error text is thread-local, so it is
/// read here, synchronously, right after the call.
@discardableResult
func check(_ rc: Int32, _ function: StaticString) throws(GitError) -> Int32 {
  guard rc < 0 else { return rc }
  let message = git_error_last().map { String(cString: $0.pointee.message) } ?? "unknown error"
  throw GitError(function: "\(function)", code: rc, message: explain(message))
}

/// `git_libgit2_init` runs once per process, before any other libgit2 call. A history scan reads
/// every blob once, so libgit2's object cache (256 MB by default) and its pack-file map windows
/// (8 GB) would only grow the resident set; modest limits keep memory bounded at no cost in speed.
let libgit2Initialized: Bool = {
  let ok = git_libgit2_init() > 0
  _ = cgit2_set_cache_max_size(32 << 20)
  _ = cgit2_set_mwindow_mapped_limit(64 << 20)
  return ok
}()

/// libgit2 1.5's messages for repository features it cannot read, turned into messages that name the
/// feature and the fix. Hush fails closed on them: never a silent partial scan.
func explain(_ message: String) -> String {
  if message.contains("extension: 'link'") {
    return "this repository uses a split index, which libgit2 1.5 cannot read; run `git update-index --no-split-index` (and unset core.splitIndex), then retry"
  }
  if message.contains("extension: 'sdir'") {
    return "this repository uses a sparse index, which libgit2 1.5 cannot read; run `git sparse-checkout init --no-sparse-index`, then retry"
  }
  if message.contains("objectformat") {
    return "this repository uses the SHA-256 object format, which libgit2 1.5 cannot read"
  }
  if message.contains("unsupported mandatory extension") {
    return "the index uses an extension libgit2 1.5 cannot read (\(message)); refusing to scan partially"
  }
  return message
}
