internal import Foundation
package import Git2
package import ScanEngine

/// The incremental cache of history scans, in `.git/hush/history-cache.json` (mode 0600, never
/// committed: it holds the findings, and so the secrets, that the repository's objects already hold).
///
/// It is keyed by the rule pack and settings (`key`): any change to rules, allowlists or size limits
/// starts afresh. It records the ref tips of the last scan with its result, so a run with no new
/// commits answers from the cache, and the (blob, path) pairs that scanned clean, so a run after new
/// commits reads only new blobs. It is replaced atomically (temp file, fsync, rename), so concurrent
/// runs each leave a complete cache; a cache that does not parse or does not match is discarded.
struct HistoryCache {
  struct Contents: Codable {
    var version: Int
    var key: String
    var branch: String?
    var tips: [String]
    var clean: [String]
    var findings: [Finding]
    var stats: ScanStats
    var shallow: Bool
  }

  static let fileName = "history-cache.json"
  let path: String
  let key: String

  init(commonDirectory: String, key: String) {
    let base = commonDirectory.hasSuffix("/") ? commonDirectory : commonDirectory + "/"
    path = base + "hush/" + HistoryCache.fileName
    self.key = key
  }

  /// The cached contents when they exist, parse, and were made with the same key.
  func load() -> Contents? {
    guard let data = FileManager.default.contents(atPath: path),
      let contents = try? JSONDecoder().decode(Contents.self, from: data), contents.version == 1, contents.key == key
    else { return nil }
    return contents
  }

  func store(_ contents: Contents) {
    guard let data = try? JSONEncoder().encode(contents) else { return }
    let directory = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    // A cache that cannot be written only costs time on the next run.
    try? AtomicFile.write(Array(data), to: path, mode: 0o600)
  }

  static func pairKey(blob: String, path: [UInt8]) -> String {
    blob + ":" + Data(path).base64EncodedString()
  }
}
