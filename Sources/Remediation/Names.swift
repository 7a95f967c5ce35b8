// Variable and vault names (VAULT.md §11): the rule's env:NAME tag, else the assignment target, else the rule id.

extension Planner {
  package static func variableName(for occ: Occurrence, content: [UInt8]) -> String {
    for tag in occ.tags where tag.hasPrefix("env:") {
      let name = String(tag.dropFirst(4))
      if isEnvName(name) { return name }
    }
    if occ.range.lowerBound >= 0, occ.range.upperBound <= content.count, !occ.range.isEmpty,
      var target = assignmentTarget(for: occ.range, in: Text(content))
    {
      // Terraform `variable "db_password" { default = "…" }`: the variable's own name.
      if target == "default", let h = terraformBlockHeader(at: occ.range.lowerBound, in: Text(content)),
        h.hasPrefix("variable"), case let parts = h.split(separator: "\""), parts.count >= 2
      {
        target = String(parts[1])
      }
      let v = screamingSnake(target)
      if isEnvName(v) && !reservedNames.contains(v) { return v }
    }
    let fromRule = screamingSnake(occ.ruleID)
    return isEnvName(fromRule) ? fromRule : "SECRET"
  }

  package static func secretName(variable: String, ruleID: String, isProviderToken: Bool) -> String {
    let base = isProviderToken ? ruleID : variable.replacingOccurrences("_", with: "-")
    return sanitizeSecretName(base)
  }

  /// A provider token is found by a provider's own rule; generic and connection-string password rules are not.
  package static func isProviderToken(ruleID: String, tags: [String]) -> Bool {
    let id = ruleID.lowercased()
    return !(id.hasPrefix("generic") || id.contains("password") || tags.contains("generic"))
  }

  /// `[a-z0-9][a-z0-9._-]{0,62}`.
  static func sanitizeSecretName(_ s: String) -> String {
    var out: [UInt8] = []
    for c in s.lowercased().utf8 {
      if c.isLower || c.isDigit || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") {
        out.append(c)
      } else {
        out.append(UInt8(ascii: "-"))
      }
    }
    while let f = out.first, !(f.isLower || f.isDigit) { out.removeFirst() }
    if out.count > 63 { out = Array(out.prefix(63)) }
    while let l = out.last, l == UInt8(ascii: "-") || l == UInt8(ascii: ".") { out.removeLast() }
    return out.isEmpty ? "secret" : String(decoding: out, as: UTF8.self)
  }

  static func isEnvName(_ s: String) -> Bool {
    guard let f = s.utf8.first, f.isUpper || f == 0x5F else { return false }
    return s.utf8.allSatisfy { $0.isUpper || $0.isDigit || $0 == 0x5F }
  }

  /// `dbPassword`, `db-password`, `DBPassword`, `db.password` → `DB_PASSWORD`.
  static func screamingSnake(_ s: String) -> String {
    let c = Array(s.utf8)
    var out: [UInt8] = []
    for (i, ch) in c.enumerated() {
      if ch.isIdent {
        if ch.isUpper, i > 0 {
          let prev = c[i - 1]
          let next: UInt8 = i + 1 < c.count ? c[i + 1] : 0
          if prev.isLower || prev.isDigit || (prev.isUpper && next.isLower) {
            if out.last != 0x5F { out.append(0x5F) }
          }
        }
        out.append(ch.isLower ? ch - 32 : ch)
      } else if out.last != 0x5F {
        out.append(0x5F)
      }
    }
    while out.first == 0x5F { out.removeFirst() }
    while out.last == 0x5F { out.removeLast() }
    if let f = out.first, f.isDigit { out.insert(0x5F, at: 0) }
    return String(decoding: out, as: UTF8.self)
  }

  /// Variables the system or the shell already sets: a reference to one of them would silently read the wrong value.
  static let reservedNames: Set<String> = [
    "USER", "USERNAME", "LOGNAME", "HOME", "PATH", "SHELL", "PWD", "OLDPWD", "LANG", "TERM", "HOSTNAME", "HOST", "TMPDIR",
    "TMP", "TEMP", "UID", "EUID", "PPID", "IFS", "PS1", "PS2", "EDITOR", "DISPLAY", "TZ", "MAIL", "SHLVL", "LC_ALL",
    "RANDOM", "SECONDS", "HISTFILE", "OSTYPE", "MACHTYPE", "HOSTTYPE", "GROUPS", "PIPESTATUS",
  ]

  static let typeWords: Set<String> = ["String", "string", "str", "Str", "&str", "char", "const", "final", "val", "var", "let"]

  /// The name assigned the literal on its line: `db_password = "…"`, `"apiKey": "…"`, `export GH_TOKEN=…`,
  /// `val apiKey: String = "…"`, `password: …`, `api_key => "…"`, `key := "…"`.
  static func assignmentTarget(for range: Range<Int>, in t: Text) -> String? {
    // Start of the enclosing string literal, when the literal is part of one.
    var i = range.lowerBound
    if let ctx = StringContext.find(range, in: t, quotes: [.dq, .sq, .bt], escapes: true, swiftRaw: true, pythonPrefix: true) {
      i = min(ctx.prefixStart, ctx.open - ctx.hashes)
    }
    switch target(before: i, in: t) {
    case .found(let name): return name
    case .none: return nil
    case .userInfo(let at):
      // `dsn: postgres://app:secret@db`: the key of the whole value.
      var j = at
      while j > t.lineStart(at), !(t[j - 1].isSpace || t[j - 1] == UInt8(ascii: "=") || t[j - 1] == .dq || t[j - 1] == .sq) { j -= 1 }
      if case .found(let name) = target(before: j, in: t) { return name }
      return nil
    }
  }

  enum Target { case found(String), none, userInfo(Int) }

  static func target(before start: Int, in t: Text) -> Target {
    let ls = t.lineStart(start)
    var i = t.skipSpacesBack(start)
    // Assignment operator.
    func back(_ s: String) -> Bool {
      let a = Array(s.utf8)
      if i - a.count >= ls, Array(t.b[(i - a.count)..<i]) == a { i -= a.count; return true }
      return false
    }
    if !(back(":=") || back("=>") || back("?=") || back("+=") || back("=") || back(":")) { return .none }
    i = t.skipSpacesBack(i)
    func identBack() -> String? {
      if t[i - 1] == .dq || t[i - 1] == .sq { i -= 1 }
      // `]` of `ENV["X"]` is not a target.
      var j = i
      while j > ls, t[j - 1].isIdent || t[j - 1] == UInt8(ascii: "-") || t[j - 1] == UInt8(ascii: ".") { j -= 1 }
      guard j < i else { return nil }
      let word = t.string(j..<?i)
      i = j
      return word
    }
    guard var word = identBack() else { return .none }
    // `https://user:secret@host`: URL user info, not an assignment.
    if t[i - 1] == UInt8(ascii: "/") || t[i - 1] == UInt8(ascii: "@") { return .userInfo(i) }
    if typeWords.contains(word) {
      // `val apiKey: String =`, `var DBPassword string =`.
      i = t.skipSpacesBack(i)
      if t[i - 1] == UInt8(ascii: ":") { i -= 1; i = t.skipSpacesBack(i) }
      guard let w = identBack() else { return .none }
      word = w
    }
    // `self.db_password`, `config.apiKey`: the last segment; `spring.datasource.password` likewise.
    let last = word.split(separator: ".").last.map(String.init) ?? word
    let trimmedDashes = last.trimmingCharacters("-")
    guard let f = trimmedDashes.utf8.first, !f.isDigit, !typeWords.contains(trimmedDashes) else { return .none }
    return .found(trimmedDashes)
  }
}

extension String {
  func replacingOccurrences(_ a: String, with b: String) -> String {
    split(separator: Character(a), omittingEmptySubsequences: false).joined(separator: b)
  }
  func trimmingCharacters(_ c: Character) -> String {
    var s = Substring(self)
    while s.first == c { s.removeFirst() }
    while s.last == c { s.removeLast() }
    return String(s)
  }
}
