/// Named structural checks a rule opts into with a `validate:<name>` tag (`tags = ["jwt",
/// "validate:jwt"]`). A candidate that fails its rule's check is not a secret of that kind and is
/// dropped like one below the entropy threshold. Tags keep gitleaks' schema: a gitleaks file loads
/// unchanged, and its rules have no such tag.
package enum SecretCheck: String, Sendable, CaseIterable {
  /// A JWS compact token: the first segment must base64url-decode to a JSON object with an `"alg"`
  /// string, and a `"typ"`, if present, must be a JWT or JOSE type.
  case jwt

  static let tagPrefix = "validate:"

  /// The checks a rule's tags name; an unknown name is an error, so a typo does not silently skip it.
  static func checks(tags: [String], ruleID: String) throws(RuleSetError) -> [SecretCheck] {
    var checks: [SecretCheck] = []
    for tag in tags where tag.hasPrefix(tagPrefix) {
      guard let check = SecretCheck(rawValue: String(tag.dropFirst(tagPrefix.count))) else {
        let known = allCases.map { tagPrefix + $0.rawValue }.joined(separator: ", ")
        throw RuleSetError(ruleID: ruleID, message: "unknown check tag '\(tag)' (known: \(known))")
      }
      checks.append(check)
    }
    return checks
  }

  /// Why `secret` fails this check, or nil when it passes.
  func failure(_ secret: [UInt8]) -> String? {
    switch self {
    case .jwt: return SecretCheck.jwtFailure(secret)
    }
  }

  static func jwtFailure(_ token: [UInt8]) -> String? {
    let header = token.prefix { $0 != UInt8(ascii: ".") }
    guard let decoded = header.withUnsafeBufferPointer({ Base64Segments.decodeText($0[...]) }) else {
      return "the JWT header is not base64url text"
    }
    guard let members = JSONObjectScanner.stringMembers(decoded) else { return "the JWT header is not a JSON object" }
    guard let alg = members["alg"], let algorithm = alg, !algorithm.isEmpty else {
      return "the JWT header has no \"alg\""
    }
    if let typ = members["typ"] {
      let lowered = typ?.lowercased() ?? ""
      guard lowered.contains("jwt") || lowered.hasPrefix("jose") else { return "the JWT header's \"typ\" is not a JWT type" }
    }
    return nil
  }
}

/// A small strict JSON reader for one object: validates the whole text and returns its top-level
/// members, with the value when it is a string (nil for other values). Enough to confirm a JWT header
/// without Foundation.
enum JSONObjectScanner {
  static func stringMembers(_ text: [UInt8]) -> [String: String?]? {
    var reader = Reader(bytes: text)
    reader.skipSpace()
    guard reader.peek == UInt8(ascii: "{") else { return nil }
    var members: [String: String?] = [:]
    guard reader.object(depth: 0, members: &members) else { return nil }
    reader.skipSpace()
    return reader.atEnd ? members : nil
  }

  struct Reader {
    let bytes: [UInt8]
    var index = 0
    var atEnd: Bool { index >= bytes.count }
    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skipSpace() {
      while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }

    mutating func consume(_ byte: UInt8) -> Bool {
      skipSpace()
      guard peek == byte else { return false }
      index += 1
      return true
    }

    mutating func object(depth: Int, members: inout [String: String?]) -> Bool {
      guard depth < 32, consume(UInt8(ascii: "{")) else { return false }
      if consume(UInt8(ascii: "}")) { return true }
      repeat {
        skipSpace()
        guard let key = string(), consume(UInt8(ascii: ":")) else { return false }
        skipSpace()
        if peek == UInt8(ascii: "\"") {
          guard let value = string() else { return false }
          if depth == 0 { members[key] = .some(value) }
        } else {
          guard self.value(depth: depth + 1) else { return false }
          if depth == 0 { members[key] = .some(nil) }
        }
      } while consume(UInt8(ascii: ","))
      return consume(UInt8(ascii: "}"))
    }

    mutating func value(depth: Int) -> Bool {
      skipSpace()
      guard depth < 32, let byte = peek else { return false }
      switch byte {
      case UInt8(ascii: "{"):
        var ignored: [String: String?] = [:]
        return object(depth: depth, members: &ignored)
      case UInt8(ascii: "["):
        index += 1
        if consume(UInt8(ascii: "]")) { return true }
        repeat { guard value(depth: depth + 1) else { return false } } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "]"))
      case UInt8(ascii: "\""):
        return string() != nil
      case UInt8(ascii: "t"): return literal("true")
      case UInt8(ascii: "f"): return literal("false")
      case UInt8(ascii: "n"): return literal("null")
      default: return number()
      }
    }

    mutating func literal(_ word: StaticString) -> Bool {
      let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
      guard index + expected.count <= bytes.count, bytes[index..<index + expected.count].elementsEqual(expected) else { return false }
      index += expected.count
      return true
    }

    mutating func number() -> Bool {
      let start = index
      while let byte = peek, (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
        || byte == UInt8(ascii: ".") || byte | 0x20 == UInt8(ascii: "e")
      { index += 1 }
      return index > start && bytes[start] != UInt8(ascii: "+")
    }

    /// A JSON string at the cursor (escapes are kept as written, which is enough to compare keys).
    mutating func string() -> String? {
      guard peek == UInt8(ascii: "\"") else { return nil }
      index += 1
      let start = index
      while let byte = peek, byte != UInt8(ascii: "\"") {
        if byte < 0x20 { return nil }
        index += byte == UInt8(ascii: "\\") ? 2 : 1
      }
      guard index < bytes.count else { return nil }
      let text = String(decoding: bytes[start..<index], as: UTF8.self)
      index += 1
      return text
    }
  }
}
