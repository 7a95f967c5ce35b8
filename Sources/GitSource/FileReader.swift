#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Musl)
  internal import Musl
#elseif canImport(Darwin)
  internal import Darwin
#endif

internal import ScanEngine

/// Reads one file for scanning, refusing what should not be read whole.
package enum FileReader {
  package enum Outcome: Sendable {
    case content([UInt8])
    /// Larger than the limit: skipped and counted, never silently.
    case tooLarge(size: Int)
    /// Vanished between listing and reading (a tracked file deleted from the working tree).
    case missing
    /// Not a regular file (symlink, device, fifo): never read, so a scan cannot hang or escape.
    case notRegular
    /// A NUL in the first 8 KiB (`Chunk.isBinary`), when asked to skip binaries: the rest is not read.
    case binary
  }

  /// Opens without following symlinks and checks the size on the open descriptor, so a file swapped
  /// between the check and the read cannot make us read something else.
  package static func read(_ path: [UInt8], maxSize: Int, skipBinary: Bool = false) throws(SourceError) -> Outcome {
    let fd = path.withCString { open($0, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK) }
    guard fd >= 0 else {
      let code = errno
      if code == ENOENT { return .missing }
      if code == ELOOP { return .notRegular }
      throw SourceError(path: path, message: "cannot open: \(FileSystem.errorText(code))")
    }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      throw SourceError(path: path, message: "cannot stat: \(FileSystem.errorText(errno))")
    }
    guard info.st_mode & S_IFMT == S_IFREG else { return .notRegular }
    let size = Int(info.st_size)
    if size > maxSize { return .tooLarge(size: size) }
    // A binary file (a 2 GB disk image under a raised --max-file-size) is known by its first 8 KiB,
    // read before the buffer for the whole file is allocated.
    var buffer = [UInt8](repeating: 0, count: skipBinary ? Swift.min(size, 8192) : size)
    var filled = 0
    var headChecked = !skipBinary
    while true {
      if filled == buffer.count {
        if !headChecked {
          headChecked = true
          if Chunk.isBinary(Array(buffer[..<filled])) { return .binary }
          if size > buffer.count { buffer.append(contentsOf: [UInt8](repeating: 0, count: size - buffer.count)) }
          if filled < buffer.count { continue }
        }
        // The file grew since fstat: read on, within the limit.
        if buffer.count >= maxSize + 1 { break }
        buffer.append(contentsOf: [UInt8](repeating: 0, count: Swift.min(65536, maxSize + 1 - buffer.count)))
      }
      let count = buffer.withUnsafeMutableBytes { raw in
        Glibc.read(fd, raw.baseAddress! + filled, raw.count - filled)  // raw is non-empty: filled < count
      }
      if count < 0 {
        if errno == EINTR || errno == EAGAIN { continue }
        throw SourceError(path: path, message: "cannot read: \(FileSystem.errorText(errno))")
      }
      if count == 0 { break }
      filled += count
    }
    if !headChecked, Chunk.isBinary(Array(buffer[..<filled])) { return .binary }
    if filled > maxSize { return .tooLarge(size: filled) }
    buffer.removeSubrange(filled...)
    return .content(buffer)
  }
}
