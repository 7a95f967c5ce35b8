// `?as=file` values: a 0700 directory per `hush run` under $XDG_RUNTIME_DIR/hush (or a 0700 hush-<uid> under
// $TMPDIR), files created 0600 with O_EXCL|O_NOFOLLOW, removed when the child exits; directories left by a
// killed hush are swept by the next run.
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

package final class RuntimeDirectory {
  package let path: String
  private var files: [String] = []
  private var removed = false

  package static func base(environment: [String: String]) -> (path: String, warning: String?) {
    if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") {
      return (runtime + "/hush", nil)
    }
    let tmp = environment["TMPDIR"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "/tmp"
    let base = tmp + "/hush-\(getuid())"
    return (base, onTmpfs(tmp) ? nil : "\(tmp) is not a tmpfs: as=file values touch the disk until the command exits; set XDG_RUNTIME_DIR")
  }

  /// Whether `path` is on a tmpfs, from the longest matching mount point in /proc/self/mounts.
  static func onTmpfs(_ path: String) -> Bool {
    guard let file = fopen("/proc/self/mounts", "r") else { return false }
    defer { fclose(file) }
    var best = (length: -1, tmpfs: false)
    var line = [CChar](repeating: 0, count: 4096)
    while fgets(&line, Int32(line.count), file) != nil {
      let fields = String(cString: line).split(separator: " ")
      guard fields.count >= 3 else { continue }
      let mount = String(fields[1])
      let matches = path == mount || path.hasPrefix(mount.hasSuffix("/") ? mount : mount + "/")
      if matches && mount.count > best.length { best = (mount.count, fields[2] == "tmpfs") }
    }
    return best.tmpfs
  }

  package init(environment: [String: String]) throws(RuntimeError) {
    let (base, warning) = RuntimeDirectory.base(environment: environment)
    if let warning { RuntimeError.warn(warning) }
    for directory in [String(base[..<base.lastIndex(of: "/")!]), base] where mkdir(directory, 0o700) != 0 && errno != EEXIST {
      throw RuntimeError("cannot create \(directory): \(String(cString: strerror(errno)))")
    }
    var info = stat()
    guard lstat(base, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, info.st_uid == getuid() else {
      throw RuntimeError("\(base) is not a directory owned by you; remove it or set XDG_RUNTIME_DIR")
    }
    chmod(base, 0o700)
    RuntimeDirectory.sweep(base)
    path = base + "/run-\(getpid())"
    if mkdir(path, 0o700) != 0 && errno != EEXIST { throw RuntimeError("cannot create \(path): \(String(cString: strerror(errno)))") }
    chmod(path, 0o700)
  }

  /// Writes one value; returns the file's path.
  package func write(name: String, value: [UInt8], mode: UInt32) throws(RuntimeError) -> String {
    let file = path + "/" + name
    let fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(0o600))
    guard fd >= 0 else { throw RuntimeError("cannot create \(file): \(String(cString: strerror(errno)))") }
    files.append(file)
    fchmod(fd, mode_t(mode))
    writeAll(fd, value)
    close(fd)
    return file
  }

  package func remove() {
    guard !removed else { return }
    removed = true
    for file in files { unlink(file) }
    rmdir(path)
  }

  deinit { remove() }

  /// Removes `run-<pid>` directories whose process is gone (a hush that was killed).
  static func sweep(_ base: String) {
    guard let directory = opendir(base) else { return }
    defer { closedir(directory) }
    while let entry = readdir(directory) {
      let name = withUnsafePointer(to: entry.pointee.d_name) { $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) } }
      guard name.hasPrefix("run-"), let pid = pid_t(name.dropFirst(4)), pid != getpid() else { continue }
      if kill(pid, 0) != 0 && errno == ESRCH {
        let stale = base + "/" + name
        if let inner = opendir(stale) {
          while let file = readdir(inner) {
            let fileName = withUnsafePointer(to: file.pointee.d_name) { $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) } }
            if fileName != "." && fileName != ".." { unlink(stale + "/" + fileName) }
          }
          closedir(inner)
        }
        rmdir(stale)
      }
    }
  }
}

package struct RuntimeError: Error, CustomStringConvertible {
  package var description: String
  package init(_ description: String) { self.description = description }

  static func warn(_ message: String) { writeAll(2, Array("hush: warning: \(message)\n".utf8)) }
}
