import Foundation
import Testing

@testable import Age

/// The spec's example identity (c2sp.org/age, "The X25519 recipient type") and its recipient.
let specIdentity = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX"
let specRecipient = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj"

/// Small-order Curve25519 u-coordinates (0, 1, the order-8 points, p−1, p, p+1): X25519 with any scalar gives zero.
let lowOrderPoints: [[UInt8]] = [
  "0000000000000000000000000000000000000000000000000000000000000000",
  "0100000000000000000000000000000000000000000000000000000000000000",
  "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
  "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
].map(hexBytes)

func payload(_ count: Int) -> [UInt8] {
  var rng = SystemRandomNumberGenerator()
  return (0..<count).map { _ in rng.next() }
}

/// Replaces the first occurrence of `old` with `new` in a binary age file.
func replacing(_ old: String, with new: String, in file: [UInt8]) throws -> [UInt8] {
  let o = Array(old.utf8)
  let start = try #require((0...(file.count - o.count)).first { file[$0..<($0 + o.count)].elementsEqual(o) })
  return Array(file[..<start]) + Array(new.utf8) + Array(file[(start + o.count)...])
}

/// The text of the header line starting with `prefix` in a binary age file.
func headerLine(startingWith prefix: String, in file: [UInt8]) throws -> String {
  let header = String(decoding: file.prefix(1000), as: UTF8.self)
  return String(try #require(header.split(separator: "\n").first { $0.hasPrefix(prefix) }))
}

@Suite struct KeyTests {
  @Test func specIdentityGivesSpecRecipient() throws {
    let identity = try Age.X25519Identity(string: specIdentity)
    #expect(identity.rawRepresentation == [UInt8](repeating: 0x42, count: 32))
    #expect(identity.string == specIdentity)
    #expect(identity.recipient.string == specRecipient)
    #expect(try Age.X25519Recipient(string: specRecipient) == identity.recipient)
  }

  @Test func identityTextIsCaseInsensitiveButNotMixed() throws {
    let identity = Age.X25519Identity.generate()
    let lower = try Age.X25519Identity(string: identity.string.lowercased())
    let same = lower.rawRepresentation == identity.rawRepresentation
    #expect(same)
    #expect(identity.string.hasPrefix("AGE-SECRET-KEY-1"))
    var mixed = identity.string
    mixed.replaceSubrange(mixed.index(mixed.endIndex, offsetBy: -3)..., with: mixed.suffix(3).lowercased())
    #expect(throws: Age.AgeError.self) { try Age.X25519Identity(string: mixed) }
  }

  @Test func badKeyTextIsRejectedWithoutEchoingIt() throws {
    let text = Age.X25519Identity.generate().string
    var flipped = Array(text)
    flipped[20] = flipped[20] == "Q" ? "P" : "Q"
    for bad in [String(flipped), String(text.dropLast()), specRecipient, text + "Q"] {
      do {
        _ = try Age.X25519Identity(string: bad)
        Issue.record("accepted a bad identity")
      } catch let error as Age.AgeError {
        guard case .invalidKey = error else { Issue.record("wrong error \(error)"); continue }
        #expect(!error.description.contains(bad))
        #expect(!error.description.contains(String(bad.dropFirst(16).prefix(20))))
      }
    }
    #expect(throws: Age.AgeError.self) { try Age.X25519Recipient(string: specIdentity) }
    #expect(throws: Age.AgeError.self) { try Age.X25519Recipient(string: "age1qqqq") }
    #expect(throws: Age.AgeError.self) { try Age.X25519Identity(rawRepresentation: [1, 2, 3]) }
  }

  @Test func identityNeverPrintsItsSecret() {
    let identity = Age.X25519Identity.generate()
    var dumped = ""
    dump(identity, to: &dumped)
    for text in ["\(identity)", String(reflecting: identity), dumped] {
      #expect(!text.contains(identity.string))
      #expect(!text.contains(identity.string.lowercased()))
      #expect(!text.contains("\(identity.rawRepresentation)"))
      #expect(text.contains(identity.recipient.string))
    }
  }

  @Test func identityFile() throws {
    let a = Age.X25519Identity.generate()
    let b = Age.X25519Identity.generate()
    let text = "# created: today\r\n# public key: \(a.recipient.string)\r\n\(a.string)\r\n\n  \n\(b.string.lowercased())\n"
    let parsed = try Age.X25519Identity.parseFile(text)
    // Compared as a Bool so a failure never prints key bytes.
    let same = parsed.map(\.rawRepresentation) == [a.rawRepresentation, b.rawRepresentation]
    #expect(same)
    #expect(throws: Age.AgeError.self) { try Age.X25519Identity.parseFile("# nothing\n") }
    do {
      _ = try Age.X25519Identity.parseFile("\(a.string)\n\(a.string)X\n")
      Issue.record("accepted a bad identity line")
    } catch let error as Age.AgeError {
      #expect(error.description.contains("line 2"))
      #expect(!error.description.contains(a.string))
    }
  }

  @Test func bech32RoundTripAndBIP173Vectors() throws {
    for count in [0, 1, 20, 32, 100] {
      let data = payload(count)
      let text = Bech32.encode(hrp: "share", data: data)
      let decoded = try Bech32.decode(text)
      #expect(decoded.hrp == "share")
      #expect(decoded.data == data)
      #expect(try Bech32.decode(text.uppercased()).data == data)
    }
    // Valid BIP-173 strings (bech32, not bech32m).
    for valid in ["A12UEL5L", "a12uel5l", "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw", "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w"] {
      _ = try Bech32.decode(valid)
    }
    // Invalid: bad checksum, mixed case, no separator, empty HRP, bech32m checksum.
    for invalid in ["a12uel5m", "A12uEL5L", "pzry9x0s0muk", "1pzry9x0s0muk", "a1lqfn3a"] {
      #expect(throws: Age.AgeError.self) { try Bech32.decode(invalid) }
    }
  }

  @Test("low-order points are rejected as recipients", arguments: lowOrderPoints)
  func lowOrderRecipient(_ point: [UInt8]) throws {
    #expect(throws: Age.AgeError.lowOrderPoint) { try Age.X25519Recipient(rawRepresentation: point) }
    #expect(throws: Age.AgeError.lowOrderPoint) {
      try Age.X25519Recipient(string: Bech32.encode(hrp: "age", data: point))
    }
    #expect(throws: Age.AgeError.lowOrderPoint) {
      try Age.x25519(scalar: Age.X25519Identity.generate().rawRepresentation, point: point)
    }
  }

  @Test("a low-order stanza share aborts decryption", arguments: lowOrderPoints)
  func lowOrderShare(_ point: [UInt8]) throws {
    let identity = Age.X25519Identity.generate()
    let file = try Age.encrypt(payload(10), to: [identity.recipient], armor: false)
    let line = try headerLine(startingWith: "-> X25519 ", in: file)
    let share = String(decoding: Base64.encodeRaw(point), as: UTF8.self)
    let forged = try replacing(line, with: "-> X25519 \(share)", in: file)
    #expect(throws: Age.AgeError.lowOrderPoint) { try Age.decrypt(forged, identities: [identity]) }
  }
}

@Suite struct RoundTripTests {
  static let sizes = [0, 1, 65536, 65537, 200_000]

  @Test("X25519 round trip", arguments: sizes, [1, 3])
  func x25519RoundTrip(size: Int, recipients: Int) throws {
    let identities = (0..<recipients).map { _ in Age.X25519Identity.generate() }
    let plaintext = payload(size)
    for armor in [true, false] {
      let file = try Age.encrypt(plaintext, to: identities.map(\.recipient), armor: armor)
      #expect(file.starts(with: Array((armor ? "-----BEGIN AGE ENCRYPTED FILE-----\n" : "age-encryption.org/v1\n").utf8)))
      #expect(try Age.stanzaTypes(of: file) == Array(repeating: "X25519", count: recipients))
      for identity in identities {
        #expect(try Age.decrypt(file, identities: [identity]) == plaintext)
      }
      #expect(try Age.decrypt(file, identities: [Age.X25519Identity.generate(), identities.last!]) == plaintext)
      #expect(throws: Age.AgeError.noMatch) { try Age.decrypt(file, identities: [Age.X25519Identity.generate()]) }
    }
  }

  @Test func armorIsStrictPEM() throws {
    let identity = Age.X25519Identity.generate()
    let plaintext = payload(300)
    let file = try Age.encrypt(plaintext, to: [identity.recipient])
    let lines = String(decoding: file, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.first == "-----BEGIN AGE ENCRYPTED FILE-----")
    #expect(lines.dropLast().last == "-----END AGE ENCRYPTED FILE-----")
    #expect(lines.last == "")
    #expect(lines.dropFirst().dropLast(3).allSatisfy { $0.count == 64 })
    // CRLF line endings and whitespace around the block are accepted.
    let crlf = Array(String(decoding: file, as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n").utf8)
    #expect(try Age.decrypt(Array(" \r\n\t\n".utf8) + crlf + Array("\n  \n".utf8), identities: [identity]) == plaintext)
    // Anything else outside the block, or a missing END line, is not.
    expectAgeError("garbage after") { try Age.decrypt(file + Array("x".utf8), identities: [identity]) }
    expectAgeError("garbage before") { try Age.decrypt(Array("x\n".utf8) + file, identities: [identity]) }
  }

  @Test func passphraseRoundTrip() throws {
    let passphrase = Array("correct horse battery staple".utf8)
    for size in [0, 1, 65537] {
      let plaintext = payload(size)
      for armor in [true, false] {
        let file = try Age.encrypt(plaintext, passphrase: passphrase, logN: 10, armor: armor)
        #expect(try Age.stanzaTypes(of: file) == ["scrypt"])
        #expect(try Age.decrypt(file, passphrase: passphrase) == plaintext)
        #expect(throws: Age.AgeError.noMatch) { try Age.decrypt(file, passphrase: Array("wrong".utf8)) }
        #expect(throws: Age.AgeError.noMatch) { try Age.decrypt(file, identities: [Age.X25519Identity.generate()]) }
      }
    }
    let x25519File = try Age.encrypt([1, 2, 3], to: [Age.X25519Identity.generate().recipient])
    #expect(throws: Age.AgeError.noMatch) { try Age.decrypt(x25519File, passphrase: passphrase) }
  }

  @Test func passphraseDefaultWorkFactorIs18() throws {
    let passphrase = Array("vault recovery passphrase".utf8)
    let plaintext = payload(32)
    let file = try Age.encrypt(plaintext, passphrase: passphrase, armor: false)
    #expect(try headerLine(startingWith: "-> scrypt ", in: file).hasSuffix(" 18"))
    #expect(try Age.decrypt(file, passphrase: passphrase) == plaintext)
  }

  @Test func workFactorAboveTheLimitFailsFast() throws {
    let passphrase = Array("pw".utf8)
    let file = try Age.encrypt([1], passphrase: passphrase, logN: 10, armor: false)
    let line = try headerLine(startingWith: "-> scrypt ", in: file)
    let forged = try replacing(line, with: String(line.dropLast(2)) + "23", in: file)
    let clock = ContinuousClock()
    let elapsed = clock.measure {
      #expect(throws: Age.AgeError.workFactorTooHigh(logN: 23, max: 22)) {
        try Age.decrypt(forged, passphrase: passphrase, maxLogN: 22)
      }
    }
    #expect(elapsed < .seconds(1))  // logN 23 itself would take minutes and 8 GiB
    #expect(throws: Age.AgeError.workFactorTooHigh(logN: 10, max: 9)) {
      try Age.decrypt(file, passphrase: passphrase, maxLogN: 9)
    }
    #expect(throws: Age.AgeError.self) { try Age.encrypt([1], passphrase: passphrase, logN: 23) }
    #expect(throws: Age.AgeError.self) { try Age.encrypt([1], passphrase: [], logN: 10) }
    for bad in ["010", "+10", "0", "1e1", "99999999999999999999"] {
      let f = try replacing(line, with: String(line.dropLast(2)) + bad, in: file)
      #expect(throws: Age.AgeError.self) { try Age.decrypt(f, passphrase: passphrase) }
    }
  }

  @Test func scryptMustBeAlone() throws {
    let identity = Age.X25519Identity.generate()
    let x = try Age.encrypt([1], to: [identity.recipient], armor: false)
    let s = try Age.encrypt([1], passphrase: Array("pw".utf8), logN: 10, armor: false)
    let xLine = try headerLine(startingWith: "-> X25519 ", in: x)
    let xBody = String(decoding: x, as: UTF8.self).split(separator: "\n")[2]
    let mixed = try replacing("-> scrypt", with: "\(xLine)\n\(xBody)\n-> scrypt", in: s)
    #expect(try Age.stanzaTypes(of: mixed) == ["X25519", "scrypt"])
    #expect(throws: Age.AgeError.self) { try Age.decrypt(mixed, identities: [identity]) }
    #expect(throws: Age.AgeError.self) { try Age.decrypt(mixed, passphrase: Array("pw".utf8)) }
  }

  @Test func atMost128Stanzas() throws {
    func header(_ stanzas: Int) -> [UInt8] {
      var text = "age-encryption.org/v1\n"
      for _ in 0..<stanzas { text += "-> grease\n\n" }
      text += "--- " + String(repeating: "A", count: 43) + "\n"
      return Array(text.utf8)
    }
    #expect(try Age.stanzaTypes(of: header(128)).count == 128)
    #expect(throws: Age.AgeError.self) { try Age.stanzaTypes(of: header(129)) }
    let recipients = (0..<129).map { _ in Age.X25519Identity.generate().recipient }
    #expect(throws: Age.AgeError.self) { try Age.encrypt([1], to: recipients) }
    #expect(throws: Age.AgeError.self) { try Age.encrypt([1], to: []) }
  }
}

@Suite struct TamperTests {
  @Test("truncation at every offset fails with an AgeError", arguments: [false, true])
  func truncation(armor: Bool) throws {
    let identity = Age.X25519Identity.generate()
    let file = try Age.encrypt(payload(40), to: [identity.recipient], armor: armor)
    // Dropping the armor's final newline leaves a valid file (the spec allows a missing EOL at the end).
    let valid = armor ? file.count - 1 : file.count
    for length in 0..<valid {
      expectAgeError("truncated to \(length)") { try Age.decrypt(Array(file.prefix(length)), identities: [identity]) }
    }
    let passphrase = Array("pw".utf8)
    let scrypt = try Age.encrypt(payload(40), passphrase: passphrase, logN: 1, armor: false)
    for length in 0..<scrypt.count {
      expectAgeError("truncated to \(length)") { try Age.decrypt(Array(scrypt.prefix(length)), passphrase: passphrase) }
    }
  }

  @Test func truncatedMultiChunkPayload() throws {
    let identity = Age.X25519Identity.generate()
    let file = try Age.encrypt(payload(65536 * 2 + 10), to: [identity.recipient], armor: false)
    // Cut at chunk boundaries and around them: never a partial plaintext.
    for cut in [26, 65536 + 16, 65536 + 17, 2 * (65536 + 16), 2 * (65536 + 16) + 1, 2 * (65536 + 16) + 25] {
      expectAgeError("cut \(cut)") { try Age.decrypt(Array(file.dropLast(cut)), identities: [identity]) }
    }
    expectAgeError("trailing byte") { try Age.decrypt(file + [0], identities: [identity]) }
  }

  @Test func bitFlipsNeverDecrypt() throws {
    let identity = Age.X25519Identity.generate()
    let file = try Age.encrypt(payload(40), to: [identity.recipient], armor: false)
    let macLine = try #require((0..<file.count).first { file[$0...].starts(with: "\n---".utf8) }) + 1
    for index in 0..<file.count {
      for bit in 0..<8 {
        var flipped = file
        flipped[index] ^= 1 << bit
        let error = expectAgeError("bit \(bit) of byte \(index)") { try Age.decrypt(flipped, identities: [identity]) }
        if index >= macLine, let error {
          // From the MAC line on, tampering is an integrity or format error, never "not for you".
          switch error {
          case .integrity, .malformed: break
          default: Issue.record("bit \(bit) of byte \(index): \(error)")
          }
        }
      }
    }
  }

  @Test func payloadTamperingIsAnIntegrityError() throws {
    let identity = Age.X25519Identity.generate()
    var file = try Age.encrypt(payload(100), to: [identity.recipient], armor: false)
    file[file.count - 1] ^= 0x80
    #expect(throws: Age.AgeError.integrity("payload chunk 0 failed to decrypt as the final chunk")) {
      try Age.decrypt(file, identities: [identity])
    }
  }
}
