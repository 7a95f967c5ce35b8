/// The bytes of a found secret. `description` is redacted, so interpolating a `Secret` never prints it.
package struct Secret: Sendable, Hashable, Codable, CustomStringConvertible {
  package var bytes: [UInt8]
  package init(_ bytes: [UInt8]) { self.bytes = bytes }

  /// A short prefix and the length, such as `ghp_4f9c…(40 bytes)`: enough to recognise a secret one
  /// already knows, too little to use it. The prefix is at most a fifth of the secret and 8 bytes.
  package var redacted: String {
    var prefixLength = min(8, bytes.count / 5)
    // Never cut a UTF-8 sequence in two.
    while prefixLength > 0, prefixLength < bytes.count, bytes[prefixLength] & 0xC0 == 0x80 { prefixLength -= 1 }
    let prefix = String(decoding: bytes.prefix(prefixLength), as: UTF8.self)
    return "\(prefix)…(\(bytes.count) bytes)"
  }

  /// The secret itself, for `--show-secrets`; invalid UTF-8 shows as U+FFFD.
  package var revealed: String { String(decoding: bytes, as: UTF8.self) }

  package var description: String { redacted }

  /// Identifies the secret, not where it sits: a domain-separated SHA-256 of the rule id and the secret,
  /// truncated to 128 bits. The same secret on another line keeps it; another secret on the same line
  /// gets another. It never contains the secret, but a low-entropy secret can be guessed from it.
  package static func fingerprint(ruleID: String, secret: [UInt8]) -> String {
    var hasher = SHA256()
    hasher.update(Array("hush-fingerprint-v1".utf8))
    hasher.update([0])
    hasher.update(Array(ruleID.utf8))
    hasher.update([0])
    hasher.update(secret)
    return hasher.finalize().prefix(16).hexString
  }
}
