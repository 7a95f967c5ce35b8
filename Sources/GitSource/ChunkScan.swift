package import ScanEngine

/// Scans chunks already in memory, in parallel when there are enough of them.
package enum ChunkScan {
  package static func run(_ chunks: [Chunk], rules: RuleSet, workers: Int, explain: Bool = false) async -> ScanOutcome {
    let workers = max(1, min(workers, chunks.count))
    if workers == 1 || chunks.count < FileScan.parallelThreshold {
      return scan(chunks, rules: rules, explain: explain, next: nil)
    }
    let next = WorkCounter()
    return await withTaskGroup(of: ScanOutcome.self) { group in
      for _ in 0..<workers { group.addTask { scan(chunks, rules: rules, explain: explain, next: next) } }
      var merged = ScanOutcome()
      for await part in group { merged.add(part) }
      return merged
    }
  }

  private static func scan(_ chunks: [Chunk], rules: RuleSet, explain: Bool, next: WorkCounter?) -> ScanOutcome {
    let scanner = Scanner(rules: rules, recordsCandidates: explain)
    var outcome = ScanOutcome()
    var sequential = 0
    while true {
      let index = next?.take() ?? sequential
      sequential += 1
      guard index < chunks.count else { break }
      outcome.stats.filesScanned += 1
      outcome.stats.bytesScanned += chunks[index].bytes.count
      outcome.findings += scanner.scan(chunks[index])
    }
    outcome.diagnostics = scanner.diagnostics
    outcome.suppressions = scanner.suppressions
    return outcome
  }
}
