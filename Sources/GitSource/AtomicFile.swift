#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// Atomic file replacement: a temp file beside the target, fsync, rename, fsync of the directory.
/// A process killed at any point leaves the old file or the new one, never a torn one.
package enum AtomicFile {
  package static func write(_ bytes: [UInt8], to path: String, mode: UInt32 = 0o600) throws(SourceError) {
    let slash = path.lastIndex(of: "/")
    let directory = slash.map { String(path[...$0]) } ?? "./"
    var template = Array((directory + ".hush-tmp-XXXXXX").utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }  // non-empty array
    guard fd >= 0 else {
      throw SourceError(path: Array(path.utf8), message: "cannot write: \(FileSystem.errorText(errno)); check that the directory exists and is writable")
    }
    let temporary = String(cString: template)
    var failure: Int32 = fchmod(fd, mode_t(mode)) == 0 ? 0 : errno
    var offset = 0
    while failure == 0, offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
      if written < 0 {
        if errno != EINTR { failure = errno }
      } else {
        offset += written
      }
    }
    if failure == 0, fsync(fd) != 0 { failure = errno }
    close(fd)
    if failure == 0, rename(temporary, path) != 0 { failure = errno }
    if failure != 0 {
      unlink(temporary)
      throw SourceError(path: Array(path.utf8), message: "cannot write: \(FileSystem.errorText(failure))")
    }
    let dirfd = open(directory, O_RDONLY | O_DIRECTORY)
    if dirfd >= 0 {
      fsync(dirfd)
      close(dirfd)
    }
  }
}
