package import Git2
package import ScanEngine

/// Progress of a history scan, for a status line.
package struct HistoryProgress: Sendable {
  package var blobsDone: Int
  package var blobsTotal: Int
  package var bytesDone: Int
  package var findings: Int
}

extension GitScan {
  /// `hush scan --history`: every blob reachable from every ref (or from `branch`), each scanned once.
  /// Each finding is attributed to the oldest commit that introduced a blob holding it at that path;
  /// `commitCount` says how many commits did.
  package static func history(
    _ repository: Repository, branch: String?, rules: RuleSet, options: GitScanOptions,
    progress: (@Sendable (HistoryProgress) -> Void)? = nil
  ) async throws(GitError) -> ScanOutcome {
    let start: Repository.WalkStart = try branch.map { (name) throws(GitError) in .commits([try repository.resolveCommit(name)]) } ?? .allRefs
    // The cache is not used with --explain: it keeps findings, not every dropped candidate.
    let cache = options.explain ? nil : options.cacheKey.map { HistoryCache(commonDirectory: repository.commonDirectory, key: $0) }
    let cached = cache?.load()
    let tips: [String]
    switch start {
    case .allRefs: tips = Set(try repository.refTips().map(\.description)).sorted()
    case .commits(let ids): tips = ids.map(\.description)
    }
    if let cached, cached.tips == tips, cached.branch == branch {
      var outcome = ScanOutcome()
      outcome.findings = cached.findings
      outcome.stats = cached.stats
      outcome.stats.cachedBlobs = cached.stats.filesScanned + cached.stats.cachedBlobs
      outcome.stats.filesScanned = 0
      outcome.stats.bytesScanned = 0
      return outcome
    }
    let knownClean = Set(cached?.clean ?? [])

    let commits = try repository.walk(start)
    var skipped = ScanStats()

    // 1. Which (blob, path) pairs each commit introduces. Metadata only: blobs are read later, once.
    var introductions: [BlobAtPath: [Int]] = [:]
    var order: [(key: BlobAtPath, id: ObjectID)] = []
    var infos: [CommitInfo] = []
    infos.reserveCapacity(commits.count)
    // Tree comparisons of different commits are independent: run them on all workers, each with its
    // own repository handle, then merge in commit order so attribution stays oldest-first.
    let perCommit = try await introductionsByCommit(commits, gitDirectory: repository.gitDirectory, workers: options.workers)
    for (index, (info, entries)) in perCommit.enumerated() {
      infos.append(info)
      for entry in entries {
        switch entry.mode {
        case 0o160000: skipped.skippedSubmodules += 1; continue  // submodule
        case 0o120000: continue  // a symlink's blob is its target path, not content
        default: break
        }
        let key = BlobAtPath(blob: entry.blob.description, path: entry.path)
        if introductions[key] == nil { order.append((key, entry.blob)) }
        introductions[key, default: []].append(index)
      }
    }

    // 2. Scan each blob once per distinct path, in parallel; each worker opens its own repository.
    //    Pairs the cache knows to be clean are not read again.
    let total = order.count
    order.removeAll { knownClean.contains(HistoryCache.pairKey(blob: $0.key.blob, path: $0.key.path)) }
    skipped.cachedBlobs = total - order.count
    let gitDirectory = repository.gitDirectory
    let work = HistoryWork(items: order, gitDirectory: gitDirectory, maxFileSize: options.maxFileSize, explain: options.explain, progress: progress)
    let workers = max(1, min(options.workers, order.count))
    var outcome = await withTaskGroup(of: ScanOutcome.self) { group in
      for _ in 0..<workers { group.addTask { work.run(rules: rules) } }
      var merged = ScanOutcome()
      for await part in group { merged.add(part) }
      return merged
    }
    outcome.stats.add(skipped)

    let rawFindings = outcome.findings
    // 3. Attribute: one finding per (rule, secret, path), at its oldest introducing commit.
    var groups: [FindingKey: (finding: Finding, commits: Set<Int>, first: Int)] = [:]
    for finding in outcome.findings {
      let key = BlobAtPath(blob: finding.provenance.blob ?? "", path: finding.provenance.path)
      let commitIndexes = introductions[key] ?? []
      guard let first = commitIndexes.min() else { continue }
      let group = FindingKey(rule: finding.ruleID, fingerprint: finding.fingerprint, path: finding.provenance.path)
      if var existing = groups[group] {
        existing.commits.formUnion(commitIndexes)
        if first < existing.first || (first == existing.first && Finding.reportOrder(finding, existing.finding)) {
          existing.finding = finding
          existing.first = first
        }
        groups[group] = existing
      } else {
        groups[group] = (finding, Set(commitIndexes), first)
      }
    }
    outcome.findings = groups.values.map { entry in
      var finding = entry.finding
      finding.provenance.commit = provenance(infos[entry.first])
      finding.commitCount = entry.commits.count
      return finding
    }
    outcome.finish()

    if let cache {
      // Clean: scanned pairs with no finding, in a file that read without error.
      let withFindings = Set(rawFindings.map { HistoryCache.pairKey(blob: $0.provenance.blob ?? "", path: $0.provenance.path) })
      let failed = Set(outcome.errors.map(\.path))
      var clean = knownClean
      for item in order where !failed.contains(item.key.path) {
        let key = HistoryCache.pairKey(blob: item.key.blob, path: item.key.path)
        if !withFindings.contains(key) { clean.insert(key) }
      }
      if outcome.errors.isEmpty {
        cache.store(
          HistoryCache.Contents(
            version: 1, key: cache.key, branch: branch, tips: tips, clean: clean.sorted(), findings: outcome.findings,
            stats: outcome.stats, shallow: repository.isShallow))
      }
    }
    return outcome
  }

  typealias Introduced = [(path: [UInt8], blob: ObjectID, mode: UInt32)]

  /// Each commit's info and introduced blobs, in `commits` order, computed on `workers` threads.
  static func introductionsByCommit(_ commits: [ObjectID], gitDirectory: String, workers: Int) async throws(GitError) -> [(CommitInfo, Introduced)] {
    let counter = WorkCounter()
    let results: [Result<[(Int, CommitInfo, Introduced)], GitError>] = await withTaskGroup(of: Result<[(Int, CommitInfo, Introduced)], GitError>.self) { group in
      for _ in 0..<max(1, min(workers, commits.count)) {
        group.addTask {
          do {
            let repository = try Repository.open(at: gitDirectory)
            var done: [(Int, CommitInfo, Introduced)] = []
            while true {
              let index = counter.take()
              guard index < commits.count else { break }
              let info = try repository.commit(commits[index])
              done.append((index, info, try introducedBlobs(repository, info)))
            }
            return .success(done)
          } catch let error as GitError {
            return .failure(error)
          } catch {
            return .failure(GitError(function: "history", code: -1, message: "\(error)"))
          }
        }
      }
      var all: [Result<[(Int, CommitInfo, Introduced)], GitError>] = []
      for await part in group { all.append(part) }
      return all
    }
    var slots = [(CommitInfo, Introduced)?](repeating: nil, count: commits.count)
    for result in results {
      switch result {
      case .success(let items): for (index, info, entries) in items { slots[index] = (info, entries) }
      case .failure(let error): throw error
      }
    }
    var ordered: [(CommitInfo, Introduced)] = []
    ordered.reserveCapacity(slots.count)
    for (index, slot) in slots.enumerated() {
      guard let slot else { throw GitError(function: "history", code: -1, message: "commit \(commits[index]) was not read") }
      ordered.append(slot)
    }
    return ordered
  }

  /// The blobs a commit brings in: against its parent, or for a merge only those that differ from
  /// every parent (its conflict resolutions), so a merge does not re-introduce its branches' blobs.
  static func introducedBlobs(_ repository: Repository, _ info: CommitInfo) throws(GitError) -> [(path: [UInt8], blob: ObjectID, mode: UInt32)] {
    guard info.parents.count > 1 else {
      let parentTree = try info.parents.first.map { (parent) throws(GitError) in try repository.commit(parent).tree }
      return try repository.changedBlobs(from: parentTree, to: info.tree)
    }
    var result: [(path: [UInt8], blob: ObjectID, mode: UInt32)]?
    for parent in info.parents {
      let changed = try repository.changedBlobs(from: try repository.commit(parent).tree, to: info.tree)
      guard let sofar = result else {
        result = changed
        continue
      }
      let keys = Set(changed.map { BlobAtPath(blob: $0.blob.description, path: $0.path) })
      result = sofar.filter { keys.contains(BlobAtPath(blob: $0.blob.description, path: $0.path)) }
    }
    return result ?? []
  }
}

/// A blob at a path: the unit a history scan attributes.
struct BlobAtPath: Hashable, Sendable {
  /// The blob's id as text, as provenance stores it.
  var blob: String
  var path: [UInt8]
}

struct FindingKey: Hashable {
  var rule: String
  var fingerprint: String
  var path: [UInt8]
}

/// The shared queue of a history scan's blobs, and its progress counters.
final class HistoryWork: Sendable {
  let items: [(key: BlobAtPath, id: ObjectID)]
  let gitDirectory: String
  let maxFileSize: Int
  let explain: Bool
  let progress: (@Sendable (HistoryProgress) -> Void)?
  private let state = Locked(State())

  struct State {
    var next = 0
    var done = 0
    var bytes = 0
    var findings = 0
    var lastReport = 0
  }

  init(items: [(key: BlobAtPath, id: ObjectID)], gitDirectory: String, maxFileSize: Int, explain: Bool, progress: (@Sendable (HistoryProgress) -> Void)?) {
    self.explain = explain
    self.items = items
    self.gitDirectory = gitDirectory
    self.maxFileSize = maxFileSize
    self.progress = progress
  }

  func run(rules: RuleSet) -> ScanOutcome {
    var outcome = ScanOutcome()
    let repository: Repository
    do { repository = try Repository.open(at: gitDirectory) } catch {
      outcome.errors.append(SourceError(path: Array(gitDirectory.utf8), message: error.message))
      return outcome
    }
    let scanner = Scanner(rules: rules, recordsCandidates: explain)
    var lastBlob: String?
    var lastBytes: [UInt8]?
    while true {
      let index = state.withLock { state in
        defer { state.next += 1 }
        return state.next
      }
      guard index < items.count else { break }
      let (item, id) = items[index]
      var scannedBytes = 0
      var found = 0
      do {
        // Pairs of one blob at several paths are adjacent only by chance; cache the last read.
        let bytes: [UInt8]?
        if lastBlob == item.blob {
          bytes = lastBytes
        } else if try repository.blobSize(id) > maxFileSize {
          outcome.stats.skippedLarge += 1
          bytes = nil
        } else {
          bytes = try repository.blob(id)
        }
        lastBlob = item.blob
        lastBytes = bytes
        if let bytes {
          if Chunk.isBinary(bytes) {
            outcome.stats.skippedBinary += 1
          } else {
            outcome.stats.filesScanned += 1
            outcome.stats.bytesScanned += bytes.count
            scannedBytes = bytes.count
            let findings = scanner.scan(Chunk(bytes: bytes, provenance: Provenance(path: item.path, blob: item.blob)))
            found = findings.count
            outcome.findings += findings
          }
        }
      } catch {
        outcome.errors.append(SourceError(path: item.path, message: error.message))
      }
      report(bytes: scannedBytes, findings: found)
    }
    outcome.diagnostics = scanner.diagnostics
    outcome.suppressions = scanner.suppressions
    return outcome
  }

  private func report(bytes: Int, findings: Int) {
    guard let progress else { return }
    let now = monotonicMilliseconds()
    let snapshot: HistoryProgress? = state.withLock { state in
      state.done += 1
      state.bytes += bytes
      state.findings += findings
      guard now - state.lastReport >= 200 || state.done == items.count else { return nil }
      state.lastReport = now
      return HistoryProgress(blobsDone: state.done, blobsTotal: items.count, bytesDone: state.bytes, findings: state.findings)
    }
    if let snapshot { progress(snapshot) }
  }
}
