#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Musl)
  internal import Musl
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// POSIX file access on byte paths: file names need not be UTF-8.
enum FileSystem {
  enum Kind { case file(size: Int), directory, symlink, other, missing }

  static func kind(of path: [UInt8], followLinks: Bool = false) -> (Kind, errno: Int32) {
    var info = stat()
    let rc = path.withCString { followLinks ? stat($0, &info) : lstat($0, &info) }
    guard rc == 0 else { return (.missing, errno) }
    switch info.st_mode & S_IFMT {
    case S_IFREG: return (.file(size: Int(info.st_size)), 0)
    case S_IFDIR: return (.directory, 0)
    case S_IFLNK: return (.symlink, 0)
    default: return (.other, 0)
    }
  }

  /// Directory entries (names only, without `.` and `..`), sorted bytewise for determinism.
  static func entries(of directory: [UInt8]) -> Result<[[UInt8]], SourceError> {
    guard let dir = directory.withCString({ opendir($0) }) else {
      return .failure(SourceError(path: directory, message: "cannot open directory: \(errorText(errno))"))
    }
    defer { closedir(dir) }
    var names: [[UInt8]] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> [UInt8] in
        let bytes = raw.bindMemory(to: UInt8.self)
        return Array(bytes.prefix { $0 != 0 })
      }
      if name == [0x2E] || name == [0x2E, 0x2E] { continue }
      names.append(name)
    }
    return .success(names.sorted { $0.lexicographicallyPrecedes($1) })
  }

  static func realPath(_ path: [UInt8]) -> [UInt8]? {
    guard let resolved = path.withCString({ realpath($0, nil) }) else { return nil }
    defer { free(resolved) }
    return Array(UnsafeBufferPointer(start: UnsafeRawPointer(resolved).assumingMemoryBound(to: UInt8.self), count: strlen(resolved)))
  }

  static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }
}

extension Array where Element == UInt8 {
  /// Calls `body` with a NUL-terminated copy of the bytes.
  func withCString<R>(_ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
    var terminated = self
    terminated.append(0)
    return try terminated.withUnsafeBufferPointer { buffer in
      try buffer.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) }  // non-empty: has the NUL
    }
  }
}

/// A file that could not be listed or read: the path (bytes) and why.
package struct SourceError: Error, Sendable, CustomStringConvertible {
  package var path: [UInt8]
  package var message: String
  package init(path: [UInt8], message: String) {
    self.path = path
    self.message = message
  }
  package var description: String { "\(String(decoding: path, as: UTF8.self)): \(message)" }
}
