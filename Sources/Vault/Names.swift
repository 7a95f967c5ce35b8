// Secret names, their default environment variables, and `hush://` references (VAULT.md §4, §10).

/// A name or reference as an error message shows it: control characters escaped, at most 80 characters,
/// so a hostile name (a newline, 10,000 characters) still makes a one-line error.
package func shownName(_ text: String) -> String {
  var out = ""
  for scalar in text.unicodeScalars {
    if out.unicodeScalars.count >= 80 {
      out += "…"
      break
    }
    out += scalar.properties.generalCategory == .control ? scalar.escaped(asASCII: true) : String(scalar)
  }
  return out
}

/// Checks a secret name: `[a-z0-9][a-z0-9._-]{0,62}` segments joined by `/`, at most 128 characters,
/// lowercase only, no `..`. Returns a one-line reason when the name is refused.
package func validateSecretName(_ text: String) -> String? {
  let name = shownName(text)
  guard !text.isEmpty else { return "a secret name cannot be empty" }
  guard text.utf8.count <= 128 else { return "secret name '\(name)' is longer than 128 characters" }
  if text.contains("..") { return "secret name '\(name)' contains '..'; names cannot climb out of the vault" }
  if text.contains(where: { $0.isUppercase }) {
    return "secret name '\(name)' has upper-case letters; use '\(name.lowercased())' (names must not collide on case-insensitive file systems)"
  }
  for segment in text.split(separator: "/", omittingEmptySubsequences: false) {
    let bytes = Array(segment.utf8)
    guard let first = bytes.first, first.isLowerAlnum, bytes.count <= 63,
      bytes.allSatisfy({ $0.isLowerAlnum || $0 == 46 || $0 == 95 || $0 == 45 })
    else {
      return "secret name '\(name)' is not valid: use lowercase letters, digits, '.', '_' and '-', segments separated by '/', each starting with a letter or digit"
    }
  }
  return nil
}

extension UInt8 {
  var isLowerAlnum: Bool { (97...122).contains(self) || (48...57).contains(self) }
}

/// `db/password` → `DB_PASSWORD`.
package func defaultEnvironmentName(_ name: String) -> String {
  String(name.uppercased().map { "/.-".contains($0) ? "_" : $0 })
}

package func validateEnvironmentName(_ name: String) -> Bool {
  let bytes = Array(name.utf8)
  guard let first = bytes.first, !(48...57).contains(first) else { return false }
  return bytes.allSatisfy { (65...90).contains($0) || (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }
}

/// `hush://name[@version|current|previous][?as=env|file[&mode=600]]`.
package struct SecretReference: Equatable, Sendable, CustomStringConvertible {
  package enum Version: Equatable, Sendable {
    case current, previous
    case seq(UInt32)
  }

  package var name: String
  package var version: Version = .current
  package var asFile = false
  package var mode: UInt32 = 0o600

  package init(name: String, version: Version = .current) {
    self.name = name
    self.version = version
  }

  package static func parse(_ text: String) throws(VaultError) -> SecretReference {
    let scheme = "hush://"
    guard text.hasPrefix(scheme) else { throw .usage("'\(shownName(text))' is not a reference; write hush://NAME") }
    var rest = Substring(text.dropFirst(scheme.count))
    var options: Substring = ""
    if let question = rest.firstIndex(of: "?") {
      options = rest[rest.index(after: question)...]
      rest = rest[..<question]
    }
    var reference = SecretReference(name: String(rest))
    if let at = rest.firstIndex(of: "@") {
      reference.name = String(rest[..<at])
      let version = rest[rest.index(after: at)...]
      switch version {
      case "current": reference.version = .current
      case "previous": reference.version = .previous
      default:
        guard !version.isEmpty, version.allSatisfy(\.isASCII), version.allSatisfy(\.isNumber), let seq = UInt32(version) else {
          throw .usage("reference \(shownName(text)) has version '\(version)'; use a number, current or previous")
        }
        reference.version = .seq(seq)
      }
    }
    if let problem = validateSecretName(reference.name) { throw .usage("reference \(shownName(text)): \(problem)") }
    var sawMode = false
    if !options.isEmpty {
      for option in options.split(separator: "&", omittingEmptySubsequences: false) {
        switch option {
        case "as=env": reference.asFile = false
        case "as=file": reference.asFile = true
        default:
          if option.hasPrefix("mode="), option.count == 8, let mode = UInt32(option.dropFirst(5), radix: 8),
            option.dropFirst(5).allSatisfy({ ("0"..."7").contains($0) })
          {
            reference.mode = mode
            sawMode = true
          } else {
            throw .usage("reference \(shownName(text)) has option '\(option)'; use as=env, as=file or mode=600")
          }
        }
      }
    }
    if sawMode && !reference.asFile { throw .usage("reference \(shownName(text)): mode= needs as=file") }
    return reference
  }

  package var description: String {
    var text = "hush://" + name
    switch version {
    case .current: break
    case .previous: text += "@previous"
    case .seq(let seq): text += "@\(seq)"
    }
    if asFile { text += "?as=file" + (mode == 0o600 ? "" : "&mode=" + String(mode, radix: 8)) }
    return text
  }
}
