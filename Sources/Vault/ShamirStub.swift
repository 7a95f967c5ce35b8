// TEMPORARY compile stub; replaced by Shamir.swift from the age branch.
package enum Shamir {
  package static func split(secret: [UInt8], threshold: Int, shares: Int) throws -> [(index: UInt8, data: [UInt8])] { fatalError() }
  package static func combine(_ shares: [(index: UInt8, data: [UInt8])]) throws -> [UInt8] { fatalError() }
  package static func encode(vaultID: String, index: UInt8, data: [UInt8]) -> String { fatalError() }
  package static func decode(_ s: String) throws -> (vaultID: String, index: UInt8, data: [UInt8]) { fatalError() }
}
