// Durable file writes, locking, modes and test crash points for everything the vault writes.
import Durable

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

package enum Files {
  package static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }

  /// Reads a whole file, at most `limit` bytes (more is an error naming the limit).
  /// Reads a file of at most `limit` bytes; an oversized regular file is refused by its size before any
  /// byte is read. `followLinks: false` for files in the repository: a pull request can make a record a
  /// symlink out of the tree, or a FIFO that would hang the reader, and both are refused.
  package static func read(_ path: String, limit: Int = 16 << 20, followLinks: Bool = true) throws(VaultError) -> [UInt8] {
    // Paths the user gives (an identity as `<(pass show …)`) may be pipes; repository files may not.
    let fd = open(path, O_RDONLY | O_CLOEXEC | (followLinks ? 0 : O_NOFOLLOW | O_NONBLOCK))
    guard fd >= 0 else {
      if errno == ELOOP { throw .malformed(file: path, detail: "is a symbolic link; vault files must be regular files") }
      throw .failed("cannot read \(path): \(errorText(errno))")
    }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw .failed("cannot read \(path): \(errorText(errno))") }
    let regular = info.st_mode & S_IFMT == S_IFREG
    guard regular || followLinks else { throw .malformed(file: path, detail: "is not a regular file") }
    if regular, Int(info.st_size) > limit { throw .malformed(file: path, detail: "larger than \(limit) bytes") }
    var out = [UInt8]()
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR || errno == EAGAIN { continue }
        throw .failed("cannot read \(path): \(errorText(errno))")
      }
      if count == 0 { break }
      out += chunk[..<count]
      if out.count > limit { throw .malformed(file: path, detail: "larger than \(limit) bytes") }
    }
    return out
  }

  package static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

  package static func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
  }

  package static func mode(_ path: String) -> UInt32? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return UInt32(info.st_mode & 0o7777)
  }

  /// Creates `path` and its parents with `mode` (umask does not weaken it).
  package static func makeDirectory(_ path: String, mode: UInt32 = 0o755) throws(VaultError) {
    if isDirectory(path) { return }
    if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
      try makeDirectory(String(path[..<slash]), mode: mode)
    }
    if mkdir(path, mode_t(mode)) != 0 && errno != EEXIST {
      throw .failed("cannot create directory \(path): \(errorText(errno))")
    }
    chmod(path, mode_t(mode))
  }

  /// Atomic replacement (`Durable.write`, which holds the `write:<file name>` fault points).
  package static func writeAtomically(_ bytes: [UInt8], to path: String, mode: UInt32 = 0o644) throws(VaultError) {
    do {
      try Durable.write(bytes, to: path, mode: mode)
    } catch {
      throw .failed(error.description)
    }
  }

  package static func remove(_ path: String) { unlink(path) }

  /// Removes the `.hush-tmp-*` files `Durable.write` leaves when killed before its rename, below `directory`.
  package static func removeTemporaries(under directory: String) {
    guard let dir = opendir(directory) else { return }
    defer { closedir(dir) }
    while let entry = readdir(dir) {
      let name = withUnsafePointer(to: entry.pointee.d_name) {
        $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
      }
      if name == "." || name == ".." { continue }
      let child = directory + "/" + name
      if name.hasPrefix(".hush-tmp-") {
        unlink(child)
      } else if entry.pointee.d_type == UInt8(DT_DIR) {
        removeTemporaries(under: child)
      }
    }
  }

  /// Lists regular files under `directory` recursively, as paths relative to it, sorted.
  package static func list(_ directory: String, suffix: String) -> [String] {
    var out: [String] = []
    func walk(_ relative: String) {
      let full = relative.isEmpty ? directory : directory + "/" + relative
      guard let dir = opendir(full) else { return }
      defer { closedir(dir) }
      while let entry = readdir(dir) {
        let name = withUnsafePointer(to: entry.pointee.d_name) {
          $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
        }
        if name == "." || name == ".." || name.hasPrefix(".") { continue }
        let child = relative.isEmpty ? name : relative + "/" + name
        if isDirectory(directory + "/" + child) {
          walk(child)
        } else if name.hasSuffix(suffix) {
          out.append(child)
        }
      }
    }
    walk("")
    return out.sorted()
  }
}

/// An exclusive `flock` on a lock file, released on deinit or process exit. Re-entrant within a process:
/// an operation that holds the lock can call another that takes it (a second `flock` on a new descriptor
/// would wait for ourselves).
package final class FileLock {
  nonisolated(unsafe) private static var held: [String: Int] = [:]
  private static let guardLock = NSLockLite()
  private let fd: Int32
  private let path: String

  package init(_ path: String) throws(VaultError) {
    self.path = path
    FileLock.guardLock.lock()
    if let count = FileLock.held[path] {
      FileLock.held[path] = count + 1
      FileLock.guardLock.unlock()
      fd = -1
      return
    }
    FileLock.guardLock.unlock()
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw .failed("cannot open lock file \(path): \(Files.errorText(errno))") }
    while flock(fd, LOCK_EX) != 0 {
      if errno != EINTR {
        let code = errno
        close(fd)
        throw .failed("cannot lock \(path): \(Files.errorText(code))")
      }
    }
    FileLock.guardLock.lock()
    FileLock.held[path] = 1
    FileLock.guardLock.unlock()
    // Vault files are written only under this lock, so a temporary left beside them now is a killed
    // writer's: never renamed, never to be. Removing it keeps it out of commits.
    Files.removeTemporaries(under: String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) + "/vaults")
  }

  deinit {
    FileLock.guardLock.lock()
    let count = (FileLock.held[path] ?? 1) - 1
    FileLock.held[path] = count == 0 ? nil : count
    FileLock.guardLock.unlock()
    if fd >= 0 {
      flock(fd, LOCK_UN)
      close(fd)
    }
  }
}

/// A pthread mutex, without Foundation.
final class NSLockLite: @unchecked Sendable {
  private var mutex = pthread_mutex_t()
  init() { pthread_mutex_init(&mutex, nil) }
  func lock() { pthread_mutex_lock(&mutex) }
  func unlock() { pthread_mutex_unlock(&mutex) }
}

