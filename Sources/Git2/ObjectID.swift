internal import CLibgit2

/// A git object id (SHA-1), as a value.
package struct ObjectID: Sendable, Hashable, CustomStringConvertible, Comparable {
  package var bytes: [UInt8]  // 20 bytes

  init(_ oid: git_oid) {
    var copy = oid
    bytes = withUnsafeBytes(of: &copy.id) { Array($0) }
  }

  var raw: git_oid {
    var oid = git_oid()
    withUnsafeMutableBytes(of: &oid.id) { target in
      for (index, byte) in bytes.prefix(target.count).enumerated() { target[index] = byte }
    }
    return oid
  }

  package var description: String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for byte in bytes {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0xF)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  package static func < (a: ObjectID, b: ObjectID) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}

extension Repository {
  /// The all-zero object id, for tests and placeholders.
  package static func zeroID() throws -> ObjectID { ObjectID(git_oid()) }
}
