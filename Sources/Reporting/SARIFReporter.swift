package import ScanEngine

/// SARIF 2.1.0 for code-scanning services (GitHub code scanning uploads it unchanged). One
/// `reportingDescriptor` per rule that fired; results carry Hush's content fingerprint in
/// `partialFingerprints` so services deduplicate across runs; secrets appear only as options allow.
package struct SARIFReporter: Reporter {
  package init() {}

  static let remediation = """
    Remove the secret from the code and load it at run time instead (`hush fix` moves it into the \
    encrypted vault and leaves a reference). The secret stays in git history: rotate it at the provider.
    """

  package func render(_ report: ScanReport, options: ReportOptions) -> [UInt8] {
    var ruleIndex: [String: Int] = [:]
    var rules: [Finding] = []
    for finding in report.findings where ruleIndex[finding.ruleID] == nil {
      ruleIndex[finding.ruleID] = -1
      rules.append(finding)
    }
    rules.sort { $0.ruleID < $1.ruleID }
    for (index, finding) in rules.enumerated() { ruleIndex[finding.ruleID] = index }

    var json = JSONWriter()
    json.beginObject()
    json.string("$schema", "https://json.schemastore.org/sarif-2.1.0.json")
    json.string("version", "2.1.0")
    json.beginArray("runs")
    json.beginObject()
    json.beginObject("tool")
    json.beginObject("driver")
    json.string("name", "hush")
    json.string("version", report.toolVersion)
    json.string("semanticVersion", report.toolVersion)
    json.beginArray("rules")
    for rule in rules {
      json.beginObject()
      json.string("id", rule.ruleID)
      json.string("name", SARIFReporter.pascalCase(rule.ruleID))
      json.beginObject("shortDescription")
      json.string("text", rule.ruleDescription.isEmpty ? rule.ruleID : rule.ruleDescription)
      json.endObject()
      json.beginObject("fullDescription")
      json.string("text", "\(rule.ruleDescription.isEmpty ? rule.ruleID : rule.ruleDescription) committed to the repository.")
      json.endObject()
      let variable = rule.tags.first { $0.hasPrefix("env:") }.map { String($0.dropFirst(4)) }
      let help = SARIFReporter.remediation + (variable.map { " Conventionally it is read from the environment variable \($0)." } ?? "")
      json.beginObject("help")
      json.string("text", help)
      json.string("markdown", help)
      json.endObject()
      json.beginObject("defaultConfiguration")
      json.string("level", "error")
      json.endObject()
      json.beginObject("properties")
      json.beginArray("tags")
      json.string(nil, "security")
      json.string(nil, "secret")
      for tag in rule.tags where !tag.hasPrefix("env:") { json.string(nil, tag) }
      json.endArray()
      json.string("security-severity", "8.0")
      json.endObject()
      json.endObject()
    }
    json.endArray()
    json.endObject()
    json.endObject()

    json.beginArray("invocations")
    json.beginObject()
    json.bool("executionSuccessful", report.errors.isEmpty)
    json.int("exitCode", report.exitCode)
    if !report.errors.isEmpty {
      json.beginArray("toolExecutionNotifications")
      for error in report.errors {
        json.beginObject()
        json.string("level", "error")
        json.beginObject("message")
        json.string("text", error)
        json.endObject()
        json.endObject()
      }
      json.endArray()
    }
    json.endObject()
    json.endArray()

    if let repository = report.repository {
      json.beginArray("versionControlProvenance")
      json.beginObject()
      json.string("repositoryUri", repository.uri)
      if let revision = repository.revision { json.string("revisionId", revision) }
      if let branch = repository.branch { json.string("branch", branch) }
      json.endObject()
      json.endArray()
    }

    json.beginArray("results")
    for finding in report.findings {
      json.beginObject()
      json.string("ruleId", finding.ruleID)
      json.int("ruleIndex", ruleIndex[finding.ruleID] ?? 0)
      json.string("level", SARIFReporter.level(finding.confidence))
      json.beginObject("message")
      json.string("text", "\(finding.ruleDescription.isEmpty ? finding.ruleID : finding.ruleDescription): \(finding.shownSecret(options))")
      json.endObject()
      json.beginArray("locations")
      json.beginObject()
      json.beginObject("physicalLocation")
      json.beginObject("artifactLocation")
      json.string("uri", SARIFReporter.uri(finding.provenance.path))
      json.endObject()
      json.beginObject("region")
      json.int("startLine", max(1, finding.line))
      json.int("startColumn", max(1, finding.column))
      json.int("endLine", max(1, finding.endLine))
      // SARIF's endColumn is the column after the last character.
      json.int("endColumn", max(1, finding.endColumn) + 1)
      json.endObject()
      json.endObject()
      json.endObject()
      json.endArray()
      json.beginObject("partialFingerprints")
      json.string("hushFingerprint/v1", finding.fingerprint)
      json.endObject()
      json.beginObject("properties")
      json.string("secret", finding.shownSecret(options))
      json.number("entropy", finding.entropy)
      json.string("confidence", finding.confidence.rawValue)
      if let commit = finding.provenance.commit {
        json.string("commit", commit.id)
        json.string("author", commit.author)
        json.string("email", commit.email)
        json.string("date", commit.date)
      }
      if let count = finding.commitCount { json.int("commits", count) }
      json.endObject()
      json.endObject()
    }
    json.endArray()
    json.endObject()
    json.endArray()
    json.endObject()
    return json.bytes + [0x0A]
  }

  /// High-confidence findings are errors; generic ones warnings; those in test paths notes.
  static func level(_ confidence: Confidence) -> String {
    switch confidence {
    case .high: "error"
    case .medium: "warning"
    case .low: "note"
    }
  }

  static func pascalCase(_ id: String) -> String {
    id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
  }

  /// A relative URI reference: unreserved bytes and `/` as they are, everything else percent-encoded.
  static func uri(_ path: [UInt8]) -> String {
    let hex = Array("0123456789ABCDEF".utf8)
    var out: [UInt8] = []
    for byte in path {
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
        UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
        out.append(byte)
      default:
        out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
      }
    }
    return String(decoding: out, as: UTF8.self)
  }
}
