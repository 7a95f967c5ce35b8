internal import Foundation
package import ScanEngine

/// A calendar day, for expiry dates; `HUSH_TODAY=YYYY-MM-DD` fixes "today" (tests, reproducible CI).
package struct Day: Sendable, Comparable, CustomStringConvertible {
  package var year: Int
  package var month: Int
  package var day: Int

  package init?(_ text: some StringProtocol) {
    let parts = text.split(separator: "-")
    guard parts.count == 3, parts[0].count == 4, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
      (1...12).contains(m), (1...31).contains(d)
    else { return nil }
    (year, month, day) = (y, m, d)
  }

  package static func today(environment: [String: String] = ProcessInfo.processInfo.environment) -> Day {
    if let fixed = environment["HUSH_TODAY"], let day = Day(fixed) { return day }
    let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date())  // UTC always exists
    return Day("\(parts.year ?? 1970)-\(parts.month ?? 1)-\(parts.day ?? 1)") ?? Day("1970-01-01")!  // valid literal
  }

  package static func < (a: Day, b: Day) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }
  package var description: String {
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    return "\(year)-\(two(month))-\(two(day))"
  }
}

/// `.hush/ignore`: one fingerprint (`fp:…`) or path glob per line, each with an optional
/// `# reason, expires YYYY-MM-DD`. An expired entry stops suppressing and is reported as expired.
package struct IgnoreFile: Sendable {
  package struct Entry: Sendable {
    package enum Target: Sendable { case fingerprint(String), path(Glob) }
    package var target: Target
    package var reason: String
    package var expires: Day?
    package var line: Int
  }

  package var file: String
  package var entries: [Entry]
  /// Entries past their expiry date, as messages naming the line.
  package var expired: [String]

  /// Reads `path`; messages call the file `name` (default: the path).
  package static func load(path: String, name: String? = nil, today: Day) throws(TriageError) -> IgnoreFile {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw TriageError(file: name ?? path, message: "cannot read")
    }
    return try parse(String(decoding: data, as: UTF8.self), file: name ?? path, today: today)
  }

  package static func parse(_ text: String, file: String, today: Day) throws(TriageError) -> IgnoreFile {
    var entries: [Entry] = []
    var expired: [String] = []
    for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("#") { continue }
      var target = line
      var comment = ""
      if let hash = line.range(of: " #") {
        target = line[..<hash.lowerBound].trimmingCharacters(in: .whitespaces)
        comment = line[hash.upperBound...].trimmingCharacters(in: .whitespaces)
      }
      var expires: Day?
      if let range = comment.range(of: #"expires\s+\S+"#, options: .regularExpression) {
        let value = comment[range].split(separator: " ").last.map(String.init) ?? ""
        guard let day = Day(value.trimmingCharacters(in: CharacterSet(charactersIn: ".,;)"))) else {
          throw TriageError(file: file, line: index + 1, message: "expiry '\(value)' is not a date; write expires YYYY-MM-DD")
        }
        expires = day
      }
      let kind: Entry.Target
      if target.hasPrefix("fp:") {
        let fingerprint = String(target.dropFirst(3))
        guard !fingerprint.isEmpty, fingerprint.allSatisfy(\.isHexDigit) else {
          throw TriageError(file: file, line: index + 1, message: "'\(target)' is not a fingerprint; copy one from a report's \"fingerprint\"")
        }
        kind = .fingerprint(fingerprint.lowercased())
      } else {
        kind = .path(Glob(target.hasPrefix("path:") ? String(target.dropFirst(5)) : target))
      }
      if let expires, expires < today {
        expired.append("\(file):\(index + 1): entry expired on \(expires) and no longer suppresses anything; renew or remove it")
        continue
      }
      entries.append(Entry(target: kind, reason: comment, expires: expires, line: index + 1))
    }
    return IgnoreFile(file: file, entries: entries, expired: expired)
  }

  /// The entry that suppresses `finding`, if any.
  package func entry(for finding: Finding) -> Entry? {
    let path = finding.provenance.displayPath
    return entries.first { entry in
      switch entry.target {
      case .fingerprint(let fingerprint): return finding.fingerprint.hasPrefix(fingerprint) && fingerprint.count >= 8
      case .path(let glob): return glob.matches(path)
      }
    }
  }

  package func filter(_ findings: [Finding]) -> (reported: [Finding], suppressed: [Suppression]) {
    partition(findings) { finding in
      entry(for: finding).map { entry in
        let why = entry.reason.isEmpty ? "" : " (\(entry.reason))"
        return Suppression(finding, reason: .ignoreEntry, detail: "\(file):\(entry.line)\(why)")
      }
    }
  }
}

/// gitleaks' `.gitleaksignore`: `commit:file:rule:line` or `file:rule:line` per line. These entries
/// name positions, so they stop matching when lines move; fingerprints in `.hush/ignore` do not.
package struct GitleaksIgnore: Sendable {
  package struct Entry: Sendable, Hashable {
    package var commit: String?
    package var file: String
    package var rule: String
    package var line: Int
  }
  package var file: String
  package var entries: [Entry]

  package static func load(path: String) -> GitleaksIgnore? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    var entries: [Entry] = []
    for raw in String(decoding: data, as: UTF8.self).split(separator: "\n") {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("#") { continue }
      let parts = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
      guard parts.count >= 3, let number = Int(parts[parts.count - 1]) else { continue }
      let rule = parts[parts.count - 2]
      if parts.count >= 4, parts[0].count >= 7, parts[0].allSatisfy(\.isHexDigit) {
        entries.append(Entry(commit: parts[0], file: parts[1..<(parts.count - 2)].joined(separator: ":"), rule: rule, line: number))
      } else {
        entries.append(Entry(commit: nil, file: parts[0..<(parts.count - 2)].joined(separator: ":"), rule: rule, line: number))
      }
    }
    return GitleaksIgnore(file: path, entries: entries)
  }

  package func filter(_ findings: [Finding]) -> (reported: [Finding], suppressed: [Suppression]) {
    partition(findings) { finding in
      let matches = entries.contains { entry in
        entry.rule == finding.ruleID && entry.file == finding.provenance.displayPath && entry.line == finding.line
          && (entry.commit.map { finding.provenance.commit?.id.hasPrefix($0) ?? false } ?? true)
      }
      return matches ? Suppression(finding, reason: .ignoreEntry, detail: "\(file) (position-based entry)") : nil
    }
  }
}

/// A path glob: `*` and `?` within a segment, `**` across segments; a pattern without `/` matches the
/// file name anywhere, as in .gitignore.
package struct Glob: Sendable {
  package var pattern: String
  package init(_ pattern: String) { self.pattern = pattern }

  package func matches(_ path: String) -> Bool {
    var glob = Array(pattern.utf8)
    if glob.first == UInt8(ascii: "/") { glob.removeFirst() } else if !glob.contains(UInt8(ascii: "/")) {
      glob = Array("**/".utf8) + glob
    }
    if glob.last == UInt8(ascii: "/") { glob += Array("**".utf8) }
    return Glob.match(glob[...], Array(path.utf8)[...])
  }

  static func match(_ glob: ArraySlice<UInt8>, _ path: ArraySlice<UInt8>) -> Bool {
    guard let first = glob.first else { return path.isEmpty }
    let slash = UInt8(ascii: "/")
    let star = UInt8(ascii: "*")
    if first == star, glob.dropFirst().first == star {
      var rest = glob.dropFirst(2)
      if rest.first == slash { rest = rest.dropFirst() }
      // `**` matches any number of whole segments, including none.
      if match(rest, path) { return true }
      var index = path.startIndex
      while index < path.endIndex {
        if path[index] == slash, match(rest, path[(index + 1)...]) { return true }
        index += 1
      }
      return rest.isEmpty
    }
    if first == star {
      var index = path.startIndex
      while true {
        if match(glob.dropFirst(), path[index...]) { return true }
        guard index < path.endIndex, path[index] != slash else { return false }
        index += 1
      }
    }
    guard let head = path.first else { return false }
    if first == UInt8(ascii: "?") { return head != slash && match(glob.dropFirst(), path.dropFirst()) }
    return head == first && match(glob.dropFirst(), path.dropFirst())
  }
}
