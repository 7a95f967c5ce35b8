/// Base64 (standard or URL-safe) decoding and limits (`EncodedSegments` finds the runs), for scanning encoded secrets
/// (Kubernetes `Secret` data, Docker auths, tokens wrapped in configuration).
enum Base64Segments {
  /// Runs shorter than this (9 bytes decoded) are rarely encoded credentials and often words; a
  /// Kubernetes `Secret` holds passwords of 10 characters as 16.
  static let minimumLength = 12
  /// Longer runs are images, certificates or data, not configuration values.
  static let maximumLength = 16 * 1024
  /// At most this many runs are decoded per chunk, so a file of base64 cannot cost much.
  static let maximumSegments = 256

  static let values: [Int8] = {
    var table = [Int8](repeating: -1, count: 256)
    for (index, byte) in Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8).enumerated() {
      table[Int(byte)] = Int8(index)
    }
    table[Int(UInt8(ascii: "+"))] = 62
    table[Int(UInt8(ascii: "-"))] = 62
    table[Int(UInt8(ascii: "/"))] = 63
    table[Int(UInt8(ascii: "_"))] = 63
    return table
  }()

  /// The decoded bytes when the run decodes to mostly printable text (so binary data is skipped).
  static func decodeText(_ run: UnsafeBufferPointer<UInt8>.SubSequence) -> [UInt8]? {
    values.withUnsafeBufferPointer { table in
      var output: [UInt8] = []
      output.reserveCapacity(run.count * 3 / 4)
      var accumulator: UInt32 = 0
      var bits = 0
      var digits = 0
      var unprintable = 0
      for byte in run where byte != UInt8(ascii: "=") {
        let value = table[Int(byte)]
        guard value >= 0 else { return nil }
        accumulator = accumulator << 6 | UInt32(value)
        bits += 6
        digits += 1
        if bits >= 8 {
          bits -= 8
          let decoded = UInt8(truncatingIfNeeded: accumulator >> UInt32(bits))
          if decoded == 0 { return nil }
          if !((decoded >= 0x20 && decoded < 0x7F) || decoded == 0x0A || decoded == 0x0D || decoded == 0x09) {
            unprintable += 1
            // Binary data (keys, images, identifiers that merely look like base64) gives up early.
            if unprintable * 10 > output.count + 1 { return nil }
          }
          output.append(decoded)
        }
      }
      guard digits % 4 != 1, output.count >= 8 else { return nil }
      return output
    }
  }
}
