import ArgumentParser
import Git2
import GitSource
import Reporting
import RulePack
import ScanEngine

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

struct Scan: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Scan files, directories or standard input for secrets.",
    discussion: """
      Inside a git working tree, directories are listed as git does: tracked files plus untracked \
      files that are not ignored (--no-ignore scans everything). `.git` is never entered and symlinks \
      are never followed.
      """)

  @Argument(help: "Files and directories to scan (default: the current directory); with --staged, pathspecs after --.")
  var paths: [String] = []

  @Flag(help: "Scan standard input instead of files.")
  var stdin = false

  @Option(help: "The file name to report for standard input (path-based rules and allowlists use it).")
  var stdinName = "stdin"

  @OptionGroup var report: ReportOptionsGroup

  @Option(help: "A rule or configuration file in gitleaks' schema (default: .hush/config.toml, else .gitleaks.toml, at the repository root).")
  var config: String?

  @Option(help: "Worker threads (default: all cores).")
  var threads: Int = ProcessInfoLite.activeProcessorCount

  @Option(help: "Skip files larger than this, counting them (e.g. 10MiB, 512k).")
  var maxFileSize = ByteSize(bytes: 10 << 20)

  @Flag(help: "Inside a git working tree, also scan ignored files.")
  var noIgnore = false

  @Flag(help: "Scan the staged change (index against HEAD), for the pre-commit hook. Paths after -- limit it.")
  var staged = false

  @Option(help: "Scan the commits in a range such as origin/main..HEAD (added lines, each commit against its first parent).")
  var range: String?

  @Flag(help: "Scan the whole history of every ref (each unique blob once).")
  var history = false

  @Option(help: "With --history: only the history of this ref.")
  var branch: String?

  @Flag(name: .shortAndLong, help: "No progress line.")
  var quiet = false

  func validate() throws {
    if threads < 1 { throw ValidationError("--threads must be at least 1") }
    let modes = [stdin, staged, range != nil, history].filter { $0 }.count
    if modes > 1 { throw ValidationError("choose one of --stdin, --staged, --range and --history") }
    if stdin && !paths.isEmpty { throw ValidationError("give either --stdin or paths, not both") }
    if (range != nil || history) && !paths.isEmpty { throw ValidationError("--range and --history scan the whole repository; paths are not accepted") }
    if branch != nil && !history { throw ValidationError("--branch works with --history") }
    if maxFileSize.bytes < 1 { throw ValidationError("--max-file-size must be positive") }
  }

  func run() async throws {
    let started = monotonicMilliseconds()
    let gitMode = staged || range != nil || history
    var repository: Repository?
    if gitMode {
      do { repository = try Repository.openFromEnvironment() } catch {
        throw OperationalError("\(error)")
      }
    }
    let root = repository?.workdir ?? repositoryRoot()
    let configuration: ScanConfiguration
    let rules: RuleSet
    do {
      configuration = try ScanConfiguration.load(explicit: config, root: root)
      rules = try RuleSet(rules: configuration.rules, globalAllowlists: configuration.allowlists)
    } catch {
      throw OperationalError("\(error)")
    }
    for warning in configuration.warnings { printWarning(warning) }

    var outcome: ScanOutcome
    var shallow = false
    if let repository {
      let options = GitScanOptions(maxFileSize: maxFileSize.bytes, workers: threads, pathspecs: paths)
      do {
        if staged {
          outcome = try await GitScan.staged(repository, rules: rules, options: options)
        } else if let range {
          outcome = try await GitScan.range(repository, range, rules: rules, options: options)
        } else {
          shallow = repository.isShallow
          let showProgress = !quiet && isTerminal(2)
          let handler: (@Sendable (HistoryProgress) -> Void)? = showProgress ? printProgress : nil
          outcome = try await GitScan.history(repository, branch: branch, rules: rules, options: options, progress: handler)
          if showProgress { writeAll(2, Array("\r\u{1B}[K".utf8)) }
        }
      } catch {
        throw OperationalError("\(error)")
      }
      if shallow { printWarning("this is a shallow clone: history was scanned as far as it goes") }
    } else if stdin {
      outcome = try scanStandardInput(rules: rules)
    } else {
      let listing = WorktreeLister.list(paths: paths.isEmpty ? ["."] : paths, respectIgnore: !noIgnore)
      outcome = await FileScan.run(files: listing.files, rules: rules, maxFileSize: maxFileSize.bytes, workers: threads)
      outcome.errors += listing.errors
      outcome.stats.skippedSpecial += listing.skippedSpecial
      outcome.finish()
    }
    outcome.stats.durationMs = monotonicMilliseconds() - started
    for diagnostic in outcome.diagnostics { printWarning(diagnostic.description) }
    for error in outcome.errors { printError(error.description) }

    let scanReport = ScanReport(
      findings: outcome.findings, stats: outcome.stats, errors: outcome.errors.map(\.description),
      toolVersion: hushVersion, shallow: shallow ? true : nil)
    try report.emit(scanReport)
    if !outcome.errors.isEmpty { throw ExitCode(2) }
    if !outcome.findings.isEmpty { throw ExitCode(1) }
  }

  private func scanStandardInput(rules: RuleSet) throws -> ScanOutcome {
    var outcome = ScanOutcome()
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        throw OperationalError("cannot read standard input: \(String(cString: strerror(errno)))")
      }
      if count == 0 { break }
      bytes += buffer[0..<count]
      if bytes.count > maxFileSize.bytes {
        throw OperationalError("standard input is larger than --max-file-size (\(maxFileSize.bytes) bytes); raise the limit to scan it")
      }
    }
    if Chunk.isBinary(bytes) {
      outcome.stats.skippedBinary = 1
      return outcome
    }
    let scanner = Scanner(rules: rules)
    outcome.findings = scanner.scan(Chunk(bytes: bytes, provenance: Provenance(path: Array(stdinName.utf8))))
    outcome.diagnostics = scanner.diagnostics
    outcome.stats.filesScanned = 1
    outcome.stats.bytesScanned = bytes.count
    return outcome
  }
}

/// Options shared by commands that write a findings report.
struct ReportOptionsGroup: ParsableArguments {
  @Option(help: "Report format: \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
  var format: ReportFormat = .text

  @Option(name: .shortAndLong, help: "Write the report to this file (atomically, mode 0600) instead of standard output.")
  var output: String?

  @Flag(help: "Show secrets in full. By default reports show a short prefix and the length.")
  var showSecrets = false

  @Flag(help: "No colour, even on a terminal (NO_COLOR is honoured too).")
  var noColor = false

  func emit(_ report: ScanReport) throws {
    let color = output == nil && !noColor && environment("NO_COLOR") == nil && format == .text && isTerminal(1)
    let options = ReportOptions(showSecrets: showSecrets, color: color)
    let bytes: [UInt8]
    switch format {
    case .text: bytes = TextReporter().render(report, options: options)
    case .json: bytes = JSONReporter().render(report, options: options)
    }
    if let output {
      try writeAtomically(bytes, to: output)
      writeAll(2, Array((TextReporter.summary(report) + "\n").utf8))
    } else {
      writeAll(1, bytes)
    }
  }
}

/// A one-line status on stderr (a terminal), rewritten in place.
@Sendable func printProgress(_ progress: HistoryProgress) {
  let megabytes = Double(progress.bytesDone) / 1_000_000
  let text = "\r\u{1B}[Kscanning history: \(progress.blobsDone)/\(progress.blobsTotal) objects, \((megabytes * 10).rounded() / 10) MB, \(progress.findings) findings"
  writeAll(2, Array(text.utf8))
}

/// The root of the git working tree holding the current directory, if any.
func repositoryRoot() -> String? {
  (try? GitRepositoryRoot.find(from: "."))
}


enum ProcessInfoLite {
  static var activeProcessorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}
