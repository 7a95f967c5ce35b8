// Strict base64 (RFC 4648 §4, standard alphabet). age's header uses the unpadded ("raw") form and requires
// canonical encodings (§3.5: unused trailing bits zero); the ASCII armor uses the padded form, also canonical.
// Hand-rolled because Foundation's decoder is lenient about non-canonical input. The vault's files use the
// same canonical rules with the URL-safe alphabet (`Base64.url`).
enum Base64 {
  static let standard = Base64Codec(alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

  static func isAlphabet(_ byte: UInt8) -> Bool { standard.isAlphabet(byte) }
  static func encodeRaw(_ data: [UInt8]) -> [UInt8] { standard.encodeRaw(data) }
  static func decodeRaw<C: Collection<UInt8>>(_ text: C) -> [UInt8]? { standard.decodeRaw(text) }

  static func encodePadded(_ data: [UInt8]) -> [UInt8] {
    var out = encodeRaw(data)
    while out.count % 4 != 0 { out.append(UInt8(ascii: "=")) }
    return out
  }

  /// Decodes padded canonical base64: length a multiple of 4, at most two `=` and only at the end.
  static func decodePadded(_ text: [UInt8]) -> [UInt8]? {
    if text.count % 4 != 0 { return nil }
    var end = text.count
    var pads = 0
    while end > 0, text[end - 1] == UInt8(ascii: "="), pads < 3 {
      end -= 1
      pads += 1
    }
    if pads > 2 { return nil }
    return decodeRaw(text[0..<end])
  }
}

/// Canonical unpadded base64 over one alphabet.
package struct Base64Codec: Sendable {
  private let alphabet: [UInt8]
  /// 0...63 for alphabet bytes, 0xFF otherwise.
  private let table: [UInt8]

  package init(alphabet text: String) {
    alphabet = Array(text.utf8)
    var t = [UInt8](repeating: 0xFF, count: 256)
    for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
    table = t
  }

  package static let url = Base64Codec(alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

  func isAlphabet(_ byte: UInt8) -> Bool { table[Int(byte)] != 0xFF }

  package func encodeRaw(_ data: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity((data.count * 4 + 2) / 3)
    var i = 0
    while i + 3 <= data.count {
      let n = UInt32(data[i]) << 16 | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2])
      out.append(alphabet[Int(n >> 18 & 63)])
      out.append(alphabet[Int(n >> 12 & 63)])
      out.append(alphabet[Int(n >> 6 & 63)])
      out.append(alphabet[Int(n & 63)])
      i += 3
    }
    switch data.count - i {
    case 1:
      let n = UInt32(data[i]) << 16
      out.append(alphabet[Int(n >> 18 & 63)])
      out.append(alphabet[Int(n >> 12 & 63)])
    case 2:
      let n = UInt32(data[i]) << 16 | UInt32(data[i + 1]) << 8
      out.append(alphabet[Int(n >> 18 & 63)])
      out.append(alphabet[Int(n >> 12 & 63)])
      out.append(alphabet[Int(n >> 6 & 63)])
    default: break
    }
    return out
  }

  /// Decodes unpadded canonical base64; nil for any other character (including `=`), an impossible length or
  /// non-zero unused bits.
  package func decodeRaw<C: Collection<UInt8>>(_ text: C) -> [UInt8]? {
    if text.count % 4 == 1 { return nil }
    var out: [UInt8] = []
    out.reserveCapacity(text.count * 3 / 4)
    var acc: UInt32 = 0
    var bits = 0
    for c in text {
      let v = table[Int(c)]
      if v == 0xFF { return nil }
      acc = acc << 6 | UInt32(v)
      bits += 6
      if bits >= 8 {
        bits -= 8
        out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
        acc &= (1 << UInt32(bits)) - 1
      }
    }
    // Canonical: the leftover bits (2 or 4) must be zero.
    if acc != 0 { return nil }
    return out
  }


}
