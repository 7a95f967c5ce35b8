#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Musl)
  internal import Musl
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// Shannon entropy of a byte string in bits per byte (0 for empty input, at most 8).
///
/// gitleaks computes entropy over the secret's characters; for ASCII secrets, which all token formats
/// are, bytes and characters agree.
package enum Entropy {
  package static func shannon(_ bytes: some Collection<UInt8>) -> Double {
    guard !bytes.isEmpty else { return 0 }
    var counts = [Int](repeating: 0, count: 256)
    for byte in bytes { counts[Int(byte)] += 1 }
    let total = Double(bytes.count)
    var entropy = 0.0
    for count in counts where count > 0 {
      let p = Double(count) / total
      entropy -= p * log2(p)
    }
    return entropy
  }
}
