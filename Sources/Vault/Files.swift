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
  package static func read(_ path: String, limit: Int = 16 << 20) throws(VaultError) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw .failed("cannot read \(path): \(errorText(errno))") }
    defer { close(fd) }
    var out = [UInt8]()
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
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

  /// Atomic replacement (`Durable.write`), with the `write:<file name>` crash point before the rename.
  package static func writeAtomically(_ bytes: [UInt8], to path: String, mode: UInt32 = 0o644) throws(VaultError) {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    do {
      try Durable.write(bytes, to: path, mode: mode) { CrashPoint.hit("write:" + name) }
    } catch {
      throw .failed(error.description)
    }
  }

  package static func remove(_ path: String) { unlink(path) }

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

/// Fault points for the crash tests: `HUSH_TEST_CRASH_AT=<step>` ends the process at that step, as a kill
/// would. Compiled into debug builds only; a release binary ignores the variable.
package enum CrashPoint {
  #if DEBUG
    private static let target: String? = {
      guard let value = getenv("HUSH_TEST_CRASH_AT") else { return nil }
      return String(cString: value)
    }()
    nonisolated(unsafe) private static var counts: [String: Int] = [:]
  #endif

  /// `step` or `step#n` (the n-th time the step is reached, from 1).
  package static func hit(_ step: String) {
    #if DEBUG
      guard let target else { return }
      let count = (counts[step] ?? 0) + 1
      counts[step] = count
      if target == step || target == "\(step)#\(count)" { _exit(99) }
    #endif
  }
}
