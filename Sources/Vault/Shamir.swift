import Age

/// Shamir secret sharing of the vault key S for break-glass recovery (VAULT.md §8).
///
/// S is split byte-wise over GF(2⁸) with the AES polynomial x⁸ + x⁴ + x³ + x + 1 (0x11b): for every byte a fresh
/// random polynomial of degree T − 1 whose constant term is that byte, evaluated at x = 1…N. Any T shares rebuild S
/// by Lagrange interpolation at x = 0; fewer reveal nothing about it. Field arithmetic on secret values is constant
/// time: no table lookups indexed by secret data and no secret-dependent branches.
///
/// Text form: `HUSH-SHARE-1-<vault_id>-<index>-<data>`, `index` in decimal (1…255), `data` the bech32 (HRP `share`)
/// of the 32 share bytes.
package enum Shamir {
  package enum ShamirError: Error, Equatable, CustomStringConvertible {
    /// Threshold or share count out of 2 ≤ T ≤ N ≤ 255, or a secret that is not 32 bytes.
    case invalidParameters(String)
    /// Two shares carry the same x coordinate.
    case duplicateIndex(UInt8)
    /// Fewer than two shares: nothing to interpolate.
    case tooFewShares(Int)
    /// A share string or share value that does not parse. Never repeats the share data.
    case malformed(String)
    /// Shares from different vaults were combined.
    case differentVaults

    package var description: String {
      switch self {
      case .invalidParameters(let why): "invalid Shamir parameters: \(why)"
      case .duplicateIndex(let index): "share \(index) was given more than once"
      case .tooFewShares(let count): "\(count) share(s) given; at least the threshold (2 or more) is needed"
      case .malformed(let why): "malformed share: \(why)"
      case .differentVaults: "the shares belong to different vaults"
      }
    }
  }

  package static let secretSize = 32
  static let prefix = "HUSH-SHARE-1-"
  static let hrp = "share"

  // MARK: - Splitting and combining

  /// Splits a 32-byte secret into `shares` shares, any `threshold` of which rebuild it.
  package static func split(secret: [UInt8], threshold: Int, shares: Int) throws -> [(index: UInt8, data: [UInt8])] {
    guard secret.count == secretSize else { throw ShamirError.invalidParameters("the secret must be 32 bytes") }
    guard threshold >= 2 else { throw ShamirError.invalidParameters("the threshold must be at least 2") }
    guard threshold <= shares else { throw ShamirError.invalidParameters("the threshold exceeds the share count") }
    guard shares <= 255 else { throw ShamirError.invalidParameters("at most 255 shares") }
    var rng = SystemRandomNumberGenerator()
    var out = (1...shares).map { (index: UInt8($0), data: [UInt8](repeating: 0, count: secret.count)) }
    var coefficients = [UInt8](repeating: 0, count: threshold)
    for byte in 0..<secret.count {
      // f(x) = secret[byte] + c1·x + … + c(T−1)·x^(T−1), fresh random coefficients for every byte.
      coefficients[0] = secret[byte]
      for k in 1..<threshold { coefficients[k] = rng.next() }
      for s in out.indices {
        out[s].data[byte] = evaluate(coefficients, at: out[s].index)
      }
    }
    for k in coefficients.indices { coefficients[k] = 0 }
    return out
  }

  /// Rebuilds the secret from shares by interpolation at x = 0. With fewer shares than the threshold the result is
  /// a meaningless value, not an error: the caller checks it (against the vault's public key P).
  package static func combine(_ shares: [(index: UInt8, data: [UInt8])]) throws -> [UInt8] {
    guard shares.count >= 2 else { throw ShamirError.tooFewShares(shares.count) }
    var seen = Set<UInt8>()
    for share in shares {
      guard share.index != 0 else { throw ShamirError.malformed("share index 0 is not allowed") }
      guard seen.insert(share.index).inserted else { throw ShamirError.duplicateIndex(share.index) }
      guard share.data.count == secretSize else { throw ShamirError.malformed("a share is not 32 bytes") }
    }
    // Lagrange basis at 0: l_i = Π_{j≠i} x_j / (x_i − x_j); subtraction is XOR in GF(2⁸). The x_j are public.
    let xs = shares.map(\.index)
    let basis = xs.indices.map { i -> UInt8 in
      var l: UInt8 = 1
      for j in xs.indices where j != i {
        l = mul(l, mul(xs[j], inverse(xs[i] ^ xs[j])))
      }
      return l
    }
    var secret = [UInt8](repeating: 0, count: secretSize)
    for byte in 0..<secretSize {
      var acc: UInt8 = 0
      for (i, share) in shares.enumerated() { acc ^= mul(share.data[byte], basis[i]) }
      secret[byte] = acc
    }
    return secret
  }

  /// Decodes share strings, checks they name one vault, and combines them.
  package static func combine(encoded: [String]) throws -> (vaultID: String, secret: [UInt8]) {
    let decoded = try encoded.map(decode)
    guard let vaultID = decoded.first?.vaultID else { throw ShamirError.tooFewShares(0) }
    guard decoded.allSatisfy({ $0.vaultID == vaultID }) else { throw ShamirError.differentVaults }
    return (vaultID, try combine(decoded.map { (index: $0.index, data: $0.data) }))
  }

  // MARK: - Text form

  package static func encode(vaultID: String, index: UInt8, data: [UInt8]) -> String {
    "\(prefix)\(vaultID)-\(index)-\(Bech32.encode(hrp: hrp, data: data))"
  }

  /// Parses `HUSH-SHARE-1-<vault_id>-<index>-<data>`; surrounding whitespace (as typed or pasted) is ignored.
  package static func decode(_ s: String) throws -> (vaultID: String, index: UInt8, data: [UInt8]) {
    let text = s.trimmingWhitespace()
    guard text.hasPrefix(prefix) else { throw ShamirError.malformed("a share starts with \(prefix)") }
    // vault_id itself contains '-' (hv1-…), so take index and data from the right; bech32 never contains '-'.
    let fields = text.dropFirst(prefix.count).split(separator: "-", omittingEmptySubsequences: false)
    guard fields.count >= 3 else { throw ShamirError.malformed("expected <vault_id>-<index>-<data>") }
    let vaultID = fields.dropLast(2).joined(separator: "-")
    guard !vaultID.isEmpty, vaultID.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
      throw ShamirError.malformed("invalid vault id")
    }
    let indexText = fields[fields.count - 2]
    guard let first = indexText.utf8.first, first != UInt8(ascii: "0"), indexText.utf8.count <= 3,
      indexText.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
      let index = UInt8(indexText)
    else { throw ShamirError.malformed("the index must be a decimal number from 1 to 255") }
    let decoded: (hrp: String, data: [UInt8])
    do {
      decoded = try Bech32.decode(String(fields[fields.count - 1]))
    } catch {
      throw ShamirError.malformed("the share data is not valid bech32")
    }
    guard decoded.hrp == hrp else { throw ShamirError.malformed("the share data does not have the HRP \(hrp)") }
    guard decoded.data.count == secretSize else { throw ShamirError.malformed("the share data is not 32 bytes") }
    return (vaultID, index, decoded.data)
  }

  // MARK: - GF(2⁸), polynomial 0x11b, constant time

  /// Carry-less multiply and reduce, always 8 rounds; masks instead of branches on the operands.
  static func mul(_ a: UInt8, _ b: UInt8) -> UInt8 {
    var a = a
    var b = b
    var product: UInt8 = 0
    for _ in 0..<8 {
      product ^= a & (0 &- (b & 1))  // add a when b's low bit is set
      let carry = 0 &- (a >> 7)  // 0xFF when a's top bit is set
      a = (a << 1) ^ (0x1b & carry)
      b >>= 1
    }
    return product
  }

  /// a^254 = a^-1 (and 0 for 0), by a fixed square-and-multiply chain.
  static func inverse(_ a: UInt8) -> UInt8 {
    var result: UInt8 = 1
    var base = a
    var exponent = 254
    while exponent > 0 {  // the exponent is a constant: the branch pattern is the same for every a
      if exponent & 1 == 1 { result = mul(result, base) }
      base = mul(base, base)
      exponent >>= 1
    }
    return result
  }

  /// Horner's rule; `x` is a public share index.
  static func evaluate(_ coefficients: [UInt8], at x: UInt8) -> UInt8 {
    var y: UInt8 = 0
    for c in coefficients.reversed() { y = mul(y, x) ^ c }
    return y
  }
}

extension String {
  fileprivate func trimmingWhitespace() -> String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
    return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
  }
}
