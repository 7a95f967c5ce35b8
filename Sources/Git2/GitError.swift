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
  throw GitError(function: "\(function)", code: rc, message: message)
}

/// `git_libgit2_init` runs once per process, before any other libgit2 call.
let libgit2Initialized: Bool = { git_libgit2_init() > 0 }()
