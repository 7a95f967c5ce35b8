// The vault key S and what derives from it (VAULT.md §3), and the secret-holding byte buffer.
package import Age
package import Crypto
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Owned bytes that are wiped when the last reference goes. Values and keys live here, not in `String`,
/// except at the environment boundary.
package final class SecretBytes: @unchecked Sendable {
  package private(set) var bytes: [UInt8]
  package init(_ bytes: [UInt8]) { self.bytes = bytes }
  package var count: Int { bytes.count }
  deinit { SecretBytes.wipe(&bytes) }

  package static func wipe(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { buffer in
      guard let base = buffer.baseAddress else { return }
      #if canImport(Glibc)
        explicit_bzero(base, buffer.count)
      #else
        _ = memset_s(base, buffer.count, 0, buffer.count)
      #endif
    }
  }
}

/// What a key derived from S is for (VAULT.md §3): M, F and A are HKDF-SHA256 of S with these labels.
package enum KeyPurpose: String, Sendable {
  case mac = "hush/v1/mac"
  case fingerprint = "hush/v1/fp"
  case audit = "hush/v1/audit"
}

/// S, the vault's X25519 secret for one epoch, with P and the keys derived from it. S lives either here
/// (unwrapped from `identity.age`) or in an unsealed agent, which performs the operations and never
/// exports it.
package struct VaultKey: Sendable {
  private let local: SecretBytes?
  package let agent: AgentClient?
  package let publicKey: Age.X25519Recipient
  package let vaultID: String
  package var epoch: UInt32 = 0

  /// Wraps S and checks it against the published P; a mismatch is an integrity error.
  package init(secret: SecretBytes, vaultID: String, expected: Age.X25519Recipient?, file: String) throws(VaultError) {
    guard secret.count == 32, let identity = try? Age.X25519Identity(rawRepresentation: secret.bytes) else {
      throw .integrity(file: file, detail: "the vault key is not 32 bytes")
    }
    if let expected, identity.recipient != expected {
      throw .integrity(file: file, detail: "the vault key does not match public_key")
    }
    self.local = secret
    self.agent = nil
    self.publicKey = identity.recipient
    self.vaultID = vaultID
  }

  /// A key held by an agent.
  package init(agent: AgentClient, publicKey: Age.X25519Recipient, vaultID: String) {
    self.local = nil
    self.agent = agent
    self.publicKey = publicKey
    self.vaultID = vaultID
  }

  package static func generate(vaultID: String) -> VaultKey {
    let identity = Age.X25519Identity.generate()
    // A fresh key always matches itself.
    return try! VaultKey(secret: SecretBytes(identity.rawRepresentation), vaultID: vaultID, expected: nil, file: "")
  }

  /// S itself, for the operations that re-encrypt it (members, rekey, split). An agent never gives it out.
  package func secret(for operation: String) throws(VaultError) -> SecretBytes {
    guard let local else {
      throw .failed("\(operation) needs the vault key itself, which the unsealed agent never gives out; run hush vault seal, then retry with your identity")
    }
    return local
  }

  static func derive(_ secret: SecretBytes, vaultID: String, _ purpose: KeyPurpose) -> SymmetricKey {
    HKDF<SHA256>.deriveKey(
      inputKeyMaterial: SymmetricKey(data: secret.bytes), salt: Array(vaultID.utf8), info: Array(purpose.rawValue.utf8),
      outputByteCount: 32)
  }

  /// HMAC(purpose key, message).
  package func code(_ purpose: KeyPurpose, _ message: [UInt8]) throws(VaultError) -> [UInt8] {
    if let local { return Array(HMAC<SHA256>.authenticationCode(for: message, using: VaultKey.derive(local, vaultID: vaultID, purpose))) }
    return try agent!.code(purpose, message)
  }

  /// Checks a code through the MAC API (constant time), here or in the agent.
  package func verify(_ purpose: KeyPurpose, code: [UInt8], message: [UInt8]) -> Bool {
    if let local {
      return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: message, using: VaultKey.derive(local, vaultID: vaultID, purpose))
    }
    return (try? agent!.verify(purpose, code: code, message: message)) ?? false
  }

  package enum OpenFailure: Error { case lowOrderPoint, integrity }

  /// HPKE base-mode open of a record version, after rejecting a low-order `enc`.
  package func open(enc: [UInt8], ct: [UInt8], aad: [UInt8], info: [UInt8]) throws(OpenFailure) -> [UInt8] {
    guard let local else {
      guard let agent else { throw .integrity }
      return try agent.open(enc: enc, ct: ct, aad: aad, info: info)
    }
    return try VaultKey.open(secret: local, enc: enc, ct: ct, aad: aad, info: info)
  }

  static func open(secret: SecretBytes, enc: [UInt8], ct: [UInt8], aad: [UInt8], info: [UInt8]) throws(OpenFailure) -> [UInt8] {
    do {
      _ = try Age.x25519(scalar: secret.bytes, point: enc)
    } catch {
      throw .lowOrderPoint
    }
    do {
      let privateKey = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: secret.bytes)
      var recipient = try HPKE.Recipient(
        privateKey: privateKey, ciphersuite: .Curve25519_SHA256_ChachaPoly, info: Data(info), encapsulatedKey: Data(enc))
      return Array(try recipient.open(ct, authenticating: aad))
    } catch {
      throw .integrity
    }
  }
}

/// `hmac-sha256:` + base64url, the spelling of every MAC in the vault's files.
package enum MAC {
  package static let prefix = "hmac-sha256:"

  package static func text(_ key: VaultKey, _ purpose: KeyPurpose, _ message: [UInt8]) throws(VaultError) -> String {
    prefix + Base64URL.encode(try key.code(purpose, message))
  }

  /// Checks a MAC string through the MAC API (constant time); a malformed string is simply invalid.
  package static func verify(_ text: String?, _ key: VaultKey, _ purpose: KeyPurpose, _ message: [UInt8]) -> Bool {
    guard let text, text.hasPrefix(prefix), let code = Base64URL.decode(String(text.dropFirst(prefix.count))),
      code.count == 32
    else { return false }
    return key.verify(purpose, code: code, message: message)
  }
}

/// Display id of a recipient: the first 4 bytes of SHA-256 of its string, as `fp:` and 8 hex digits.
package func recipientFingerprint(_ recipient: String) -> String {
  let digest = Array(SHA256.hash(data: Array(recipient.utf8)))
  return "fp:" + digest.prefix(4).map { String($0, radix: 16).leftPadded(2) }.joined()
}

extension String {
  func leftPadded(_ width: Int, with pad: Character = "0") -> String {
    count >= width ? self : String(repeating: pad, count: width - count) + self
  }
}

/// Fresh random bytes from the system generator.
package func randomBytes(_ count: Int) -> [UInt8] {
  var generator = SystemRandomNumberGenerator()
  return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
}

/// Rejects a small-order X25519 point by multiplying it with a throwaway scalar (swift-crypto does not).
package func checkNotLowOrder(_ point: [UInt8], what: String) throws(VaultError) {
  let scalar = Age.X25519Identity.generate().rawRepresentation
  do {
    _ = try Age.x25519(scalar: scalar, point: point)
  } catch {
    throw .lowOrderPoint(what)
  }
}
