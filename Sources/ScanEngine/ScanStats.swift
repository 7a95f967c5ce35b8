/// What a scan covered, for the closing summary and the report's `stats`.
package struct ScanStats: Sendable, Equatable, Codable {
  package var filesScanned = 0
  package var bytesScanned = 0
  /// Files with a NUL byte in their first 8 KiB.
  package var skippedBinary = 0
  /// Files over the size limit.
  package var skippedLarge = 0
  /// Symlinks and special files, which are never followed.
  package var skippedSpecial = 0
  /// Submodules: another repository's content, scanned only where it is checked out (file mode).
  package var skippedSubmodules = 0
  package var durationMs = 0
  /// Blobs a history scan did not read because the incremental cache knew them to be clean.
  package var cachedBlobs = 0
  package init() {}

  package mutating func add(_ other: ScanStats) {
    filesScanned += other.filesScanned
    bytesScanned += other.bytesScanned
    skippedBinary += other.skippedBinary
    skippedLarge += other.skippedLarge
    skippedSpecial += other.skippedSpecial
    skippedSubmodules += other.skippedSubmodules
    cachedBlobs += other.cachedBlobs
  }
}
