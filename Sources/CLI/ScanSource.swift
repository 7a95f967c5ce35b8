import ArgumentParser
import Foundation
import Git2
import GitSource
import Reporting
import RulePack
import ScanEngine
import Triage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What to scan, and with which rules: shared by `scan` and `baseline`.
struct ScanSource: ParsableArguments {
  @Argument(help: "Files and directories to scan (default: the current directory); with --staged, pathspecs after --.")
  var paths: [String] = []

  @Flag(help: "Scan standard input instead of files.")
  var stdin = false

  @Option(help: "The file name to report for standard input (path-based rules and allowlists use it).")
  var stdinName = "stdin"

  @Flag(help: "Scan the staged change (index against HEAD), for the pre-commit hook. Paths after -- limit it.")
  var staged = false

  @Option(help: "Scan the commits in a range such as origin/main..HEAD (added lines, each commit against its first parent).")
  var range: String?

  @Flag(help: "Scan the whole history of every ref (each unique blob once).")
  var history = false

  @Option(help: "With --history: only the history of this ref.")
  var branch: String?

  @Option(help: "With --history: scan every repository listed in this file (one path a line, # comments), a few at a time, into one report.")
  var repos: String?

  @Option(help: "A rule or configuration file in gitleaks' schema (default: .hush/config.toml, else .gitleaks.toml, at the repository root).")
  var config: String?

  @Option(help: "Worker threads (default: all cores).")
  var threads: Int = ProcessInfoLite.activeProcessorCount

  @Option(help: "Skip files larger than this, counting them (e.g. 10MiB, 512k).")
  var maxFileSize = ByteSize(bytes: 10 << 20)

  @Flag(help: "Inside a git working tree, also scan ignored files.")
  var noIgnore = false

  @Flag(name: .shortAndLong, help: "No progress line.")
  var quiet = false

  @Flag(help: "With --history: do not read or write the incremental cache in .git/hush/.")
  var noCache = false

  func validate() throws {
    if threads < 1 { throw ValidationError("--threads must be at least 1") }
    let modes = [stdin, staged, range != nil, history].filter { $0 }.count
    if modes > 1 { throw ValidationError("choose one of --stdin, --staged, --range and --history") }
    if stdin && !paths.isEmpty { throw ValidationError("give either --stdin or paths, not both") }
    if (range != nil || history) && !paths.isEmpty { throw ValidationError("--range and --history scan the whole repository; paths are not accepted") }
    if branch != nil && !history { throw ValidationError("--branch works with --history") }
    if repos != nil && !history { throw ValidationError("--repos works with --history") }
    if maxFileSize.bytes < 1 { throw ValidationError("--max-file-size must be positive") }
  }

  /// The result of running the scan this source describes.
  struct Result {
    var outcome: ScanOutcome
    var shallow: Bool
    /// The working tree's root, where `.hush/` lives (nil outside a repository: the current directory).
    var root: String?

    /// The remote, revision and branch of the repository scanned, for SARIF; read only when asked.
    func repositoryInfo() -> RepositoryInfo? {
      guard let root, let repository = (try? Repository.discover(from: root)) ?? nil else { return nil }
      return CLI.repositoryInfo(repository)
    }
  }

  func scan(explain: Bool) async throws -> Result {
    if let repos { return try await scanRepositories(listedIn: repos, explain: explain) }
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
      rules = try ruleSet(for: configuration)
    } catch {
      throw OperationalError("\(error)")
    }
    for warning in configuration.warnings { printWarning(warning) }

    var outcome: ScanOutcome
    var shallow = false
    if let repository {
      // Only history scans use the cache; hashing the rule pack costs a pre-commit scan milliseconds.
      let options = GitScanOptions(
        maxFileSize: maxFileSize.bytes, workers: threads, pathspecs: paths, explain: explain,
        cacheKey: history ? cacheKey(for: configuration) : nil)
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
      outcome = try scanStandardInput(rules: rules, explain: explain)
    } else {
      let listing = WorktreeLister.list(paths: paths.isEmpty ? ["."] : paths, respectIgnore: !noIgnore)
      outcome = await FileScan.run(files: listing.files, rules: rules, maxFileSize: maxFileSize.bytes, workers: threads, explain: explain)
      outcome.errors += listing.errors
      outcome.stats.skippedSpecial += listing.skippedSpecial
      outcome.stats.skippedSubmodules += listing.skippedSubmodules
      outcome.finish()
    }
    outcome.stats.durationMs = monotonicMilliseconds() - started
    return Result(outcome: outcome, shallow: shallow, root: root)
  }

  /// `--history --repos FILE`: each repository's history with its own configuration, a few
  /// repositories at a time, merged into one report whose paths start with the repository's name.
  private func scanRepositories(listedIn file: String, explain: Bool) async throws -> Result {
    let started = monotonicMilliseconds()
    guard let data = FileManager.default.contents(atPath: file) else {
      throw OperationalError("cannot read the repository list '\(file)'; give a file with one repository path a line")
    }
    let paths = String(decoding: data, as: UTF8.self).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    let concurrent = max(1, min(paths.count, (threads + 1) / 2))
    let workersEach = max(1, threads / concurrent)
    let counter = WorkCounter()
    let parts = await withTaskGroup(of: [(Int, ScanOutcome)].self) { group in
      for _ in 0..<concurrent {
        group.addTask {
          var done: [(Int, ScanOutcome)] = []
          while true {
            let index = counter.take()
            guard index < paths.count else { break }
            done.append((index, await scanOne(paths[index], workers: workersEach, explain: explain)))
          }
          return done
        }
      }
      var all: [(Int, ScanOutcome)] = []
      for await part in group { all += part }
      return all.sorted { $0.0 < $1.0 }
    }
    var outcome = ScanOutcome()
    for (_, part) in parts { outcome.add(part) }
    outcome.finish()
    outcome.stats.durationMs = monotonicMilliseconds() - started
    return Result(outcome: outcome, shallow: false, root: nil)
  }

  /// One repository of `--repos`: its failures are recorded, never thrown, so the others still run.
  private func scanOne(_ path: String, workers: Int, explain: Bool) async -> ScanOutcome {
    var outcome = ScanOutcome()
    let name = Array((path.split(separator: "/").last.map(String.init) ?? path).utf8)
    do {
      let repository = try Repository.open(at: path)
      let configuration = try ScanConfiguration.load(explicit: config, root: repository.workdir)
      let rules = try ruleSet(for: configuration)
      let options = GitScanOptions(
        maxFileSize: maxFileSize.bytes, workers: workers, explain: explain, cacheKey: cacheKey(for: configuration))
      outcome = try await GitScan.history(repository, branch: branch, rules: rules, options: options)
    } catch {
      outcome.errors.append(SourceError(path: Array(path.utf8), message: "\(error)"))
      return outcome
    }
    for index in outcome.findings.indices {
      outcome.findings[index].provenance.path = name + [0x2F] + outcome.findings[index].provenance.path
    }
    for index in outcome.errors.indices { outcome.errors[index].path = name + [0x2F] + outcome.errors[index].path }
    return outcome
  }

  /// The built-in pack alone is known to compile (the test suite compiles it), so its regexes compile
  /// on first use; anything from a configuration file is checked up front.
  private func ruleSet(for configuration: ScanConfiguration) throws(RuleSetError) -> RuleSet {
    try RuleSet(
      rules: configuration.rules, globalAllowlists: configuration.allowlists,
      compileEagerly: configuration.sources != ScanConfiguration.builtin.sources)
  }

  /// The history cache's key: version, size limit and every rule and allowlist; nil with --no-cache.
  private func cacheKey(for configuration: ScanConfiguration) -> String? {
    noCache ? nil : SHA256.hash(Array("\(hushVersion)\0\(maxFileSize.bytes)\0\(configuration.digest)".utf8)).hexString
  }

  private func scanStandardInput(rules: RuleSet, explain: Bool) throws -> ScanOutcome {
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
    let scanner = Scanner(rules: rules, recordsCandidates: explain)
    outcome.findings = scanner.scan(Chunk(bytes: bytes, provenance: Provenance(path: Array(stdinName.utf8))))
    outcome.diagnostics = scanner.diagnostics
    outcome.suppressions = scanner.suppressions
    outcome.stats.filesScanned = 1
    outcome.stats.bytesScanned = bytes.count
    return outcome
  }
}

/// The remote URL, HEAD commit and branch, for SARIF's versionControlProvenance.
func repositoryInfo(_ repository: Repository) -> RepositoryInfo? {
  guard let remote = (try? repository.configString("remote.origin.url")) ?? nil, !remote.isEmpty else { return nil }
  let revision = repository.isHeadUnborn ? nil : (try? repository.resolveCommit("HEAD"))?.description
  return RepositoryInfo(uri: sarifURI(remote), revision: revision, branch: repository.currentBranch)
}

/// `git@host:owner/repo.git` as `https://host/owner/repo`; SARIF wants an absolute URI.
func sarifURI(_ remote: String) -> String {
  var uri = remote
  if !uri.contains("://"), let at = uri.firstIndex(of: "@"), let colon = uri[at...].firstIndex(of: ":") {
    uri = "https://" + uri[uri.index(after: at)..<colon] + "/" + uri[uri.index(after: colon)...]
  }
  if uri.hasSuffix(".git") { uri.removeLast(4) }
  if !uri.contains("://") { uri = "file://" + uri }
  return uri
}

/// A one-line status on stderr (a terminal), rewritten in place.
@Sendable func printProgress(_ progress: HistoryProgress) {
  let megabytes = Double(progress.bytesDone) / 1_000_000
  let text = "\r\u{1B}[Kscanning history: \(progress.blobsDone)/\(progress.blobsTotal) objects, \((megabytes * 10).rounded() / 10) MB, \(progress.findings) findings"
  writeAll(2, Array(text.utf8))
}

/// The root of the git working tree holding the current directory, if any.
func repositoryRoot() -> String? {
  (try? GitRepositoryRoot.find(from: ".")) ?? nil
}

enum ProcessInfoLite {
  static var activeProcessorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}
