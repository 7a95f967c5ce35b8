// Triage: what a team has already looked at. Baselines, `.hush/ignore` and `.gitleaksignore`.
//
//     var baseline = try Baseline.load(path: ".hush/baseline.json")
//     let (reported, suppressed) = baseline.filter(outcome.findings)
//     let ignore = try IgnoreFile.load(path: ".hush/ignore", today: Day.today())
package import Foundation
package import ScanEngine

/// A problem with a baseline or ignore file: the file, the line where known, and what to do.
package struct TriageError: Error, Sendable, CustomStringConvertible {
  package var file: String
  package var line: Int?
  package var message: String
  package var description: String { line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)" }
}

/// Accepted findings, keyed by their content fingerprint (rule and secret), never by position: moving
/// code does not resurrect an entry, and a different secret on the same line is reported.
///
/// The file is JSON with one entry per line, sorted, no timestamps, closed by an empty sentinel
/// entry, so two branches that each add entries merge line by line; `hush baseline create` also marks
/// it `merge=union` in `.gitattributes`, so even adjacent additions merge without a conflict.
package struct Baseline: Sendable, Equatable {
  package struct Entry: Sendable, Hashable, Comparable {
    package var fingerprint: String
    package var rule: String
    package var file: String
    package static func < (a: Entry, b: Entry) -> Bool {
      (a.fingerprint, a.rule, a.file) < (b.fingerprint, b.rule, b.file)
    }
  }

  package var entries: Set<Entry>
  package init(entries: Set<Entry> = []) { self.entries = entries }

  package init(findings: [Finding]) {
    entries = Set(findings.map { Entry(fingerprint: $0.fingerprint, rule: $0.ruleID, file: $0.provenance.displayPath) })
  }

  package var fingerprints: Set<String> { Set(entries.map(\.fingerprint)) }

  /// Splits findings into those not in the baseline and the suppressions of those that are.
  package func filter(_ findings: [Finding], file: String) -> (reported: [Finding], suppressed: [Suppression]) {
    let known = fingerprints
    return partition(findings) { finding in
      known.contains(finding.fingerprint)
        ? Suppression(finding, reason: .baseline, detail: "\(file): fingerprint \(finding.fingerprint)") : nil
    }
  }

  /// The file's bytes: deterministic, one entry per line.
  package func serialized() -> [UInt8] {
    var out = "{\"version\": 1, \"tool\": \"hush\", \"findings\": [\n"
    for entry in entries.sorted() {
      out += "{\"fingerprint\": \(quote(entry.fingerprint)), \"rule\": \(quote(entry.rule)), \"file\": \(quote(entry.file))},\n"
    }
    out += "{}\n]}\n"
    return Array(out.utf8)
  }

  package static func load(path: String) throws(TriageError) -> Baseline {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw TriageError(file: path, message: "cannot read the baseline; create one with `hush baseline create`")
    }
    return try parse(data, file: path)
  }

  package static func parse(_ data: Data, file: String) throws(TriageError) -> Baseline {
    let object: Any
    do { object = try JSONSerialization.jsonObject(with: data) } catch {
      throw TriageError(file: file, message: "not valid JSON (a merge conflict left in it?); fix it or recreate it with `hush baseline create`")
    }
    guard let root = object as? [String: Any], root["version"] as? Int == 1, let list = root["findings"] as? [Any] else {
      throw TriageError(file: file, message: "not a hush baseline (expected {\"version\": 1, \"findings\": [...]})")
    }
    var entries: Set<Entry> = []
    for (index, item) in list.enumerated() {
      guard let fields = item as? [String: Any] else {
        throw TriageError(file: file, message: "entry \(index + 1) is not an object")
      }
      if fields.isEmpty { continue }  // the sentinel
      guard let fingerprint = fields["fingerprint"] as? String, !fingerprint.isEmpty else {
        throw TriageError(file: file, message: "entry \(index + 1) has no fingerprint")
      }
      entries.insert(Entry(fingerprint: fingerprint, rule: fields["rule"] as? String ?? "", file: fields["file"] as? String ?? ""))
    }
    return Baseline(entries: entries)
  }
}

func quote(_ text: String) -> String { JSONString.quoted(text) }

/// Splits findings into those still reported and the suppressions `suppression` returns for the rest.
func partition(
  _ findings: [Finding], _ suppression: (Finding) -> Suppression?
) -> (reported: [Finding], suppressed: [Suppression]) {
  var reported: [Finding] = []
  var suppressed: [Suppression] = []
  for finding in findings {
    if let entry = suppression(finding) { suppressed.append(entry) } else { reported.append(finding) }
  }
  return (reported, suppressed)
}
