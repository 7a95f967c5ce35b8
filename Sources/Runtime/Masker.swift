// Output masking for `hush run` and `hush redact` (VAULT.md §10): every injected value of 6 or more bytes,
// and every such line of a multi-line value, becomes `***hush:NAME***`, even when a value is split across
// reads. Bytes that could still be the start of a value are held back until the next read decides.

package struct Masker {
  private struct Pattern {
    var bytes: [UInt8]
    var mask: [UInt8]
  }

  private var patterns: [Pattern] = []
  /// Patterns by first byte, longest first.
  private var byFirstByte: [[Int]] = Array(repeating: [], count: 256)
  private var longest = 0
  private var pending: [UInt8] = []

  package static let minimumLength = 6

  /// `values`: (name, value) pairs; values shorter than 6 bytes are not masked (they would mask ordinary text).
  package init(_ values: [(name: String, value: [UInt8])]) {
    var seen = Set<[UInt8]>()
    for (name, value) in values {
      var pieces = [value]
      // Each line of a multi-line value, so a PEM key printed line by line is masked too.
      let lines = value.split(separator: 10, omittingEmptySubsequences: true).map { line -> [UInt8] in
        var line = Array(line)
        if line.last == 13 { line.removeLast() }
        return line
      }
      if lines.count > 1 { pieces += lines }
      for piece in pieces where piece.count >= Masker.minimumLength && seen.insert(piece).inserted {
        patterns.append(Pattern(bytes: piece, mask: Array("***hush:\(name)***".utf8)))
      }
    }
    for (index, pattern) in patterns.enumerated() { byFirstByte[Int(pattern.bytes[0])].append(index) }
    for index in 0..<256 { byFirstByte[index].sort { patterns[$0].bytes.count > patterns[$1].bytes.count } }
    longest = patterns.map(\.bytes.count).max() ?? 0
  }

  package var isEmpty: Bool { patterns.isEmpty }

  /// Masks what can be decided now; holds back a tail that may begin a value.
  package mutating func feed(_ data: [UInt8]) -> [UInt8] {
    if patterns.isEmpty { return data }
    pending += data
    return drain(final: false)
  }

  /// Everything held back, masked (end of stream).
  package mutating func finish() -> [UInt8] { drain(final: true) }

  private mutating func drain(final: Bool) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(pending.count)
    var index = 0
    let count = pending.count
    scan: while index < count {
      let candidates = byFirstByte[Int(pending[index])]
      if !candidates.isEmpty {
        var couldContinue = false
        for candidate in candidates {
          let bytes = patterns[candidate].bytes
          let available = min(bytes.count, count - index)
          var matched = true
          for offset in 0..<available where pending[index + offset] != bytes[offset] {
            matched = false
            break
          }
          guard matched else { continue }
          if available == bytes.count {
            out += patterns[candidate].mask
            index += bytes.count
            continue scan
          }
          couldContinue = true  // a prefix of a value reaches the end of what we have
        }
        if couldContinue && !final { break scan }
      }
      out.append(pending[index])
      index += 1
    }
    pending.removeFirst(index)
    return out
  }
}
