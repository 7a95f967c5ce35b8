import Crypto

extension Age {
  /// An X25519 identity: a 32-byte secret scalar, text form `AGE-SECRET-KEY-1…`.
  package struct X25519Identity: Sendable {
    package let rawRepresentation: [UInt8]
    private static let hrp = "age-secret-key-"

    // `rawRepresentation` is a secret: keep it out of `print`, string interpolation, `dump` and test failure output.
    // (The identity is deliberately not Equatable: compare `rawRepresentation`s in a Bool if needed.)

    package init(rawRepresentation: [UInt8]) throws {
      guard rawRepresentation.count == 32 else { throw AgeError.invalidKey("an X25519 identity is 32 bytes") }
      self.rawRepresentation = rawRepresentation
    }

    /// Parses `AGE-SECRET-KEY-1…` (all upper or all lower case).
    package init(string: String) throws {
      let decoded: (hrp: String, data: [UInt8])
      do {
        decoded = try Bech32.decode(string)
      } catch {
        throw AgeError.invalidKey("not a valid AGE-SECRET-KEY-1… identity (bech32)")
      }
      guard decoded.hrp == Self.hrp else { throw AgeError.invalidKey("not an AGE-SECRET-KEY-1… identity") }
      guard decoded.data.count == 32 else { throw AgeError.invalidKey("an X25519 identity is 32 bytes") }
      rawRepresentation = decoded.data
    }

    package static func generate() -> X25519Identity {
      // Any 32 bytes are a valid scalar (X25519 clamps).
      try! X25519Identity(rawRepresentation: Age.randomBytes(32))
    }

    /// The canonical upper-case `AGE-SECRET-KEY-1…` text.
    package var string: String { Bech32.encode(hrp: Self.hrp, data: rawRepresentation).uppercased() }

    package var recipient: X25519Recipient {
      let key = try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: rawRepresentation)
      return X25519Recipient(unchecked: Array(key.publicKey.rawRepresentation))
    }

    /// Parses an age identity file: lines of `AGE-SECRET-KEY-1…`, `#` comments and blank lines; `\r` stripped.
    /// Errors name the line number, never the line.
    package static func parseFile(_ text: String) throws -> [X25519Identity] {
      var identities: [X25519Identity] = []
      // "\r\n" is one Character in Swift, so split on both forms of line end.
      let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
      for (number, rawLine) in lines.enumerated() {
        var line = Substring(rawLine)
        while line.last == "\r" { line = line.dropLast() }
        line = line.drop(while: { $0 == " " || $0 == "\t" })
        while line.last == " " || line.last == "\t" { line = line.dropLast() }
        if line.isEmpty || line.hasPrefix("#") { continue }
        do {
          identities.append(try X25519Identity(string: String(line)))
        } catch {
          throw AgeError.invalidKey("identity file line \(number + 1) is not an AGE-SECRET-KEY-1… identity")
        }
      }
      if identities.isEmpty { throw AgeError.invalidKey("no identities in the identity file") }
      return identities
    }
  }

  /// An X25519 recipient: a 32-byte Curve25519 point, text form `age1…`. Low-order points are rejected.
  package struct X25519Recipient: Sendable, Hashable {
    package let rawRepresentation: [UInt8]
    private static let hrp = "age"

    fileprivate init(unchecked raw: [UInt8]) { rawRepresentation = raw }

    package init(rawRepresentation: [UInt8]) throws {
      guard rawRepresentation.count == 32 else { throw AgeError.invalidKey("an X25519 recipient is 32 bytes") }
      // A throwaway scalar: the result is all-zero exactly when the point has small order.
      _ = try Age.x25519(scalar: Age.randomBytes(32), point: rawRepresentation)
      self.rawRepresentation = rawRepresentation
    }

    package init(string: String) throws {
      let decoded: (hrp: String, data: [UInt8])
      do {
        decoded = try Bech32.decode(string)
      } catch {
        throw AgeError.invalidKey("not a valid age1… recipient (bech32)")
      }
      guard decoded.hrp == Self.hrp else { throw AgeError.invalidKey("not an age1… X25519 recipient") }
      try self.init(rawRepresentation: decoded.data)
    }

    package var string: String { Bech32.encode(hrp: Self.hrp, data: rawRepresentation) }
  }

  /// X25519 (RFC 7748) that throws `.lowOrderPoint` on an all-zero shared secret, which swift-crypto returns
  /// without complaint.
  package static func x25519(scalar: [UInt8], point: [UInt8]) throws -> [UInt8] {
    guard scalar.count == 32, point.count == 32 else { throw AgeError.invalidKey("X25519 inputs are 32 bytes") }
    let shared: [UInt8]
    do {
      let key = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: scalar)
      let peer = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: point)
      let secret = try key.sharedSecretFromKeyAgreement(with: peer)
      shared = secret.withUnsafeBytes { Array($0) }
    } catch {
      // Unreachable with 32-byte inputs; mapped like every other swift-crypto error.
      throw AgeError.integrity("X25519 failed")
    }
    var acc: UInt8 = 0
    for b in shared { acc |= b }  // no early exit: constant time in the secret
    if acc == 0 { throw AgeError.lowOrderPoint }
    return shared
  }

  static func randomBytes(_ count: Int) -> [UInt8] {
    var rng = SystemRandomNumberGenerator()
    return (0..<count).map { _ in rng.next() }
  }
}

extension Age.X25519Identity: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
  package var description: String { "X25519Identity(recipient: \(recipient.string), secret redacted)" }
  package var debugDescription: String { description }
  package var customMirror: Mirror { Mirror(self, children: ["recipient": recipient.string]) }
}

extension Age.X25519Recipient: CustomStringConvertible {
  package var description: String { string }
}
