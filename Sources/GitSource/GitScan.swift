package import Git2
package import ScanEngine

/// Options shared by the git scans.
package struct GitScanOptions: Sendable {
  package var maxFileSize: Int
  package var workers: Int
  package var pathspecs: [String]
  /// Record every dropped candidate, for `--explain`.
  package var explain: Bool
  /// Identifies the rules and settings for the history scan's incremental cache; nil disables it.
  package var cacheKey: String?
  package init(maxFileSize: Int, workers: Int, pathspecs: [String] = [], explain: Bool = false, cacheKey: String? = nil) {
    self.maxFileSize = maxFileSize
    self.workers = workers
    self.pathspecs = pathspecs
    self.explain = explain
    self.cacheKey = cacheKey
  }
}

/// Scans of what git stores: the staged change, a commit range, the whole history.
package enum GitScan {
  /// `hush scan --staged`: the lines the index adds over `HEAD`, read from the index.
  package static func staged(_ repository: Repository, rules: RuleSet, options: GitScanOptions) async throws(GitError) -> ScanOutcome {
    let changes = try repository.stagedChanges(DiffOptions(pathspecs: options.pathspecs, maxBlobSize: options.maxFileSize))
    var skipped = ScanStats()
    let chunks = chunks(from: changes, commit: nil, skipped: &skipped)
    var outcome = await ChunkScan.run(chunks, rules: rules, workers: options.workers, explain: options.explain)
    outcome.stats.add(skipped)
    outcome.finish()
    return outcome
  }

  /// Chunks of added lines; binary files and submodules are counted in `skipped`.
  static func chunks(from changes: [FileChange], commit: Provenance.Commit?, skipped: inout ScanStats) -> [Chunk] {
    var chunks: [Chunk] = []
    for change in changes {
      switch change.kind {
      case .binary: skipped.skippedBinary += 1
      case .submodule: skipped.skippedSubmodules += 1
      case .deleted: continue
      case .text:
        guard !change.addedLineNumbers.isEmpty else { continue }
        if Chunk.isBinary(change.addedBytes) {
          skipped.skippedBinary += 1
          continue
        }
        chunks.append(
          Chunk(
            bytes: change.addedBytes,
            provenance: Provenance(path: change.path, commit: commit, blob: change.blob.description),
            lineNumbers: change.addedLineNumbers))
      }
    }
    return chunks
  }

  static func provenance(_ info: CommitInfo) -> Provenance.Commit {
    Provenance.Commit(
      id: info.id.description, author: info.authorName, email: info.authorEmail, date: info.isoDate, message: info.summary)
  }
}
