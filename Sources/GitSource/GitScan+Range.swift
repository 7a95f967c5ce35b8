package import Git2
package import ScanEngine

extension GitScan {
  /// `hush scan --range A..B`: each commit reachable from B and not from A, diffed against its first
  /// parent (added lines only); for a merge, only the lines it adds over every parent, which are its
  /// conflict resolutions (what `git show --cc` shows).
  package static func range(_ repository: Repository, _ spec: String, rules: RuleSet, options: GitScanOptions) async throws(GitError) -> ScanOutcome {
    let (from, to) = try parseRange(spec, repository)
    let commits = try repository.walk(.commits([to]), hiding: from.map { [$0] } ?? [])
    var chunks: [Chunk] = []
    var skipped = ScanStats()
    let diffOptions = DiffOptions(pathspecs: options.pathspecs, maxBlobSize: options.maxFileSize)
    for id in commits {
      let info = try repository.commit(id)
      let commit = provenance(info)
      if info.parents.count <= 1 {
        let parentTree = try info.parents.first.map { (parent) throws(GitError) in try repository.commit(parent).tree }
        chunks += self.chunks(from: try repository.changes(from: parentTree, to: info.tree, diffOptions), commit: commit, skipped: &skipped)
      } else {
        chunks += self.chunks(from: try mergeResolutions(repository, info, diffOptions), commit: commit, skipped: &skipped)
      }
    }
    var outcome = await ChunkScan.run(chunks, rules: rules, workers: options.workers, explain: options.explain)
    outcome.stats.add(skipped)
    outcome.finish()
    return outcome
  }

  /// `A..B`, `A...B` is not supported; `B` alone means everything reachable from B.
  static func parseRange(_ spec: String, _ repository: Repository) throws(GitError) -> (ObjectID?, ObjectID) {
    if spec.contains("...") {
      throw GitError(function: "range", code: -1, message: "'\(spec)': symmetric ranges (A...B) are not supported; use A..B")
    }
    let parts = spec.components(separatedByString: "..")
    if parts.count == 2 {
      let from = try repository.resolveCommit(parts[0].isEmpty ? "HEAD" : parts[0])
      let to = try repository.resolveCommit(parts[1].isEmpty ? "HEAD" : parts[1])
      return (from, to)
    }
    return (nil, try repository.resolveCommit(spec))
  }

  /// Lines of a merge that no parent has: those added in the diff against every parent.
  static func mergeResolutions(_ repository: Repository, _ merge: CommitInfo, _ options: DiffOptions) throws(GitError) -> [FileChange] {
    var perParent: [[[UInt8]: Set<Int>]] = []
    var first: [FileChange] = []
    for (index, parent) in merge.parents.enumerated() {
      let parentTree = try repository.commit(parent).tree
      let changes = try repository.changes(from: parentTree, to: merge.tree, options)
      if index == 0 { first = changes }
      var lines: [[UInt8]: Set<Int>] = [:]
      for change in changes where change.kind == .text { lines[change.path] = Set(change.addedLineNumbers) }
      perParent.append(lines)
    }
    var result: [FileChange] = []
    for change in first {
      guard change.kind == .text else {
        result.append(change)
        continue
      }
      let keep = perParent.dropFirst().reduce(Set(change.addedLineNumbers)) { $0.intersection($1[change.path] ?? []) }
      if keep.isEmpty { continue }
      var bytes: [UInt8] = []
      var numbers: [Int] = []
      var start = 0
      for number in change.addedLineNumbers {
        var end = start
        while end < change.addedBytes.count, change.addedBytes[end] != 0x0A { end += 1 }
        if keep.contains(number) {
          bytes += change.addedBytes[start..<min(end + 1, change.addedBytes.count)]
          numbers.append(number)
        }
        start = end + 1
      }
      result.append(FileChange(kind: .text, path: change.path, blob: change.blob, addedBytes: bytes, addedLineNumbers: numbers))
    }
    return result
  }
}

extension String {
  /// Splits on a literal separator (Foundation-free).
  func components(separatedByString separator: String) -> [String] {
    var parts: [String] = []
    var rest = self[...]
    while let range = rest.firstRange(of: separator) {
      parts.append(String(rest[..<range.lowerBound]))
      rest = rest[range.upperBound...]
    }
    parts.append(String(rest))
    return parts
  }
}
