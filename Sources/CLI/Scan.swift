import ArgumentParser
import GitSource
import Reporting
import ScanEngine
import RulePack
import Triage

struct Scan: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Scan files, directories, standard input or git for secrets.",
    discussion: """
      Inside a git working tree, directories are listed as git does: tracked files plus untracked \
      files that are not ignored (--no-ignore scans everything). `.git` is never entered and symlinks \
      are never followed. Findings in .hush/baseline.json, .hush/ignore or .gitleaksignore at the \
      repository root are suppressed and counted.
      """)

  @OptionGroup var source: ScanSource
  @OptionGroup var report: ReportOptionsGroup
  @OptionGroup var triage: TriageOptions

  func run() async throws {
    let result = try await source.scan(explain: triage.explain)
    var outcome = result.outcome
    let notes = try triage.apply(to: &outcome, root: result.root)
    for note in notes { printWarning(note) }
    for diagnostic in outcome.diagnostics { printWarning(diagnostic.description) }
    for error in outcome.errors { printError(error.description) }
    if triage.explain { writeAll(2, Explanation.render(outcome.suppressions)) }

    let exitCode: Int32 = !outcome.errors.isEmpty ? 2 : outcome.findings.isEmpty ? 0 : triage.exitCode
    let scanReport = ScanReport(
      findings: outcome.findings, stats: outcome.stats, errors: outcome.errors.map(\.description),
      toolVersion: hushVersion, shallow: result.shallow ? true : nil, suppressions: outcome.suppressions,
      exitCode: Int(exitCode), repository: report.format == .sarif ? result.repositoryInfo() : nil)
    try report.emit(scanReport)
    if exitCode != 0 { throw ExitCode(exitCode) }
  }
}

/// Suppression options of `scan`.
struct TriageOptions: ParsableArguments {
  @Option(help: "Report only findings not in this baseline (default: .hush/baseline.json at the repository root, if present).")
  var baseline: String?

  @Flag(help: "Ignore .hush/baseline.json, .hush/ignore and .gitleaksignore.")
  var noBaseline = false

  @Flag(help: "List every candidate that was dropped, and why, on standard error.")
  var explain = false

  @Option(help: "Exit code when findings remain (default 1); suppressed findings never fail a run.")
  var exitCode: Int32 = 1

  @Option(help: "Report only findings at least this sure: low (default, everything), medium, high.")
  var minConfidence: Confidence = .low

  func validate() throws {
    if !(0...255).contains(exitCode) { throw ValidationError("--exit-code must be between 0 and 255") }
  }

  /// Applies `.hush/ignore`, `.gitleaksignore` and the baseline; returns notes for the user.
  func apply(to outcome: inout ScanOutcome, root: String?) throws -> [String] {
    if minConfidence > .low {
      let kept = outcome.findings.filter { $0.confidence >= minConfidence }
      for finding in outcome.findings where finding.confidence < minConfidence {
        outcome.suppressions.append(Suppression(finding, reason: .belowConfidence, detail: "confidence \(finding.confidence.rawValue)"))
      }
      outcome.findings = kept
    }
    guard !noBaseline else {
      outcome.suppressions.sort(by: Suppression.reportOrder)
      return []
    }
    let base = root.map { $0.hasSuffix("/") ? $0 : $0 + "/" } ?? ""
    var notes: [String] = []
    do {
      let ignorePath = base + ".hush/ignore"
      if fileExists(ignorePath) {
        let ignore = try IgnoreFile.load(path: ignorePath, name: ".hush/ignore", today: Day.today())
        notes += ignore.expired
        let (reported, suppressed) = ignore.filter(outcome.findings)
        outcome.findings = reported
        outcome.suppressions += suppressed
      }
      if let gitleaks = GitleaksIgnore.load(path: base + ".gitleaksignore") {
        let (reported, suppressed) = gitleaks.filter(outcome.findings)
        if !suppressed.isEmpty {
          notes.append("\(suppressed.count) finding(s) matched .gitleaksignore entries; they name positions and stop matching when lines move — prefer fingerprints in .hush/ignore")
        }
        outcome.findings = reported
        outcome.suppressions += suppressed
      }
      let baselinePath = baseline ?? base + ".hush/baseline.json"
      if baseline != nil || fileExists(baselinePath) {
        let loaded = try Baseline.load(path: baselinePath)
        let (reported, suppressed) = loaded.filter(outcome.findings, file: baseline ?? ".hush/baseline.json")
        outcome.findings = reported
        outcome.suppressions += suppressed
      }
    } catch {
      throw OperationalError("\(error)")
    }
    outcome.suppressions.sort(by: Suppression.reportOrder)
    return notes
  }
}

/// Options shared by commands that write a findings report.
struct ReportOptionsGroup: ParsableArguments {
  @Option(help: "Report format: \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
  var format: ReportFormat = .text

  @Option(name: .shortAndLong, help: "Write the report to this file (atomically, mode 0600) instead of standard output.")
  var output: String?

  @Flag(help: "Show secrets in full. By default every format shows a short prefix and the length.")
  var showSecrets = false

  @Option(help: "gitleaks' redaction: hide this percentage of each secret (--redact alone means 100).")
  var redact: Int?

  @Flag(help: "No colour, even on a terminal (NO_COLOR is honoured too).")
  var noColor = false

  func validate() throws {
    if let redact, !(0...100).contains(redact) { throw ValidationError("--redact takes a percentage from 0 to 100") }
    if showSecrets && redact != nil { throw ValidationError("--show-secrets and --redact contradict each other") }
  }

  func emit(_ report: ScanReport) throws {
    let color = output == nil && !noColor && environment("NO_COLOR") == nil && format == .text && isTerminal(1)
    let options = ReportOptions(showSecrets: showSecrets, redactPercent: redact, color: color)
    let bytes = format.reporter.render(report, options: options)
    if let output {
      try writeAtomically(bytes, to: output)
      writeAll(2, Array((TextReporter.summary(report) + "\n").utf8))
    } else {
      writeAll(1, bytes)
    }
  }
}

extension ReportFormat {
  var reporter: any Reporter {
    switch self {
    case .text: TextReporter()
    case .json: JSONReporter()
    case .sarif: SARIFReporter()
    case .junit: JUnitReporter()
    case .csv: CSVReporter()
    case .gitleaksJSON: GitleaksJSONReporter()
    case .github: GitHubReporter()
    }
  }
}

/// `--explain`: every dropped candidate with its reason, one line each.
enum Explanation {
  static func render(_ suppressions: [Suppression]) -> [UInt8] {
    var out = suppressions.isEmpty ? "explain: nothing was dropped\n" : ""
    for item in suppressions {
      let location = item.line > 0 ? "\(TextReporter.printable(String(decoding: item.path, as: UTF8.self))):\(item.line):\(item.column)" : TextReporter.printable(String(decoding: item.path, as: UTF8.self))
      let rule = item.ruleID.map { " \($0)" } ?? ""
      let secret = item.secret.map { " \($0.redacted)" } ?? ""
      out += "explain: \(location)\(rule)\(secret): dropped by \(item.reason.rawValue): \(TextReporter.printable(item.detail))\n"
    }
    return Array(out.utf8)
  }
}

extension Confidence: ExpressibleByArgument {}
