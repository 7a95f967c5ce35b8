import Crypto
import CryptoExtras
import Foundation

// The header, payload and armor layers of age v1 (c2sp.org/age), and the public encrypt/decrypt entry points.

extension Age {
  struct Stanza {
    var args: [String]
    var body: [UInt8]
  }

  struct Header {
    var stanzas: [Stanza]
    /// Every header byte up to and including `---`: what the MAC covers.
    var macInput: ArraySlice<UInt8>
    var mac: [UInt8]
    /// Index of the first payload byte (the nonce) in the decoded file.
    var payloadOffset: Int
  }

  static let versionLine = Array("age-encryption.org/v1".utf8)
  static let x25519Label = "age-encryption.org/v1/X25519"
  static let scryptLabel = Array("age-encryption.org/v1/scrypt".utf8)
  static let armorBegin = Array("-----BEGIN AGE ENCRYPTED FILE-----".utf8)
  static let armorEnd = Array("-----END AGE ENCRYPTED FILE-----".utf8)
  static let chunkSize = 64 * 1024
  static let tagSize = 16
  static let zeroNonce = [UInt8](repeating: 0, count: 12)

  // MARK: - Public API

  /// Stanza type names (first arguments) in the file's header, without decrypting.
  package static func stanzaTypes(of file: [UInt8]) throws -> [String] {
    let data = try dearmorIfNeeded(file)
    return try parseHeader(data).stanzas.map { $0.args[0] }
  }

  package static func encrypt(
    _ plaintext: [UInt8], to recipients: [X25519Recipient], armor: Bool = true
  ) throws -> [UInt8] {
    guard !recipients.isEmpty else { throw AgeError.invalidKey("no recipients") }
    guard recipients.count <= maxStanzas else { throw AgeError.invalidKey("more than \(maxStanzas) recipients") }
    return try seal(plaintext, armor: armor) { fileKey in
      try recipients.map { try wrapX25519(fileKey: fileKey, to: $0) }
    }
  }

  /// Passphrase encryption: exactly one scrypt stanza, work factor 2^logN (r = 8, p = 1).
  package static func encrypt(
    _ plaintext: [UInt8], passphrase: [UInt8], logN: Int = 18, armor: Bool = true
  ) throws -> [UInt8] {
    guard !passphrase.isEmpty else { throw AgeError.invalidKey("empty passphrase") }
    guard logN >= 1 else { throw AgeError.malformed("scrypt work factor must be at least 2^1") }
    guard logN <= defaultMaxLogN else { throw AgeError.workFactorTooHigh(logN: logN, max: defaultMaxLogN) }
    return try seal(plaintext, armor: armor) { fileKey in
      let salt = randomBytes(16)
      let key = try scryptKey(passphrase: passphrase, salt: salt, logN: logN)
      let body = try aeadSeal(fileKey[...], key: key, nonce: zeroNonce)
      return [Stanza(args: ["scrypt", String(decoding: Base64.encodeRaw(salt), as: UTF8.self), String(logN)], body: body)]
    }
  }

  package static func decrypt(_ file: [UInt8], identities: [X25519Identity]) throws -> [UInt8] {
    let data = try dearmorIfNeeded(file)
    let header = try parseHeader(data)
    try checkScryptAlone(header)
    // Validate every X25519 stanza before trying any key, so a malformed stanza fails the same way for everyone.
    var candidates: [(share: [UInt8], body: [UInt8])] = []
    for stanza in header.stanzas where stanza.args[0] == "X25519" {
      guard stanza.args.count == 2 else { throw AgeError.malformed("X25519 stanza must have exactly one argument") }
      guard let share = Base64.decodeRaw(Array(stanza.args[1].utf8)), share.count == 32 else {
        throw AgeError.malformed("X25519 share is not canonical base64 of 32 bytes")
      }
      guard stanza.body.count == 32 else { throw AgeError.malformed("X25519 stanza body is not 32 bytes") }
      candidates.append((share, stanza.body))
    }
    for identity in identities {
      let recipient = identity.recipient.rawRepresentation
      for candidate in candidates {
        let shared = try x25519(scalar: identity.rawRepresentation, point: candidate.share)
        let key = hkdf(ikm: shared, salt: candidate.share + recipient, info: x25519Label)
        if let fileKey = aeadOpen(candidate.body[...], key: key, nonce: zeroNonce) {
          return try decryptAfterHeader(data, header: header, fileKey: fileKey)
        }
      }
    }
    throw AgeError.noMatch
  }

  package static let defaultMaxLogN = 22

  /// Decrypts a passphrase-encrypted file. The work factor is checked against `maxLogN` before any scrypt work.
  package static func decrypt(_ file: [UInt8], passphrase: [UInt8], maxLogN: Int = 22) throws -> [UInt8] {
    let data = try dearmorIfNeeded(file)
    let header = try parseHeader(data)
    try checkScryptAlone(header)
    guard let stanza = header.stanzas.first, stanza.args[0] == "scrypt" else { throw AgeError.noMatch }
    guard stanza.args.count == 3 else { throw AgeError.malformed("scrypt stanza must have exactly two arguments") }
    guard let salt = Base64.decodeRaw(Array(stanza.args[1].utf8)), salt.count == 16 else {
      throw AgeError.malformed("scrypt salt is not canonical base64 of 16 bytes")
    }
    let logN = try parseLogN(stanza.args[2])
    guard stanza.body.count == 32 else { throw AgeError.malformed("scrypt stanza body is not 32 bytes") }
    guard logN <= maxLogN, logN <= 62 else { throw AgeError.workFactorTooHigh(logN: logN, max: maxLogN) }
    let key = try scryptKey(passphrase: passphrase, salt: salt, logN: logN)
    guard let fileKey = aeadOpen(stanza.body[...], key: key, nonce: zeroNonce) else { throw AgeError.noMatch }
    return try decryptAfterHeader(data, header: header, fileKey: fileKey)
  }

  // MARK: - Recipient types

  static func wrapX25519(fileKey: [UInt8], to recipient: X25519Recipient) throws -> Stanza {
    let ephemeral = randomBytes(32)
    let share: [UInt8]
    do {
      share = Array(try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: ephemeral).publicKey.rawRepresentation)
    } catch {
      throw AgeError.integrity("X25519 key generation failed")
    }
    let shared = try x25519(scalar: ephemeral, point: recipient.rawRepresentation)
    let key = hkdf(ikm: shared, salt: share + recipient.rawRepresentation, info: x25519Label)
    let body = try aeadSeal(fileKey[...], key: key, nonce: zeroNonce)
    return Stanza(args: ["X25519", String(decoding: Base64.encodeRaw(share), as: UTF8.self)], body: body)
  }

  /// The scrypt stanza's third argument: `^[1-9][0-9]*$`.
  static func parseLogN(_ text: String) throws -> Int {
    let digits = Array(text.utf8)
    guard let first = digits.first, first >= UInt8(ascii: "1"), first <= UInt8(ascii: "9"),
      digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
    else { throw AgeError.malformed("scrypt work factor is not a decimal number without leading zeros") }
    guard digits.count <= 9 else { throw AgeError.malformed("scrypt work factor out of range") }
    return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
  }

  static func scryptKey(passphrase: [UInt8], salt: [UInt8], logN: Int) throws -> SymmetricKey {
    do {
      return try KDF.Scrypt.deriveKey(
        from: passphrase, salt: scryptLabel + salt, outputByteCount: 32, rounds: 1 << logN, blockSize: 8,
        parallelism: 1)
    } catch {
      throw AgeError.integrity("scrypt key derivation failed")
    }
  }

  static func checkScryptAlone(_ header: Header) throws {
    if header.stanzas.count > 1, header.stanzas.contains(where: { $0.args[0] == "scrypt" }) {
      throw AgeError.malformed("an scrypt stanza must be the only stanza in the header")
    }
  }

  // MARK: - Header

  static func parseHeader(_ bytes: [UInt8]) throws -> Header {
    var pos = 0
    func readLine() throws -> ArraySlice<UInt8> {
      guard let newline = bytes[pos...].firstIndex(of: 0x0A) else { throw AgeError.malformed("truncated header") }
      let line = bytes[pos..<newline]
      pos = newline + 1
      return line
    }
    let version = try readLine()
    guard version.elementsEqual(versionLine) else {
      if version.starts(with: "age-encryption.org/".utf8) {
        throw AgeError.malformed("unsupported age version")
      }
      throw AgeError.malformed("not an age file (bad version line)")
    }
    var stanzas: [Stanza] = []
    while true {
      let lineStart = pos
      let line = try readLine()
      if line.starts(with: "-> ".utf8) {
        guard stanzas.count < maxStanzas else { throw AgeError.malformed("more than \(maxStanzas) stanzas") }
        let parts = line.dropFirst(3).split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0 >= 0x21 && $0 <= 0x7E } }) else {
          throw AgeError.malformed("invalid stanza argument")
        }
        var bodyText: [UInt8] = []
        while true {
          let bodyLine = try readLine()
          guard bodyLine.count <= 64, bodyLine.allSatisfy(Base64.isAlphabet) else {
            throw AgeError.malformed("invalid stanza body line")
          }
          bodyText += bodyLine
          if bodyLine.count < 64 { break }
        }
        guard let body = Base64.decodeRaw(bodyText) else {
          throw AgeError.malformed("stanza body is not canonical base64")
        }
        stanzas.append(Stanza(args: parts.map { String(decoding: $0, as: UTF8.self) }, body: body))
      } else if line.starts(with: "---".utf8) {
        guard !stanzas.isEmpty else { throw AgeError.malformed("header has no recipient stanzas") }
        let macText = line.dropFirst(4)
        guard line.count == 4 + 43, line[line.startIndex + 3] == 0x20, let mac = Base64.decodeRaw(macText),
          mac.count == 32
        else { throw AgeError.malformed("invalid header MAC line") }
        return Header(stanzas: stanzas, macInput: bytes[0..<(lineStart + 3)], mac: mac, payloadOffset: pos)
      } else {
        throw AgeError.malformed("unexpected header line")
      }
    }
  }

  static func serializeHeader(_ stanzas: [Stanza], fileKey: [UInt8]) -> [UInt8] {
    var out = versionLine + [0x0A]
    for stanza in stanzas {
      out += Array(("-> " + stanza.args.joined(separator: " ") + "\n").utf8)
      let text = Base64.encodeRaw(stanza.body)
      var i = 0
      while i + 64 <= text.count {
        out += text[i..<(i + 64)]
        out.append(0x0A)
        i += 64
      }
      out += text[i...]  // the final line is shorter than 64 columns, possibly empty
      out.append(0x0A)
    }
    out += Array("---".utf8)
    let mac = HMAC<SHA256>.authenticationCode(for: out, using: hkdf(ikm: fileKey, salt: [], info: "header"))
    out += Array(" ".utf8) + Base64.encodeRaw(Array(mac)) + [0x0A]
    return out
  }

  // MARK: - Payload

  static func seal(
    _ plaintext: [UInt8], armor: Bool, stanzas make: ([UInt8]) throws -> [Stanza]
  ) throws -> [UInt8] {
    let fileKey = randomBytes(16)
    var out = serializeHeader(try make(fileKey), fileKey: fileKey)
    let nonce = randomBytes(16)
    out += nonce
    let key = hkdf(ikm: fileKey, salt: nonce, info: "payload")
    var counter: UInt64 = 0
    var start = 0
    repeat {
      let end = min(start + chunkSize, plaintext.count)
      let last = end == plaintext.count
      out += try aeadSeal(plaintext[start..<end], key: key, nonce: streamNonce(counter, last: last))
      start = end
      counter += 1
    } while start < plaintext.count
    return armor ? self.armor(out) : out
  }

  static func decryptAfterHeader(_ data: [UInt8], header: Header, fileKey: [UInt8]) throws -> [UInt8] {
    let macKey = hkdf(ikm: fileKey, salt: [], info: "header")
    guard HMAC<SHA256>.isValidAuthenticationCode(header.mac, authenticating: header.macInput, using: macKey) else {
      throw AgeError.integrity("header MAC mismatch")
    }
    let payload = data[header.payloadOffset...]
    guard payload.count >= 16 else { throw AgeError.malformed("truncated payload nonce") }
    let nonce = Array(payload.prefix(16))
    let key = hkdf(ikm: fileKey, salt: nonce, info: "payload")
    let ciphertext = payload.dropFirst(16)
    guard !ciphertext.isEmpty else { throw AgeError.integrity("payload has no chunks") }
    var out: [UInt8] = []
    out.reserveCapacity(ciphertext.count)
    var pos = ciphertext.startIndex
    var counter: UInt64 = 0
    while true {
      let remaining = ciphertext.endIndex - pos
      // Only a chunk that reaches the end of the file may be the final one.
      let last = remaining <= chunkSize + tagSize
      let size = last ? remaining : chunkSize + tagSize
      guard size >= tagSize else { throw AgeError.integrity("truncated payload chunk") }
      guard let plain = aeadOpen(ciphertext[pos..<(pos + size)], key: key, nonce: streamNonce(counter, last: last))
      else {
        throw AgeError.integrity(last ? "payload chunk \(counter) failed to decrypt as the final chunk"
          : "payload chunk \(counter) failed to decrypt")
      }
      if last {
        if plain.isEmpty && counter > 0 { throw AgeError.integrity("empty final chunk after a full chunk") }
        out += plain
        return out
      }
      out += plain
      pos += size
      counter += 1
      guard counter < 1 << 40 else { throw AgeError.malformed("payload too long") }
    }
  }

  /// STREAM nonce: 11-byte big-endian chunk counter, then 0x01 for the final chunk, 0x00 otherwise.
  static func streamNonce(_ counter: UInt64, last: Bool) -> [UInt8] {
    var nonce = [UInt8](repeating: 0, count: 12)
    for i in 0..<8 { nonce[3 + i] = UInt8(truncatingIfNeeded: counter >> UInt64(56 - 8 * i)) }
    nonce[11] = last ? 1 : 0
    return nonce
  }

  // MARK: - Primitives (swift-crypto), errors mapped to AgeError

  static func hkdf(ikm: [UInt8], salt: [UInt8], info: String) -> SymmetricKey {
    HKDF<SHA256>.deriveKey(
      inputKeyMaterial: SymmetricKey(data: ikm), salt: salt, info: Array(info.utf8), outputByteCount: 32)
  }

  static func aeadSeal(_ plaintext: ArraySlice<UInt8>, key: SymmetricKey, nonce: [UInt8]) throws -> [UInt8] {
    do {
      let box = try ChaChaPoly.seal(plaintext, using: key, nonce: ChaChaPoly.Nonce(data: nonce))
      return Array(box.ciphertext) + Array(box.tag)
    } catch {
      throw AgeError.integrity("ChaCha20-Poly1305 seal failed")
    }
  }

  /// nil on any failure (wrong key, tampering, short input); swift-crypto's error is never passed on.
  static func aeadOpen(_ sealed: ArraySlice<UInt8>, key: SymmetricKey, nonce: [UInt8]) -> [UInt8]? {
    guard sealed.count >= tagSize else { return nil }
    do {
      let box = try ChaChaPoly.SealedBox(
        nonce: ChaChaPoly.Nonce(data: nonce), ciphertext: sealed.dropLast(tagSize), tag: sealed.suffix(tagSize))
      return Array(try ChaChaPoly.open(box, using: key))
    } catch {
      return nil
    }
  }

  // MARK: - ASCII armor (strict PEM, RFC 7468 §3)

  static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

  static func armor(_ data: [UInt8]) -> [UInt8] {
    var out = armorBegin + [0x0A]
    let text = Base64.encodePadded(data)
    var i = 0
    while i < text.count {
      let end = min(i + 64, text.count)
      out += text[i..<end]
      out.append(0x0A)
      i = end
    }
    return out + armorEnd + [0x0A]
  }

  /// Armored input (a BEGIN line after optional whitespace) is decoded strictly; anything else is returned as is.
  static func dearmorIfNeeded(_ file: [UInt8]) throws -> [UInt8] {
    var pos = 0
    while pos < file.count, isSpace(file[pos]) { pos += 1 }
    guard file[pos...].starts(with: "-----BEGIN".utf8) else { return file }
    /// The next line without its LF or CRLF; nil at end of input.
    func nextLine() -> (text: ArraySlice<UInt8>, terminated: Bool)? {
      guard pos < file.count else { return nil }
      guard let newline = file[pos...].firstIndex(of: 0x0A) else {
        defer { pos = file.count }
        return (file[pos...], false)
      }
      var line = file[pos..<newline]
      if line.last == 0x0D { line = line.dropLast() }
      pos = newline + 1
      return (line, true)
    }
    guard let begin = nextLine(), begin.terminated, begin.text.elementsEqual(armorBegin) else {
      throw AgeError.malformed("armor: invalid BEGIN line")
    }
    var text: [UInt8] = []
    var sawShortLine = false
    while true {
      guard let line = nextLine() else { throw AgeError.malformed("armor: missing END line") }
      if line.text.elementsEqual(armorEnd) { break }
      guard !sawShortLine else { throw AgeError.malformed("armor: short line before the last line") }
      guard line.terminated, !line.text.isEmpty, line.text.count <= 64 else {
        throw AgeError.malformed("armor: base64 lines must be 1 to 64 columns")
      }
      if line.text.count < 64 { sawShortLine = true }
      text += line.text
    }
    guard file[pos...].allSatisfy(isSpace) else { throw AgeError.malformed("armor: data after the END line") }
    guard let decoded = Base64.decodePadded(text) else {
      throw AgeError.malformed("armor: invalid or non-canonical base64")
    }
    return decoded
  }
}
