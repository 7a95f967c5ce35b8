// Durable file replacement, shared by everything that writes: reports, baselines, the history cache, hooks,
// the vault and `hush fix`.
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

package struct DurableWriteError: Error, CustomStringConvertible {
  package var path: String
  package var code: Int32
  package var creating: Bool
  package var description: String {
    let reason = String(cString: strerror(code))
    return creating ? "cannot write \(path): \(reason); check that the directory exists and is writable" : "cannot write \(path): \(reason)"
  }
}

package enum Durable {
  /// A temp file beside the target (its mode set before any byte), fsync, rename, fsync of the directory:
  /// a process killed at any point leaves the old file or the new one, never a torn one. Debug builds
  /// have fault points (see Fault.swift): `write:<name>.partial` with half the bytes in the temporary,
  /// `write:<name>` between the fsync and the rename, and injected errors at creation and mid-write.
  package static func write(_ bytes: [UInt8], to path: String, mode: UInt32) throws(DurableWriteError) {
    let slash = path.lastIndex(of: "/")
    let directory = slash.map { String(path[..<$0]) } ?? "."
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    if let code = Fault.injected(for: path, at: .create) { throw DurableWriteError(path: path, code: code, creating: true) }
    var template = Array(((directory.isEmpty ? "" : directory) + "/.hush-tmp-XXXXXX").utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }  // non-empty array
    guard fd >= 0 else { throw DurableWriteError(path: path, code: errno, creating: true) }
    let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    var failure: Int32 = fchmod(fd, mode_t(mode)) == 0 ? 0 : errno
    // Written in two halves so the fault points can strike between them.
    let half = bytes.count / 2
    for end in [half, bytes.count] {
      var offset = end == half ? 0 : half
      while failure == 0, offset < end {
        let written = bytes[offset..<end].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        if written < 0 {
          if errno != EINTR { failure = errno }
        } else {
          offset += written
        }
      }
      if failure == 0, end == half {
        CrashPoint.hit("write:\(name).partial")
        if let code = Fault.injected(for: path, at: .data) { failure = code }
      }
    }
    if failure == 0, fsync(fd) != 0 { failure = errno }
    close(fd)
    if failure == 0 { CrashPoint.hit("write:" + name) }
    if failure == 0, rename(temporary, path) != 0 { failure = errno }
    if failure != 0 {
      unlink(temporary)
      throw DurableWriteError(path: path, code: failure, creating: false)
    }
    syncDirectory(directory.isEmpty ? "/" : directory)
  }

  package static func syncDirectory(_ directory: String) {
    let fd = open(directory, O_RDONLY | O_DIRECTORY)
    if fd >= 0 {
      fsync(fd)
      close(fd)
    }
  }
}
