package import ScanEngine

/// Everything a scan produced: findings in report order, what it covered, and what went wrong.
package struct ScanOutcome: Sendable {
  package var findings: [Finding] = []
  package var stats = ScanStats()
  package var diagnostics: [ScanDiagnostic] = []
  package var errors: [SourceError] = []
  package var suppressions: [Suppression] = []
  package init() {}

  package mutating func add(_ other: ScanOutcome) {
    findings += other.findings
    stats.add(other.stats)
    diagnostics += other.diagnostics
    errors += other.errors
    suppressions += other.suppressions
  }

  /// Sorts everything so output is byte-identical whatever the worker count.
  package mutating func finish() {
    findings.sort(by: Finding.reportOrder)
    diagnostics.sort { $0.description < $1.description }
    errors.sort { $0.path.lexicographicallyPrecedes($1.path) }
    suppressions.sort(by: Suppression.reportOrder)
  }
}

/// Scans files in parallel: each worker owns a `Scanner` and takes the next file from a shared counter.
package enum FileScan {
  /// Inputs smaller than this run on the calling task: a typical pre-commit does not pay for workers.
  static let parallelThreshold = 8

  package static func run(files: [FileEntry], rules: RuleSet, maxFileSize: Int, workers: Int, explain: Bool = false) async -> ScanOutcome {
    let workers = max(1, min(workers, files.count))
    var outcome: ScanOutcome
    if workers == 1 || files.count < parallelThreshold {
      outcome = scan(files[...], rules: rules, maxFileSize: maxFileSize, explain: explain, next: nil)
    } else {
      let next = WorkCounter()
      outcome = await withTaskGroup(of: ScanOutcome.self) { group in
        for _ in 0..<workers {
          group.addTask { scan(files[...], rules: rules, maxFileSize: maxFileSize, explain: explain, next: next) }
        }
        var merged = ScanOutcome()
        for await part in group { merged.add(part) }
        return merged
      }
    }
    outcome.finish()
    return outcome
  }

  /// Scans the files handed out by `next` (or all of them, in order, when `next` is nil).
  private static func scan(
    _ files: ArraySlice<FileEntry>, rules: RuleSet, maxFileSize: Int, explain: Bool, next: WorkCounter?
  ) -> ScanOutcome {
    let scanner = Scanner(rules: rules, recordsCandidates: explain)
    var outcome = ScanOutcome()
    var sequential = files.startIndex
    while true {
      let index: Int
      if let next {
        index = next.take()
      } else {
        index = sequential
        sequential += 1
      }
      guard index < files.endIndex else { break }
      let file = files[index]
      do {
        switch try FileReader.read(file.path, maxSize: maxFileSize, skipBinary: true) {
        case .content(let bytes):
          if Chunk.isBinary(bytes) {
            outcome.stats.skippedBinary += 1
            continue
          }
          outcome.stats.filesScanned += 1
          outcome.stats.bytesScanned += bytes.count
          outcome.findings += scanner.scan(Chunk(bytes: bytes, provenance: Provenance(path: file.display)))
        case .tooLarge: outcome.stats.skippedLarge += 1
        case .missing: continue
        case .notRegular: outcome.stats.skippedSpecial += 1
        case .binary: outcome.stats.skippedBinary += 1
        }
      } catch {
        outcome.errors.append(SourceError(path: file.display, message: error.message))
      }
    }
    outcome.diagnostics = scanner.diagnostics
    outcome.suppressions = scanner.suppressions
    return outcome
  }
}

/// Hands out increasing indices to workers.
package final class WorkCounter: Sendable {
  private let value = Locked(0)
  package init() {}
  package func take() -> Int {
    value.withLock { current in
      defer { current += 1 }
      return current
    }
  }
}
