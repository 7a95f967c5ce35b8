#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Musl)
  internal import Musl
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// Encoded runs in a chunk — base64, hex and percent-encoding — found in one pass over its bytes, and
/// their decoding, so the scanner can scan what they hold (Kubernetes `Secret` data, hex-wrapped
/// configuration, URL-encoded passwords).
struct EncodedSegment: Equatable {
  enum Kind: String { case base64, hex, percent }
  var range: Range<Int>
  var kind: Kind
}

/// A decoded segment: its text, and where each decoded byte came from, so a finding inside it can be
/// pointed at the encoded bytes that hold its secret.
struct DecodedSegment {
  var text: [UInt8]
  /// For hex and percent: `offsets[i]` is the chunk offset of decoded byte `i`'s encoding, with one
  /// extra entry for the end. Empty for base64, whose findings point at the whole run.
  var offsets: [Int] = []

  /// The encoded bytes holding decoded bytes `range`, or nil when only the whole run can be named.
  func encodedRange(of range: Range<Int>) -> Range<Int>? {
    guard !offsets.isEmpty, range.lowerBound >= 0, range.upperBound < offsets.count, !range.isEmpty else { return nil }
    return offsets[range.lowerBound]..<offsets[range.upperBound]
  }
}

enum EncodedSegments {
  /// Hex runs shorter than this (16 bytes decoded) are rarely encoded text.
  static let minimumHexDigits = 32
  /// A percent-encoded segment must decode to at least this many bytes.
  static let minimumPercentLength = 8

  /// The value of an ASCII hex digit, or -1.
  static let hexValues: [Int8] = {
    var table = [Int8](repeating: -1, count: 256)
    for (index, byte) in Array("0123456789abcdef".utf8).enumerated() { table[Int(byte)] = Int8(index) }
    for (index, byte) in Array("ABCDEF".utf8).enumerated() { table[Int(byte)] = Int8(10 + index) }
    return table
  }()

  /// Bytes that end a percent-encoded segment: whitespace, controls, quotes and brackets around a URL
  /// or a value, so the segment is the whole URL or assignment (`DATABASE_URL=postgres://u:p%40ss@h/db`).
  static let percentStops: [Bool] = {
    var table = [Bool](repeating: false, count: 256)
    for byte in 0...0x20 { table[byte] = true }
    for byte in 0x7F...0xFF { table[byte] = true }
    for byte in Array("\"'<>`(){}[]\\|^".utf8) { table[Int(byte)] = true }
    return table
  }()

  /// Candidate segments: base64 and hex runs in chunk order (a run of base64 characters that is all
  /// hex digits, of even length and at least 32 digits, optionally after `0x`, is hex), then
  /// percent-encoded segments (the run around one or more `%XX` escapes). At most
  /// `Base64Segments.maximumSegments` of each.
  ///
  /// Runs are found without reading every byte: a run of at least `minimumLength` characters that
  /// starts at or after `i` must cover byte `i + minimumLength - 1`, so when that byte is not a base64
  /// character the search moves past it. In source code most bytes are skipped; `%` is found by memchr.
  static func find(in bytes: UnsafeBufferPointer<UInt8>) -> [EncodedSegment] {
    guard let base = bytes.baseAddress else { return [] }
    return Base64Segments.values.withUnsafeBufferPointer { table in
      hexValues.withUnsafeBufferPointer { hex in
        var segments: [EncodedSegment] = []
        let count = bytes.count
        let limit = Base64Segments.maximumSegments
        let minimum = Base64Segments.minimumLength
        let maximum = Base64Segments.maximumLength
        var found = 0
        // Invariant: `index` is 0 or follows a byte that is not a base64 character.
        var index = 0
        while index + minimum <= count, found < limit {
          let probe = index + minimum - 1
          guard table[Int(base[probe])] >= 0 else {
            index = probe + 1
            continue
          }
          var start = probe
          while start > index, table[Int(base[start - 1])] >= 0 { start -= 1 }
          var stop = probe + 1
          while stop < count, table[Int(base[stop])] >= 0 { stop += 1 }
          var end = stop
          while end < count, end - stop < 2, base[end] == UInt8(ascii: "=") { end += 1 }
          let length = stop - start
          if length >= minimum, length <= maximum {
            if let digits = hexDigits(start..<stop, in: bytes, hex: hex) {
              segments.append(EncodedSegment(range: digits, kind: .hex))
            } else {
              segments.append(EncodedSegment(range: start..<end, kind: .base64))
            }
            found += 1
          }
          // After padding, `end` may start another run (the `=` before it keeps the invariant); else
          // `stop` is not a base64 character.
          index = end > stop ? end : stop + 1
        }
        var covered = 0
        var percents = 0
        var cursor = 0
        while cursor + 2 < count, percents < limit,
          let hit = memchr(base + cursor, 0x25, count - cursor - 2)
        {
          let escape = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
          cursor = escape + 1
          guard escape >= covered, hex[Int(base[escape + 1])] >= 0, hex[Int(base[escape + 2])] >= 0 else { continue }
          var start = escape
          while start > 0, escape - start < maximum, !percentStops[Int(base[start - 1])] { start -= 1 }
          var end = escape
          while end < count, end - escape < maximum, !percentStops[Int(base[end])] { end += 1 }
          covered = end
          cursor = end
          if end - start <= maximum {
            segments.append(EncodedSegment(range: start..<end, kind: .percent))
            percents += 1
          }
        }
        return segments
      }
    }
  }

  /// The hex digits of a run (without a `0x` prefix) when the run is hex: all hex digits, even, long enough.
  private static func hexDigits(_ run: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>, hex: UnsafeBufferPointer<Int8>) -> Range<Int>? {
    var start = run.lowerBound
    if run.count > 2, bytes[start] == UInt8(ascii: "0"), bytes[start + 1] | 0x20 == UInt8(ascii: "x") { start += 2 }
    let digits = run.upperBound - start
    guard digits >= minimumHexDigits, digits % 2 == 0 else { return nil }
    for index in start..<run.upperBound where hex[Int(bytes[index])] < 0 { return nil }
    return start..<run.upperBound
  }

  /// The segment's decoded text when it is mostly printable (binary data, hashes and digests are
  /// skipped, usually after a few bytes).
  static func decode(_ segment: EncodedSegment, in bytes: UnsafeBufferPointer<UInt8>) -> DecodedSegment? {
    switch segment.kind {
    case .base64: return Base64Segments.decodeText(bytes[segment.range]).map { DecodedSegment(text: $0) }
    case .hex: return decodeHex(segment.range, in: bytes)
    case .percent: return decodePercent(segment.range, in: bytes)
    }
  }

  static func isText(_ byte: UInt8) -> Bool {
    (byte >= 0x20 && byte < 0x7F) || byte == 0x0A || byte == 0x0D || byte == 0x09
  }

  static func decodeHex(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> DecodedSegment? {
    hexValues.withUnsafeBufferPointer { hex in
      var text: [UInt8] = []
      text.reserveCapacity(range.count / 2)
      var unprintable = 0
      var index = range.lowerBound
      while index + 1 < range.upperBound {
        let byte = UInt8(hex[Int(bytes[index])]) << 4 | UInt8(hex[Int(bytes[index + 1])])
        if byte == 0 { return nil }
        if !isText(byte) {
          unprintable += 1
          // A digest decodes to random bytes: most are not text, so this gives up within a few bytes.
          if unprintable * 10 > text.count + 1 { return nil }
        }
        text.append(byte)
        index += 2
      }
      guard text.count >= 8 else { return nil }
      var offsets = [Int]()
      offsets.reserveCapacity(text.count + 1)
      for position in 0...text.count { offsets.append(range.lowerBound + 2 * position) }
      return DecodedSegment(text: text, offsets: offsets)
    }
  }

  static func decodePercent(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> DecodedSegment? {
    hexValues.withUnsafeBufferPointer { hex in
      var text: [UInt8] = []
      var offsets: [Int] = []
      text.reserveCapacity(range.count)
      offsets.reserveCapacity(range.count + 1)
      var unprintable = 0
      var escapes = 0
      var index = range.lowerBound
      while index < range.upperBound {
        offsets.append(index)
        if bytes[index] == 0x25, index + 2 < range.upperBound, hex[Int(bytes[index + 1])] >= 0, hex[Int(bytes[index + 2])] >= 0 {
          let byte = UInt8(hex[Int(bytes[index + 1])]) << 4 | UInt8(hex[Int(bytes[index + 2])])
          if byte == 0 { return nil }
          // UTF-8 (bytes from 0x80) is text here: passwords and query values may hold any character.
          if !isText(byte), byte < 0x80 {
            unprintable += 1
            if unprintable * 10 > text.count + 1 { return nil }
          }
          text.append(byte)
          escapes += 1
          index += 3
        } else {
          text.append(bytes[index])
          index += 1
        }
      }
      offsets.append(range.upperBound)
      guard escapes > 0, text.count >= minimumPercentLength else { return nil }
      return DecodedSegment(text: text, offsets: offsets)
    }
  }
}
