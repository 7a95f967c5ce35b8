/// Every failure the vault reports. Messages are one line, lowercase, name the file or secret,
/// say what to do, and never contain a secret value or key material.
package enum VaultError: Error, Equatable, CustomStringConvertible {
  /// Bad arguments: exit 64.
  case usage(String)
  /// A file that does not parse, breaks a limit or uses a non-canonical encoding.
  case malformed(file: String, detail: String)
  /// A MAC, AEAD tag or key check that fails: tampering, truncation or a swapped ciphertext.
  case integrity(file: String, detail: String)
  /// An X25519 public key or encapsulated key of small order.
  case lowOrderPoint(String)
  /// No identity or passphrase opens the vault; the message lists every source tried.
  case noIdentity(String)
  /// Any other operational failure (missing vault, missing secret, conflicted secret, I/O).
  case failed(String)
  /// The audit log could not be written and `[audit] required` holds.
  case audit(String)

  package var description: String {
    switch self {
    case .usage(let message), .noIdentity(let message), .failed(let message), .audit(let message):
      return message
    case .malformed(let file, let detail):
      return "\(file) is malformed: \(detail)"
    case .integrity(let file, let detail):
      return "\(file) failed its integrity check (\(detail)): it was edited, truncated or swapped; restore it from git (git checkout -- \(file))"
    case .lowOrderPoint(let what):
      return "\(what) is a low-order X25519 point, which would make the encryption worthless; it was rejected"
    }
  }
}
