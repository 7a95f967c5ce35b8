#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Musl)
  internal import Musl
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// Where a chunk's bytes came from. Paths are bytes: file names need not be UTF-8.
package struct Provenance: Sendable, Hashable, Codable {
  /// The commit a chunk was read from, for git scans.
  package struct Commit: Sendable, Hashable, Codable {
    package var id: String
    package var author: String
    package var email: String
    /// ISO 8601.
    package var date: String
    /// The first line of the commit message.
    package var message: String
    package init(id: String, author: String, email: String, date: String, message: String) {
      self.id = id
      self.author = author
      self.email = email
      self.date = date
      self.message = message
    }
  }

  package var path: [UInt8]
  package var commit: Commit?
  /// The git object id of the blob, when the bytes came from git.
  package var blob: String?

  package init(path: [UInt8], commit: Commit? = nil, blob: String? = nil) {
    self.path = path
    self.commit = commit
    self.blob = blob
  }

  /// The path for display: invalid UTF-8 shows as U+FFFD.
  package var displayPath: String { String(decoding: path, as: UTF8.self) }
}

/// A unit of scanning: bytes plus where they came from.
package struct Chunk: Sendable {
  package var bytes: [UInt8]
  package var provenance: Provenance
  /// When the chunk holds selected lines of a file (the added lines of a diff), `lineNumbers[i]` is the
  /// file's 1-based line number of the chunk's line `i + 1`; `nil` when the chunk is the whole file.
  package var lineNumbers: [Int]?

  package init(bytes: [UInt8], provenance: Provenance, lineNumbers: [Int]? = nil) {
    self.bytes = bytes
    self.provenance = provenance
    self.lineNumbers = lineNumbers
  }

  /// Content is binary when a NUL byte occurs in its first 8 KiB, as git decides.
  package static func isBinary(_ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return false }
      return memchr(base, 0, min(buffer.count, 8192)) != nil
    }
  }
}
