// TEMPORARY compile stub; replaced by the age branch.
package import Crypto
extension Age {
  package enum AgeError: Error, Equatable, CustomStringConvertible {
    case malformed(String), noMatch, integrity(String), lowOrderPoint, workFactorTooHigh(logN: Int, max: Int), invalidKey(String)
    package var description: String { "stub" }
  }
  package struct X25519Identity: Sendable {
    package init(string: String) throws { fatalError() }
    package init(rawRepresentation: [UInt8]) throws { fatalError() }
    package static func generate() -> X25519Identity { fatalError() }
    package var string: String { fatalError() }
    package var rawRepresentation: [UInt8] { fatalError() }
    package var recipient: X25519Recipient { fatalError() }
    package static func parseFile(_ text: String) throws -> [X25519Identity] { fatalError() }
  }
  package struct X25519Recipient: Sendable, Hashable {
    package init(string: String) throws { fatalError() }
    package init(rawRepresentation: [UInt8]) throws { fatalError() }
    package var string: String { fatalError() }
    package var rawRepresentation: [UInt8] { fatalError() }
  }
  package static func stanzaTypes(of file: [UInt8]) throws -> [String] { fatalError() }
  package static func encrypt(_ plaintext: [UInt8], to recipients: [X25519Recipient], armor: Bool = true) throws -> [UInt8] { fatalError() }
  package static func encrypt(_ plaintext: [UInt8], passphrase: [UInt8], logN: Int = 18, armor: Bool = true) throws -> [UInt8] { fatalError() }
  package static func decrypt(_ file: [UInt8], identities: [X25519Identity]) throws -> [UInt8] { fatalError() }
  package static func decrypt(_ file: [UInt8], passphrase: [UInt8], maxLogN: Int = 22) throws -> [UInt8] { fatalError() }
  package static func x25519(scalar: [UInt8], point: [UInt8]) throws -> [UInt8] { fatalError() }
}
