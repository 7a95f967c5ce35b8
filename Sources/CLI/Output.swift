import ArgumentParser
import GitSource

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Report formats of `hush scan`.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json, sarif, junit, csv
  case gitleaksJSON = "gitleaks-json"
  case github
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

/// Writes a report atomically with mode 0600 (with --show-secrets it holds secrets).
func writeAtomically(_ bytes: [UInt8], to path: String) throws(OperationalError) {
  do { try AtomicFile.write(bytes, to: path, mode: 0o600) } catch { throw OperationalError("\(error)") }
}

func isTerminal(_ fd: Int32) -> Bool { isatty(fd) != 0 }

func environment(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
