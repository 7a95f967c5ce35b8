// The vault key S and what derives from it (VAULT.md §3), and the secret-holding byte buffer.
package import Age
package import Crypto

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

/// S, the vault's X25519 secret for one epoch, with P and the HKDF-derived keys M, F and A.
package struct VaultKey: Sendable {
  package let secret: SecretBytes
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
    self.secret = secret
    self.publicKey = identity.recipient
    self.vaultID = vaultID
  }

  package static func generate(vaultID: String) -> VaultKey {
    let identity = Age.X25519Identity.generate()
    // A fresh key always matches itself.
    return try! VaultKey(secret: SecretBytes(identity.rawRepresentation), vaultID: vaultID, expected: nil, file: "")
  }

  private func derive(_ info: String) -> SymmetricKey {
    HKDF<SHA256>.deriveKey(
      inputKeyMaterial: SymmetricKey(data: secret.bytes), salt: Array(vaultID.utf8), info: Array(info.utf8),
      outputByteCount: 32)
  }

  /// M: reader MACs over headers, records and tombstones.
  package var macKey: SymmetricKey { derive("hush/v1/mac") }
  /// F: keyed value fingerprints.
  package var fingerprintKey: SymmetricKey { derive("hush/v1/fp") }
  /// A: audit MACs and hashed names.
  package var auditKey: SymmetricKey { derive("hush/v1/audit") }

  package var privateKey: Curve25519.KeyAgreement.PrivateKey {
    // 32 bytes were checked in init.
    try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: secret.bytes)
  }
}

/// `hmac-sha256:` + base64url, the spelling of every MAC in the vault's files.
package enum MAC {
  package static let prefix = "hmac-sha256:"

  package static func text(_ key: SymmetricKey, _ message: [UInt8]) -> String {
    prefix + Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: message, using: key)))
  }

  /// Checks a MAC string through the MAC API (constant time); a malformed string is simply invalid.
  package static func verify(_ text: String?, _ key: SymmetricKey, _ message: [UInt8]) -> Bool {
    guard let text, text.hasPrefix(prefix), let code = Base64URL.decode(String(text.dropFirst(prefix.count))),
      code.count == 32
    else { return false }
    return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: message, using: key)
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
