package import ScanEngine
#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// The rules and global allowlists a scan uses, after `[extend]` and `disabledRules` are applied.
package struct ScanConfiguration: Sendable {
  package var rules: [RuleDefinition]
  package var allowlists: [AllowlistDefinition]
  package var warnings: [String]
  /// The files this configuration was read from, outermost first.
  package var sources: [String]

  /// The built-in pack alone.
  package static var builtin: ScanConfiguration {
    ScanConfiguration(
      rules: BuiltinRules.definitions, allowlists: BuiltinRules.allowlists, warnings: [], sources: ["(built-in)"])
  }

  /// Resolves a configuration file in gitleaks' way: `[extend] useDefault` builds on the built-in pack
  /// (the default, except in a file that has `[[rules]]` but no `[extend]`); `[extend] path` builds on
  /// another file; rules with an id the base already has are merged into it (non-empty fields replace,
  /// keywords, tags and allowlists add up); `disabledRules` removes rules last.
  package static func resolve(
    _ file: RuleFile, loader: (String) throws(RulePackError) -> RuleFile = { path throws(RulePackError) in
      try RuleFile.load(path: path)
    }, depth: Int = 0
  ) throws(RulePackError) -> ScanConfiguration {
    guard depth < 3 else {
      throw RulePackError(file: file.file, message: "[extend] path nests more than 3 files deep")
    }
    var base: ScanConfiguration?
    let extend = file.extend
    let useDefault = extend?.useDefault ?? (extend?.path == nil && (file.rules.isEmpty || extend != nil))
    if useDefault { base = .builtin }
    if let path = extend?.path {
      let resolvedPath = path.hasPrefix("/") ? path : directory(of: file.file) + path
      let parent = try resolve(try loader(resolvedPath), loader: loader, depth: depth + 1)
      base = base.map { $0.merging(parent) } ?? parent
    }
    let own = ScanConfiguration(
      rules: file.rules.map(\.definition), allowlists: file.allowlists, warnings: file.warnings,
      sources: [file.file])
    var result = base.map { $0.merging(own) } ?? own
    if let disabled = extend?.disabledRules, !disabled.isEmpty {
      let known = Set(result.rules.map(\.id))
      for id in disabled where !known.contains(id) {
        result.warnings.append("\(file.file): disabledRules names '\(id)', which no rule has")
      }
      result.rules.removeAll { disabled.contains($0.id) }
    }
    return result
  }

  /// `other` layered over `self`.
  func merging(_ other: ScanConfiguration) -> ScanConfiguration {
    var rules = self.rules
    var index: [String: Int] = [:]
    for (position, rule) in rules.enumerated() { index[rule.id] = position }
    for rule in other.rules {
      guard let position = index[rule.id] else {
        index[rule.id] = rules.count
        rules.append(rule)
        continue
      }
      var merged = rules[position]
      if !rule.description.isEmpty { merged.description = rule.description }
      if let regex = rule.regex { merged.regex = regex }
      if rule.secretGroup != 0 { merged.secretGroup = rule.secretGroup }
      if let entropy = rule.entropy, entropy != 0 { merged.entropy = entropy }
      if let path = rule.path { merged.path = path }
      merged.keywords += rule.keywords.filter { !merged.keywords.contains($0) }
      merged.tags += rule.tags.filter { !merged.tags.contains($0) }
      merged.allowlists += rule.allowlists
      rules[position] = merged
    }
    return ScanConfiguration(
      rules: rules, allowlists: allowlists + other.allowlists, warnings: warnings + other.warnings,
      sources: sources + other.sources)
  }
}

func directory(of path: String) -> String {
  guard let slash = path.lastIndex(of: "/") else { return "" }
  return String(path[...slash])
}

extension ScanConfiguration {
  /// The configuration for a scan: `explicit` (from `--config`) when given, else `.hush/config.toml`
  /// under `root`, else `.gitleaks.toml` under `root`, else the built-in pack.
  package static func load(explicit: String?, root: String?) throws(RulePackError) -> ScanConfiguration {
    if let explicit { return try resolve(try RuleFile.load(path: explicit)) }
    if let root {
      let base = root.hasSuffix("/") ? root : root + "/"
      for candidate in [".hush/config.toml", ".gitleaks.toml"] where fileExists(base + candidate) {
        return try resolve(try RuleFile.load(path: base + candidate))
      }
    }
    return .builtin
  }
}

package func fileExists(_ path: String) -> Bool {
  var info = stat()
  return stat(path, &info) == 0
}

extension ScanConfiguration {
  /// A digest of every rule and allowlist, for caches that must be invalidated when rules change.
  package var digest: String {
    var hasher = SHA256()
    for rule in rules {
      hasher.update(Array(BuiltinRules.literal(rule).utf8))
      hasher.update([0x0A])
    }
    for allowlist in allowlists {
      hasher.update(Array(BuiltinRules.literal(allowlist).utf8))
      hasher.update([0x0A])
    }
    return hasher.finalize().hexString
  }
}
