import ArgumentParser

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Report formats of `hush scan`.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json
}

/// A size such as `10MiB`, `512k` or `1048576`.
struct ByteSize: ExpressibleByArgument {
  var bytes: Int
  init(bytes: Int) { self.bytes = bytes }
  init?(argument: String) {
    let lowered = argument.lowercased()
    let digits = lowered.prefix { $0.isNumber }
    guard let value = Int(digits), !digits.isEmpty else { return nil }
    let multipliers: [String: Int] = [
      "": 1, "b": 1, "k": 1 << 10, "kb": 1000, "kib": 1 << 10, "m": 1 << 20, "mb": 1_000_000,
      "mib": 1 << 20, "g": 1 << 30, "gb": 1_000_000_000, "gib": 1 << 30,
    ]
    guard let multiplier = multipliers[String(lowered.dropFirst(digits.count))] else { return nil }
    let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
    guard !overflow else { return nil }
    bytes = product
  }
  var defaultValueDescription: String { "10MiB" }
}

/// Writes `bytes` to `path` atomically: a temp file beside it (mode 0600, since reports can carry
/// secrets with --show-secrets), fsync, rename. A killed process leaves the old file or the new one.
func writeAtomically(_ bytes: [UInt8], to path: String) throws(OperationalError) {
  let directory = path.contains("/") ? String(path[...path.lastIndex(of: "/")!]) : "./"
  var template = Array((directory + ".hush-tmp-XXXXXX").utf8CString)
  let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
  guard fd >= 0 else {
    throw OperationalError("cannot write '\(path)': \(String(cString: strerror(errno))); check that the directory exists and is writable")
  }
  let temporary = String(cString: template)
  var failed = fchmod(fd, 0o600) != 0
  var offset = 0
  while !failed, offset < bytes.count {
    let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    if written < 0 {
      if errno == EINTR { continue }
      failed = true
    } else {
      offset += written
    }
  }
  if !failed { failed = fsync(fd) != 0 }
  let code = errno
  close(fd)
  if failed || rename(temporary, path) != 0 {
    let reason = String(cString: strerror(failed ? code : errno))
    unlink(temporary)
    throw OperationalError("cannot write '\(path)': \(reason)")
  }
}

func isTerminal(_ fd: Int32) -> Bool { isatty(fd) != 0 }

func environment(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
