// Fault points for the crash and fault-injection tests. Compiled into debug builds only: a release binary
// reads neither variable, so nothing a user sets can make it crash or fail on purpose.
//
//   HUSH_TEST_CRASH_AT=<step>[#n]   ends the process with _exit(99) the n-th time <step> is reached, as a
//                                   kill would (no cleanup, no buffered output).
//   HUSH_TEST_CRASH_TRACE=<file>    appends every step reached, as `<step>#<n>`, to <file>: a test runs a
//                                   command once with it, then kills it at each step in turn.
//   HUSH_TEST_FAULT=<ERRNO>@<glob>[#n]
//                                   makes the n-th (default: every) write of a file whose name matches
//                                   <glob> fail with ERRNO, as a full or read-only file system would:
//                                   ENOSPC, EDQUOT, EFBIG and EIO after half the bytes are written (a torn
//                                   temporary), EROFS, EACCES and EPERM when the file is created.
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

package enum CrashPoint {
  #if DEBUG
    private static let target: String? = {
      guard let value = getenv("HUSH_TEST_CRASH_AT") else { return nil }
      return String(cString: value)
    }()
    private static let trace: String? = getenv("HUSH_TEST_CRASH_TRACE").map { String(cString: $0) }
    private static let counts = Counter()
  #endif

  /// `step` or `step#n` (the n-th time the step is reached, from 1).
  package static func hit(_ step: String) {
    #if DEBUG
      guard target != nil || trace != nil else { return }
      let count = counts.next(step)
      if let trace {
        let fd = open(trace, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        if fd >= 0 {
          let line = Array("\(step)#\(count)\n".utf8)
          _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
          close(fd)
        }
      }
      if target == step || target == "\(step)#\(count)" { _exit(99) }
    #endif
  }
}

package enum Fault {
  /// Where in a write the fault strikes.
  package enum Stage: Sendable { case create, data }

  #if DEBUG
    private struct Spec {
      var code: Int32
      var stage: Stage
      var pattern: String
      var occurrence: Int?
    }
    private static let spec: Spec? = {
      guard let raw = getenv("HUSH_TEST_FAULT") else { return nil }
      let value = String(cString: raw)
      guard let at = value.firstIndex(of: "@") else { return nil }
      var pattern = String(value[value.index(after: at)...])
      var occurrence: Int?
      if let hash = pattern.lastIndex(of: "#"), let n = Int(pattern[pattern.index(after: hash)...]) {
        occurrence = n
        pattern = String(pattern[..<hash])
      }
      switch value[..<at] {
      case "ENOSPC": return Spec(code: ENOSPC, stage: .data, pattern: pattern, occurrence: occurrence)
      case "EDQUOT": return Spec(code: EDQUOT, stage: .data, pattern: pattern, occurrence: occurrence)
      case "EFBIG": return Spec(code: EFBIG, stage: .data, pattern: pattern, occurrence: occurrence)
      case "EIO": return Spec(code: EIO, stage: .data, pattern: pattern, occurrence: occurrence)
      case "EROFS": return Spec(code: EROFS, stage: .create, pattern: pattern, occurrence: occurrence)
      case "EACCES": return Spec(code: EACCES, stage: .create, pattern: pattern, occurrence: occurrence)
      case "EPERM": return Spec(code: EPERM, stage: .create, pattern: pattern, occurrence: occurrence)
      default: return nil
      }
    }()
    private static let counts = Counter()
  #endif

  /// The error a write of `path` must fail with at `stage`, or nil. Counts one write per `.create` query.
  package static func injected(for path: String, at stage: Stage) -> Int32? {
    #if DEBUG
      guard let spec, spec.stage == stage else { return nil }
      let name = path.split(separator: "/").last.map(String.init) ?? path
      guard fnmatch(spec.pattern, name, 0) == 0 || fnmatch(spec.pattern, path, FNM_PATHNAME) == 0 else { return nil }
      let count = counts.next(name + "\u{0}" + (stage == .create ? "c" : "d"))
      if let occurrence = spec.occurrence, occurrence != count { return nil }
      return spec.code
    #else
      return nil
    #endif
  }
}

#if DEBUG
  /// Per-step counters shared by every thread (scans write from workers).
  private final class Counter: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var counts: [String: Int] = [:]
    init() { pthread_mutex_init(&mutex, nil) }
    func next(_ key: String) -> Int {
      pthread_mutex_lock(&mutex)
      defer { pthread_mutex_unlock(&mutex) }
      let count = (counts[key] ?? 0) + 1
      counts[key] = count
      return count
    }
  }
#endif
