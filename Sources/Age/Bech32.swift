// BIP-173 bech32 (not bech32m), as age uses it: no 90-character limit, all-lowercase or all-uppercase input,
// checksum over the lowercase form. Errors never repeat the input, which may be a secret key.
package enum Bech32 {
  private static let charset = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)
  private static let generator: [UInt32] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3]

  private static let reverse: [Int8] = {
    var t = [Int8](repeating: -1, count: 128)
    for (i, c) in charset.enumerated() { t[Int(c)] = Int8(i) }
    return t
  }()

  private static func polymod(_ values: [UInt8]) -> UInt32 {
    var chk: UInt32 = 1
    for v in values {
      let top = chk >> 25
      chk = (chk & 0x1ff_ffff) << 5 ^ UInt32(v)
      for i in 0..<5 where (top >> UInt32(i)) & 1 == 1 { chk ^= generator[i] }
    }
    return chk
  }

  private static func hrpExpand(_ hrp: [UInt8]) -> [UInt8] {
    hrp.map { $0 >> 5 } + [0] + hrp.map { $0 & 31 }
  }

  /// Regroups bits; `pad` for 8→5 on encode, strict (no leftover non-zero bits, fewer than `from` spare) on decode.
  private static func convertBits(_ data: [UInt8], from: Int, to: Int, pad: Bool) -> [UInt8]? {
    var acc = 0
    var bits = 0
    var out: [UInt8] = []
    let maxv = (1 << to) - 1
    for value in data {
      if Int(value) >> from != 0 { return nil }
      acc = (acc << from) | Int(value)
      bits += from
      while bits >= to {
        bits -= to
        out.append(UInt8((acc >> bits) & maxv))
      }
      acc &= (1 << bits) - 1
    }
    if pad {
      if bits > 0 { out.append(UInt8((acc << (to - bits)) & maxv)) }
    } else if bits >= from || acc != 0 {
      return nil
    }
    return out
  }

  /// Encodes in lowercase; callers upper-case the result where a format wants it (AGE-SECRET-KEY-1…).
  package static func encode(hrp: String, data: [UInt8]) -> String {
    let hrpBytes = Array(hrp.lowercased().utf8)
    let values = convertBits(data, from: 8, to: 5, pad: true)!
    let mod = polymod(hrpExpand(hrpBytes) + values + [0, 0, 0, 0, 0, 0]) ^ 1
    var out = hrpBytes
    out.append(UInt8(ascii: "1"))
    for v in values { out.append(charset[Int(v)]) }
    for i in 0..<6 { out.append(charset[Int((mod >> UInt32(5 * (5 - i))) & 31)]) }
    return String(decoding: out, as: UTF8.self)
  }

  /// Decodes; the returned HRP is lowercase.
  package static func decode(_ text: String) throws -> (hrp: String, data: [UInt8]) {
    let bytes = Array(text.utf8)
    var hasLower = false
    var hasUpper = false
    for b in bytes {
      if b < 33 || b > 126 { throw Age.AgeError.invalidKey("bech32: invalid character") }
      if b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") { hasLower = true }
      if b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") { hasUpper = true }
    }
    if hasLower && hasUpper { throw Age.AgeError.invalidKey("bech32: mixed case") }
    let lower = bytes.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 32 : $0 }
    guard let sep = lower.lastIndex(of: UInt8(ascii: "1")), sep >= 1, sep + 7 <= lower.count else {
      throw Age.AgeError.invalidKey("bech32: missing separator or checksum")
    }
    let hrp = Array(lower[..<sep])
    var values: [UInt8] = []
    for c in lower[(sep + 1)...] {
      let v = c < 128 ? reverse[Int(c)] : -1
      if v < 0 { throw Age.AgeError.invalidKey("bech32: invalid data character") }
      values.append(UInt8(v))
    }
    if polymod(hrpExpand(hrp) + values) != 1 { throw Age.AgeError.invalidKey("bech32: bad checksum") }
    guard let data = convertBits(Array(values.dropLast(6)), from: 5, to: 8, pad: false) else {
      throw Age.AgeError.invalidKey("bech32: invalid padding")
    }
    return (String(decoding: hrp, as: UTF8.self), data)
  }
}
