import Age
// Canonical encodings of the vault formats (VAULT.md §6): base64url without padding and lowercase
// Crockford base32. Decoders accept only the one canonical spelling of each value.

/// Canonical base64url without padding: age's strict codec with the URL-safe alphabet.
package enum Base64URL {
  package static func encode(_ bytes: [UInt8]) -> String { String(decoding: Base64Codec.url.encodeRaw(bytes), as: UTF8.self) }

  /// Decodes canonical base64url; nil for padding, whitespace, `+/`, a bad length or non-zero trailing bits.
  package static func decode(_ text: String) -> [UInt8]? { Base64Codec.url.decodeRaw(Array(text.utf8)) }
}

package enum Crockford32 {
  private static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)
  private static let reverse: [Int8] = {
    var table = [Int8](repeating: -1, count: 256)
    for (index, byte) in alphabet.enumerated() { table[Int(byte)] = Int8(index) }
    return table
  }()

  package static func encode(_ bytes: [UInt8]) -> String {
    var out = [UInt8]()
    var accumulator: UInt32 = 0
    var bits = 0
    for byte in bytes {
      accumulator = accumulator << 8 | UInt32(byte)
      bits += 8
      while bits >= 5 {
        bits -= 5
        out.append(alphabet[Int(accumulator >> UInt32(bits) & 31)])
      }
      accumulator &= (1 << UInt32(bits)) - 1
    }
    if bits > 0 { out.append(alphabet[Int(accumulator << UInt32(5 - bits) & 31)]) }
    return String(decoding: out, as: UTF8.self)
  }

  /// Decodes lowercase Crockford base32 of exactly `count` bytes; nil when not canonical.
  package static func decode(_ text: String, count: Int) -> [UInt8]? {
    let input = Array(text.utf8)
    guard input.count == (count * 8 + 4) / 5 else { return nil }
    var out = [UInt8]()
    var accumulator: UInt32 = 0
    var bits = 0
    for byte in input {
      let value = reverse[Int(byte)]
      if value < 0 { return nil }
      accumulator = accumulator << 5 | UInt32(value)
      bits += 5
      if bits >= 8 {
        bits -= 8
        out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
        accumulator &= (1 << UInt32(bits)) - 1
      }
    }
    guard out.count == count, accumulator == 0 else { return nil }
    return out
  }
}

/// The byte strings that MACs and AAD are computed over (VAULT.md §5–6): `lp(x)` = u16be(length) ‖ x.
package struct ByteString {
  package private(set) var bytes: [UInt8] = []
  package init(_ label: String = "") { bytes = Array(label.utf8) }

  package mutating func raw(_ value: [UInt8]) { bytes += value }
  package mutating func raw(_ value: String) { bytes += Array(value.utf8) }
  package mutating func lp(_ value: String?) { lp(Array((value ?? "").utf8)) }
  package mutating func lp(_ value: [UInt8]) {
    u16(UInt16(clamping: value.count))
    bytes += value.prefix(Int(UInt16.max))
  }
  package mutating func u8(_ value: UInt8) { bytes.append(value) }
  package mutating func u16(_ value: UInt16) { bytes += [UInt8(value >> 8), UInt8(value & 0xff)] }
  package mutating func u32(_ value: UInt32) { for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) } }
  package mutating func u64(_ value: UInt64) { for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) } }
}
