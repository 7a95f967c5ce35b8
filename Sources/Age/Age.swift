// The age v1 file format (c2sp.org/age), implemented from swift-crypto primitives.
//
// Only the X25519 and scrypt recipient types are implemented. Other stanza types are parsed (so their syntax is
// checked) and ignored, as the spec requires.
package enum Age {
  package enum AgeError: Error, Equatable, CustomStringConvertible {
    /// Header, armor, base64, stanza or truncated file.
    case malformed(String)
    /// No identity or passphrase opened any stanza.
    case noMatch
    /// Header MAC mismatch, payload AEAD failure, bad last-chunk flag.
    case integrity(String)
    /// An X25519 result was all zero: the peer point has low order.
    case lowOrderPoint
    /// An scrypt stanza asks for more work than the caller allows.
    case workFactorTooHigh(logN: Int, max: Int)
    /// Bad bech32 identity or recipient text. The message never contains the key text.
    case invalidKey(String)

    package var description: String {
      switch self {
      case .malformed(let why): "malformed age file: \(why)"
      case .noMatch: "no identity or passphrase matched any recipient stanza of the age file"
      case .integrity(let why): "age file failed an integrity check: \(why)"
      case .lowOrderPoint: "X25519 low-order point (all-zero shared secret)"
      case .workFactorTooHigh(let logN, let max): "scrypt work factor 2^\(logN) exceeds the maximum 2^\(max)"
      case .invalidKey(let why): "invalid age key: \(why)"
      }
    }
  }

  /// The most stanzas a header may have; more is treated as malformed (a DoS guard).
  package static let maxStanzas = 128
}
