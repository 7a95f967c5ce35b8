// The plan for one literal: what replaces it (VAULT.md §11 table) and which extra edits go with it.

package enum Planner {
  /// Applies non-overlapping edits bottom-up, so earlier offsets stay valid. At one offset an insertion lands
  /// before a replacement starting there, and insertions come out in the order given.
  package static func apply(_ edits: [Edit], to content: [UInt8]) -> [UInt8] {
    var out = content
    let sorted = edits.enumerated().sorted {
      ($0.element.range.lowerBound, $0.element.range.upperBound, $0.offset)
        > ($1.element.range.lowerBound, $1.element.range.upperBound, $1.offset)
    }
    for (_, e) in sorted { out.replaceSubrange(e.range, with: e.replacement) }
    return out
  }

  /// The edits of several plans for one file (several secrets in it): identical edits (the same `import os`, the
  /// same import block) are kept once. nil when two plans' edits collide: plan those secrets one at a time.
  package static func combinedEdits(_ plans: [Plan]) -> [Edit]? {
    var out: [Edit] = []
    for p in plans where p.disposition == .rewrite {
      for e in p.edits where !out.contains(e) { out.append(e) }
    }
    let sorted = out.sorted { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }
    for (a, b) in zip(sorted, sorted.dropFirst()) where a.range.upperBound > b.range.lowerBound { return nil }
    return out
  }

  /// One plan per occurrence of one file.
  package static func plans(
    path: String, content: [UInt8], occurrences: [Occurrence], style: Style, projectFiles: Set<String> = []
  ) -> [Plan] {
    occurrences.map { plan(path: path, content: content, occurrence: $0, style: style, projectFiles: projectFiles) }
  }

  package static func plan(
    path: String, content: [UInt8], occurrence occ: Occurrence, style: Style, variable: String? = nil,
    secretName: String? = nil, projectFiles: Set<String> = []
  ) -> Plan {
    let ft = fileType(path: path, content: content, projectFiles: projectFiles)
    let hasEnvTag = occ.tags.contains { $0.hasPrefix("env:") }
    let inFile = occ.range.lowerBound >= 0 && occ.range.upperBound <= content.count && !occ.range.isEmpty
    let probe = inFile ? occ : Occurrence(range: 0..<0, ruleID: occ.ruleID, tags: occ.tags)
    var v = variable ?? (ft == .npmrc && !hasEnvTag ? "NPM_TOKEN" : variableName(for: probe, content: inFile ? content : []))
    // In a .env file the key is what the program reads, whatever the rule calls the variable.
    if variable == nil, ft == .dotenv, inFile, let key = assignmentTarget(for: occ.range, in: Text(content)), isEnvName(key), !reservedNames.contains(key) {
      v = key
    }
    let name = secretName
      ?? Self.secretName(variable: v, ruleID: occ.ruleID, isProviderToken: isProviderToken(ruleID: occ.ruleID, tags: occ.tags))
    var b = Builder(
      t: Text(content), r: occ.range, style: style, path: path, variable: v, name: name,
      plan: Plan(fileType: ft, variable: v, secretName: name, disposition: .rewrite))
    guard inFile else {
      b.plan.disposition = .manual("the occurrence's byte range is outside the file")
      return b.plan
    }
    if let d = disposition(path: path, content: content) {
      b.plan.disposition = d
      switch d {
      case .fixture:
        b.plan.notes.append("propose an allowlist entry for \(path) (rule \(occ.ruleID)) or replace the value with a fake one")
      default:
        b.plan.notes.append("propose an allowlist entry for \(path) (rule \(occ.ruleID))")
      }
      return b.plan
    }
    b.run(ft)
    // Extra edits (imports, moved specs) must not collide with the literal's: when they do, a human decides.
    let sorted = b.plan.edits.sorted { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }
    let inBounds = sorted.allSatisfy { $0.range.lowerBound >= 0 && $0.range.upperBound <= content.count }
    let apart = zip(sorted, sorted.dropFirst()).allSatisfy { $0.range.upperBound <= $1.range.lowerBound }
    if !(inBounds && apart) {
      b.manual("the edits for this literal collide (it sits inside an import or declaration the rewrite changes): fix by hand")
    }
    return b.plan
  }
}

struct Builder {
  let t: Text
  let r: Range<Int>
  let style: Style
  let path: String
  let variable: String
  let name: String
  var plan: Plan

  var strict: Bool { style == .strict }
  var ref: String { "hush://\(name)" }
  var eol: String { t.eol }

  mutating func edit(_ range: Range<Int>, _ s: String) { plan.edits.append(Edit(range: range, s)) }
  /// Manual plans carry no edits and no mappings: nothing is rewritten, the notes say what to do.
  mutating func manual(_ why: String) {
    plan.disposition = .manual(why)
    plan.edits = []
    plan.envMappings = [:]
    plan.extraFiles = [:]
    plan.renameTo = nil
  }
  mutating func mapEnv() { plan.envMappings[variable] = ref }

  mutating func run(_ ft: FileType) {
    let dq: UInt8 = .dq, sq: UInt8 = .sq, bt: UInt8 = .bt
    let (style, quotes, raw): (CommentStyle, Set<UInt8>, Set<UInt8>) = switch ft {
    case .python, .ruby: (.hash, [dq, sq], [])
    case .shell: (.hashWord, [dq, sq], [sq])
    case .javascript, .typescript: (.slashes, [dq, sq, bt], [])
    case .go: (.slashes, [dq, sq, bt], [bt])
    case .swift, .java, .kotlin: (.slashes, [dq], [])
    case .terraform: (.hashAndSlashes, [dq], [])
    case .properties, .springProperties: (.propertiesLine, [], [])
    case .json: (.none, [dq], [])
    case .dotenv, .dockerCompose, .githubActions, .kubernetesSecret, .springYAML, .yaml, .npmrc, .dockerfile, .other:
      (.hashWord, [dq, sq], [sq])
    }
    // A `#` inside a multi-line string or a heredoc body starts no comment.
    let inMultiline = MultilineString.find(at: r.lowerBound, in: t, ft: ft) != nil
      || (ft == .shell && enclosingHeredoc(at: r.lowerBound, in: t) != nil)
    if !inMultiline && isInComment(r.lowerBound, in: t, style: style, quotes: quotes, rawQuotes: raw, ft: ft) {
      edit(r, "<removed>")
      plan.removesValueOnly = true
      plan.notes.append("the secret was in a comment: value removed, no reference added")
      return
    }
    if t.contains([.nl], in: r) {
      let s = StringContext.find(r, in: t, quotes: [.dq, .sq, .bt], escapes: true, triple: true, swiftRaw: true, pythonPrefix: true)
      let codeTypes: Set<FileType> = [.python, .javascript, .typescript, .go, .swift, .kotlin, .java, .ruby, .terraform]
      guard codeTypes.contains(ft), let s, s.isWhole(r) else { return manual("the secret spans lines outside a string literal of its own: move it by hand") }
    }
    switch ft {
    case .python: python()
    case .javascript: javascript(ts: false)
    case .typescript: javascript(ts: true)
    case .go: go()
    case .swift: swift()
    case .java: java()
    case .kotlin: kotlin()
    case .ruby: ruby()
    case .shell: shell()
    case .dotenv: dotenv()
    case .dockerCompose:
      edit(r, "${\(variable)}")
      mapEnv()
      plan.notes.append("run it as: hush run -- docker compose up")
    case .springYAML, .springProperties:
      edit(r, "${\(variable)}")
      mapEnv()
      plan.notes.append("Spring resolves ${\(variable)} from the environment: run the app under hush run")
    case .npmrc:
      edit(r, "${\(variable)}")
      mapEnv()
      plan.notes.append("npm expands ${\(variable)} in .npmrc: run npm under hush run")
    case .githubActions:
      // Repository secret names cannot start with GITHUB_ (and secrets.GITHUB_TOKEN is the job's own token).
      let secret = variable.hasPrefix("GITHUB_") ? "GH_" + variable.dropFirst("GITHUB_".count) : variable
      edit(r, "${{ secrets.\(secret) }}")
      plan.notes.append("add repository secret \(secret)")
    case .kubernetesSecret:
      manual("manifests in git should not carry Secret data: use an ExternalSecret or render a template")
      plan.notes.append("template route: replace the value with {{ \(ref) }}, rename the file to *.tpl and render it with hush render")
    case .other where isUnsupportedCode(path):
      manual("no rewrite rule for this language: read the value from the environment by hand (hush run injects \(variable))")
    case .yaml, .json, .properties, .other: template(ft)
    case .terraform: terraform()
    case .dockerfile: dockerfile()
    }
  }

  /// Source code in a language without a row in the table: a template would break it.
  func isUnsupportedCode(_ path: String) -> Bool {
    let name = (path.split(separator: "/").last.map(String.init) ?? path).lowercased()
    if ["jenkinsfile", "makefile", "gnumakefile", "justfile", "cmakelists.txt", "procfile", "brewfile"].contains(name) {
      return true
    }
    guard let dot = name.lastIndex(of: ".") else { return false }
    let ext = String(name[name.index(after: dot)...])
    let code: Set<String> = [
      "c", "h", "cc", "cpp", "cxx", "hpp", "m", "mm", "cs", "fs", "vb", "rs", "php", "pl", "pm", "lua", "dart", "scala",
      "sc", "groovy", "gradle", "clj", "ex", "exs", "erl", "hs", "ml", "r", "jl", "nim", "zig", "ps1", "psm1", "bat", "cmd",
      "vue", "svelte", "html", "htm", "sql", "fish", "elm", "cr", "v", "d", "pas", "asm", "s", "coffee", "mk", "cmake",
    ]
    return code.contains(ext)
  }

  // MARK: - Python

  mutating func python() {
    func expr(_ q: String) -> String { strict ? "os.environ[\(q)\(variable)\(q)]" : "os.getenv(\(q)\(variable)\(q))" }
    let s = StringContext.find(r, in: t, quotes: [.dq, .sq], escapes: true, triple: true, pythonPrefix: true)
    if t.string(t.lineStart(r.lowerBound)..<?r.lowerBound).trimmingSpaces.hasPrefix("case ") {
      return manual("a match-case pattern cannot read the environment: compare in a guard by hand")
    }
    // `"abc" "def"`: implicit concatenation needs a string literal, so the token goes into an f-string.
    let adjacent = s.map { s in
      guard let ce = s.closeEnd else { return false }
      // Across lines too (parenthesized concatenation); the f-string route is valid either way.
      var n = ce
      while n < t.count && (t[n].isSpace || t[n] == .nl || t[n] == .cr) { n += 1 }
      let from = n
      while "rRbBuUfF".utf8.contains(t[n]) && n - from < 2 { n += 1 }
      var b = s.prefixStart
      while b > 0 && (t[b - 1].isSpace || t[b - 1] == .nl || t[b - 1] == .cr) { b -= 1 }
      return t[n] == .dq || t[n] == .sq || t[b - 1] == .dq || t[b - 1] == .sq
    } ?? false
    if let s, s.isWhole(r), let closeEnd = s.closeEnd, !adjacent {
      if s.prefix.contains("b") {
        edit(s.prefixStart..<closeEnd, strict ? "os.environb[b\"\(variable)\"]" : "os.getenvb(b\"\(variable)\")")
      } else {
        edit(s.prefixStart..<closeEnd, expr("\""))
      }
    } else if let s {
      if s.prefix.contains("b") { return manual("the secret is part of a bytes literal: split it by hand") }
      let other = s.quote == .dq ? "'" : "\""
      if s.prefix.contains("f") {
        edit(r, "{\(expr(other))}")
      } else {
        guard let close = s.close else { return manual("the secret is part of a string whose end was not found") }
        // Turn the string into an f-string: `{` and `}` in it must be doubled.
        for i in s.contentStart..<close where !r.contains(i) && (t.b[i] == UInt8(ascii: "{") || t.b[i] == UInt8(ascii: "}")) {
          edit(i..<(i + 1), t.b[i] == UInt8(ascii: "{") ? "{{" : "}}")
        }
        edit(s.open..<s.open, "f")
        edit(r, "{\(expr(other))}")
      }
    } else if let m = MultilineString.find(at: r.lowerBound, in: t, ft: .python) {
      guard m.prefix.contains("f") else {
        return manual("the secret is inside a multi-line string: make it an f-string or move it by hand")
      }
      edit(r, "{\(expr(m.quote == .dq ? "'" : "\""))}")
    } else {
      edit(r, expr("\""))
    }
    mapEnv()
    addPythonImport()
  }

  mutating func addPythonImport() {
    let lines = t.lines
    func text(_ i: Int) -> String { t.string(lines[i].start..<?lines[i].end) }
    for i in lines.indices {
      let l = text(i)
      guard l.hasPrefix("import ") else { continue }
      let names = l.dropFirst(7).split(separator: "#").first ?? ""
      for n in names.split(separator: ",") {
        let parts = n.split(separator: " ", omittingEmptySubsequences: true)
        if let f = parts.first, f == "os" || f.hasPrefix("os."), parts.count == 1 { return }
      }
    }
    func isBlankOrComment(_ i: Int) -> Bool {
      let s = text(i).trimmed
      return s.isEmpty || s.hasPrefix("#")
    }
    var i = 0
    while i < lines.count && isBlankOrComment(i) { i += 1 }
    var headerEnd: Int? = nil  // line index after the header
    // Module docstring.
    if i < lines.count {
      let l = Array(text(i).utf8)
      var k = 0
      while k < l.count, k < 2, "rRuUbB".utf8.contains(l[k]) { k += 1 }
      if k < l.count, l[k] == .dq || l[k] == .sq {
        let q = l[k]
        let tripleQ = k + 2 < l.count && l[k + 1] == q && l[k + 2] == q
        let delim = [UInt8](repeating: q, count: tripleQ ? 3 : 1)
        let from = lines[i].start + k + delim.count
        if let end = t.find(delim, in: from..<t.count) {
          var j = i
          while j < lines.count && lines[j].next <= end { j += 1 }
          headerEnd = j + 1
          i = j + 1
        }
      }
    }
    // `from __future__` imports.
    var j = i
    while j < lines.count {
      if isBlankOrComment(j) { j += 1; continue }
      let l = text(j)
      guard l.hasPrefix("from __future__ import") else { break }
      var k = j
      if l.contains("(") && !l.contains(")") {
        while k < lines.count && !text(k).contains(")") { k += 1 }
      }
      headerEnd = k + 1
      j = k + 1
    }
    // A line of its own: before the first import after the header, else right after the header (or before the
    // first statement when there is none). No blank lines are added.
    var first = headerEnd ?? 0
    while first < lines.count && isBlankOrComment(first) { first += 1 }
    if first < lines.count {
      let l = text(first)
      let isImport = l.hasPrefix("import ") || l.hasPrefix("from ")
      if !isImport, let h = headerEnd, h <= lines.count {
        let pos = h < lines.count ? lines[h].start : t.count
        edit(pos..<pos, "import os" + eol)
      } else {
        edit(lines[first].start..<lines[first].start, "import os" + eol)
      }
    } else {
      let needsEOL = t.count > 0 && t.b[t.count - 1] != .nl
      edit(t.count..<t.count, (needsEOL ? eol : "") + "import os" + eol)
    }
    plan.notes.append("added import os")
  }

  // MARK: - JavaScript / TypeScript

  mutating func javascript(ts: Bool) {
    let e: String
    if t.has("Deno.") {
      e = "Deno.env.get(\"\(variable)\")" + (strict ? (ts ? "!" : "") : " ?? \"\"")
    } else if ts {
      e = "process.env.\(variable)" + (strict ? "!" : " ?? \"\"")
    } else {
      e = "process.env.\(variable)"
    }
    let s = StringContext.find(r, in: t, quotes: [.dq, .sq, .bt], escapes: true)
    if let s, s.isWhole(r), let closeEnd = s.closeEnd {
      // `{ "abc": 1 }`: an object key becomes a computed key.
      let p = t[t.skipSpacesBack(s.open) - 1]
      if t[t.skipSpaces(closeEnd)] == UInt8(ascii: ":") && (p == UInt8(ascii: "{") || p == UInt8(ascii: ",")) {
        edit(s.open..<closeEnd, "[\(e)]")
      } else {
        edit(s.open..<closeEnd, wrapIfFollowed(e, after: closeEnd, before: s.open))
      }
    } else if let s {
      if s.quote == .bt {
        edit(r, "${\(e)}")
      } else {
        guard let close = s.close else { return manual("the secret is part of a string whose end was not found") }
        let inner = t.string(s.contentStart..<?close)
        if inner.contains("`") || inner.contains("${") { return manual("the secret is part of a string that cannot become a template literal") }
        edit(s.open..<(s.open + 1), "`")
        edit(r, "${\(e)}")
        edit(close..<(close + 1), "`")
      }
    } else if let m = MultilineString.find(at: r.lowerBound, in: t, ft: plan.fileType) {
      guard m.quote == .bt else { return manual("the secret is inside a string the planner cannot delimit") }
      edit(r, "${\(e)}")
    } else {
      edit(r, wrapIfFollowed(e, after: r.upperBound, before: r.lowerBound))
    }
    mapEnv()
  }

  /// `a ?? ""` and `a ?: ""` bind loosely (and JavaScript refuses `??` next to `||`): parenthesize unless the
  /// expression stands alone between an assignment, call argument or element delimiter and the statement's end.
  func wrapIfFollowed(_ e: String, after pos: Int, before start: Int? = nil) -> String {
    guard e.contains(" ?? ") || e.contains(" ?: ") else { return e }
    let n = t[t.skipSpaces(pos)]
    let nextOK = n == 0 || n == .nl || n == .cr || ";,)]}".utf8.contains(n) || (n == UInt8(ascii: "/") && t[t.skipSpaces(pos) + 1] == UInt8(ascii: "/"))
    var prevOK = true
    if let start {
      let pi = t.skipSpacesBack(start) - 1
      let p = t[pi]
      let pp = t[pi - 1]
      let isAssign = p == UInt8(ascii: "=") && !"=!<>".utf8.contains(pp)
      prevOK = pi < 0 || p == .nl || isAssign || "(,[{:".utf8.contains(p) || p.isIdent
    }
    return nextOK && prevOK ? e : "(\(e))"
  }

  // MARK: - Go

  mutating func go() {
    let call = strict && t.has("func mustEnv(") ? "mustEnv(\"\(variable)\")" : "os.Getenv(\"\(variable)\")"
    let s = StringContext.find(r, in: t, quotes: [.dq, .bt], escapes: true, rawQuotes: [.bt])
    var litRange = r
    var rep = call
    if let s, s.isWhole(r), let closeEnd = s.closeEnd {
      litRange = s.open..<closeEnd
    } else if let s {
      guard let close = s.close, let closeEnd = s.closeEnd else { return manual("the secret is part of a string whose end was not found") }
      let q = String(UnicodeScalar(s.quote))
      let before = t.string(s.contentStart..<?r.lowerBound), after = t.string(r.upperBound..<?close)
      litRange = s.open..<closeEnd
      rep = (before.isEmpty ? "" : "\(q)\(before)\(q) + ") + call + (after.isEmpty ? "" : " + \(q)\(after)\(q)")
    } else if let m = MultilineString.find(at: r.lowerBound, in: t, ft: .go) {
      guard m.quote == .bt, !t.line(m.open).contains("const") else {
        return manual("the secret is inside a multi-line constant string: move it by hand")
      }
      edit(r, "` + \(call) + `")
      mapEnv()
      addGoImport()
      return
    }
    guard goConst(litRange: litRange, rep: rep) else { return }
    mapEnv()
    addGoImport()
  }

  /// Edits the literal; a `const` cannot hold a call, so its spec becomes a `var`. False when it went manual.
  mutating func goConst(litRange: Range<Int>, rep: String) -> Bool {
    let lines = t.lines
    guard let li = lines.firstIndex(where: { $0.start <= r.lowerBound && r.lowerBound <= $0.end }) else {
      edit(litRange, rep)
      return true
    }
    func text(_ i: Int) -> String { t.string(lines[i].start..<?lines[i].end) }
    let own = text(li).trimmed
    if own.hasPrefix("const ") && !own.hasPrefix("const (") {
      guard let kw = t.find(Array("const".utf8), in: lines[li].start..<max(lines[li].start, r.lowerBound)) else {
        manual("the literal overlaps its const keyword")
        return false
      }
      edit(kw..<(kw + 5), "var")
      edit(litRange, rep)
      plan.notes.append("const turned into var: a const cannot hold os.Getenv; constant expressions using it need a var too")
      return true
    }
    // Inside a `const ( … )` block?
    var open: Int? = nil
    var k = li - 1
    while k >= 0 {
      let s = text(k).trimmed
      if s.hasPrefix(")") || s.hasPrefix("func ") || s.hasPrefix("var ") || s.hasPrefix("import ") || s.hasPrefix("type ") { break }
      if s.hasPrefix("const (") || s.hasPrefix("const(") { open = k; break }
      k -= 1
    }
    guard let open else {
      edit(litRange, rep)
      return true
    }
    var close = li + 1
    while close < lines.count && !text(close).trimmed.hasPrefix(")") { close += 1 }
    guard close < lines.count else { manual("a const block without its closing parenthesis"); return false }
    let specs = ((open + 1)..<close).filter { let s = text($0).trimmed; return !s.isEmpty && !s.hasPrefix("//") }
    if specs.count == 1 {
      guard let kw = t.find(Array("const".utf8), in: lines[open].start..<lines[open].end) else {
        manual("a const block without its const keyword")
        return false
      }
      edit(kw..<(kw + 5), "var")
      edit(litRange, rep)
      plan.notes.append("const block turned into a var block: a const cannot hold os.Getenv")
      return true
    }
    if let next = specs.first(where: { $0 > li }), !text(next).contains("=") {
      manual("the const spec is repeated implicitly by the next spec (iota style): move it to a var by hand")
      return false
    }
    // Move this spec out of the block into a `var` after it.
    let ls = lines[li].start
    let specStart = t.skipSpaces(ls)
    let specText = t.string(specStart..<?litRange.lowerBound) + rep + t.string(litRange.upperBound..<?lines[li].end)
    edit(ls..<lines[li].next, "")
    let after = lines[close].next
    let needsEOL = lines[close].next == lines[close].end
    edit(after..<after, (needsEOL ? eol : "") + "var " + specText + (needsEOL ? "" : eol))
    plan.notes.append("const moved to a var after the const block: a const cannot hold os.Getenv")
    return true
  }

  mutating func addGoImport() {
    let lines = t.lines
    func text(_ i: Int) -> String { t.string(lines[i].start..<?lines[i].end) }
    func path(_ s: Substring) -> String? {
      guard let a = s.firstIndex(of: "\""), let b = s[s.index(after: a)...].firstIndex(of: "\"") else { return nil }
      return String(s[s.index(after: a)..<b])
    }
    var pkgLine: Int? = nil
    var singles: [Int] = []
    var block: Int? = nil
    var i = 0
    while i < lines.count {
      let s = text(i).trimmed
      if s.hasPrefix("package ") && pkgLine == nil { pkgLine = i }
      if s.hasPrefix("import (") || s.hasPrefix("import(") {
        if block == nil { block = i }
        var k = i + 1
        while k < lines.count && !text(k).trimmed.hasPrefix(")") {
          if path(text(k).trimmed) == "os" { return }
          k += 1
        }
        i = k + 1
        continue
      }
      if s.hasPrefix("import ") {
        if path(s) == "os" { return }
        singles.append(i)
      }
      if s.hasPrefix("func ") || s.hasPrefix("var ") || s.hasPrefix("const ") || s.hasPrefix("type ") { break }
      i += 1
    }
    let indent = "\t"
    if let block {
      // The first group of the block (the standard library, by gofmt convention): insert in sorted order.
      var k = block + 1
      var pos: Int? = nil
      while k < lines.count {
        let s = text(k).trimmed
        if s.hasPrefix(")") || s.isEmpty { break }
        if let p = path(s), p > "os", pos == nil { pos = lines[k].start }
        k += 1
      }
      guard let at = pos ?? (k < lines.count ? lines[k].start : nil) else { return manual("an import block without its closing parenthesis") }
      edit(at..<at, indent + "\"os\"" + eol)
    } else if singles.count == 1 {
      let l = singles[0]
      let existing = String(text(l).trimmed.dropFirst("import ".count)).trimmingSpaces
      let items = [existing, "\"os\""].sorted { (path(Substring($0)) ?? $0) < (path(Substring($1)) ?? $1) }
      edit(lines[l].start..<lines[l].end, "import (" + eol + items.map { indent + $0 }.joined(separator: eol) + eol + ")")
    } else if let last = singles.last {
      edit(lines[last].next..<lines[last].next, "import \"os\"" + eol)
    } else if let p = pkgLine {
      let needsEOL = lines[p].next == lines[p].end
      edit(lines[p].next..<lines[p].next, (needsEOL ? eol : "") + eol + "import \"os\"" + eol)
    } else {
      return manual("no package clause found")
    }
    plan.notes.append("added \"os\" to the imports")
  }

  // MARK: - Swift

  mutating func swift() {
    let e = "ProcessInfo.processInfo.environment[\"\(variable)\"]" + (strict ? "!" : " ?? \"\"")
    let s = StringContext.find(r, in: t, quotes: [.dq], escapes: true, triple: true, swiftRaw: true)
    if let s, s.isWhole(r), let closeEnd = s.closeEnd {
      edit((s.open - s.hashes)..<closeEnd, wrapIfFollowed(e, after: closeEnd, before: s.open - s.hashes))
    } else if let s {
      edit(r, "\\" + String(repeating: "#", count: s.hashes) + "(\(e))")
    } else if let m = MultilineString.find(at: r.lowerBound, in: t, ft: .swift) {
      var hashes = 0
      while t[m.open - 1 - hashes] == .hash { hashes += 1 }
      edit(r, "\\" + String(repeating: "#", count: hashes) + "(\(e))")
    } else {
      edit(r, e)
    }
    mapEnv()
    // import Foundation.
    let lines = t.lines
    func text(_ i: Int) -> String { t.string(lines[i].start..<?lines[i].end) }
    var firstImport: Int? = nil, firstCode: Int? = nil
    for i in lines.indices {
      let s = String(text(i).trimmed)
      let words = s.split(separator: " ")
      if let ix = words.firstIndex(of: "import"), words[..<ix].allSatisfy({ $0.hasPrefix("@") || ["public", "package", "internal", "private", "fileprivate"].contains($0) }) {
        if ix + 1 < words.count, words[ix + 1] == "Foundation" { return }
        if firstImport == nil { firstImport = i }
      }
      if firstCode == nil && !s.isEmpty && !s.hasPrefix("//") && !s.hasPrefix("#!") { firstCode = i }
    }
    let at = firstImport ?? firstCode
    if let at {
      edit(lines[at].start..<lines[at].start, "import Foundation" + eol + (firstImport == nil ? eol : ""))
    } else {
      edit(0..<0, "import Foundation" + eol)
    }
    plan.notes.append("added import Foundation")
  }

  // MARK: - Java / Kotlin

  mutating func java() {
    let line = t.string(t.lineStart(r.lowerBound)..<?r.lowerBound)
    let words = Set(line.split(whereSeparator: { !$0.isLetter }).map(String.init))
    if words.contains("static") && words.contains("final") {
      return manual("a static final constant (switch labels, annotations) cannot read the environment: move it by hand")
    }
    if line.trimmed.hasPrefix("@") { return manual("annotation values must be constants: move the value by hand") }
    if line.trimmed.hasPrefix("case ") { return manual("a switch label must be a constant: compare with equals() by hand") }
    let e = "System.getenv(\"\(variable)\")"
    let s = StringContext.find(r, in: t, quotes: [.dq], escapes: true)
    if let s, s.isWhole(r), let closeEnd = s.closeEnd {
      edit(s.open..<closeEnd, e)
    } else if let s {
      guard let close = s.close, let closeEnd = s.closeEnd, s.delimiter == 1 else { return manual("the secret is part of a string whose end was not found") }
      let before = t.string(s.contentStart..<?r.lowerBound), after = t.string(r.upperBound..<?close)
      edit(s.open..<closeEnd, "(" + (before.isEmpty ? "" : "\"\(before)\" + ") + e + (after.isEmpty ? "" : " + \"\(after)\"") + ")")
    } else if MultilineString.find(at: r.lowerBound, in: t, ft: .java) != nil {
      return manual("the secret is inside a text block: move it by hand")
    } else {
      edit(r, e)
    }
    mapEnv()
  }

  mutating func kotlin() {
    let line = t.string(t.lineStart(r.lowerBound)..<?r.lowerBound)
    let words = Set(line.split(whereSeparator: { !$0.isLetter }).map(String.init))
    if words.contains("const") { return manual("a const val cannot read the environment: make it a val by hand where no annotation needs it") }
    if line.trimmed.hasPrefix("@") { return manual("annotation values must be constants: move the value by hand") }
    let e = "System.getenv(\"\(variable)\")" + (strict ? "!!" : " ?: \"\"")
    let s = StringContext.find(r, in: t, quotes: [.dq], escapes: true, triple: true)
    if let s, s.isWhole(r), let closeEnd = s.closeEnd {
      edit(s.open..<closeEnd, wrapIfFollowed(e, after: closeEnd, before: s.open))
    } else if s != nil || MultilineString.find(at: r.lowerBound, in: t, ft: .kotlin) != nil {
      edit(r, "${\(e)}")
    } else {
      edit(r, e)
    }
    mapEnv()
  }

  // MARK: - Ruby

  mutating func ruby() {
    let e = strict ? "ENV.fetch(\"\(variable)\")" : "ENV[\"\(variable)\"]"
    let s = StringContext.find(r, in: t, quotes: [.dq, .sq], escapes: true)
    if let s, s.isWhole(r), let closeEnd = s.closeEnd {
      edit(s.open..<closeEnd, e)
    } else if let s {
      if s.quote == .dq {
        edit(r, "#{\(e)}")
      } else {
        guard let close = s.close else { return manual("the secret is part of a string whose end was not found") }
        let inner = t.string(s.contentStart..<?close)
        if inner.contains("\"") || inner.contains("\\") || inner.contains("#") {
          return manual("the secret is part of a single-quoted string that cannot become an interpolated one")
        }
        edit(s.open..<(s.open + 1), "\"")
        edit(r, "#{\(e)}")
        edit(close..<(close + 1), "\"")
      }
    } else {
      edit(r, e)
    }
    mapEnv()
  }

  // MARK: - Shell

  mutating func shell() {
    let ref = strict ? "${\(variable):?run via hush run}" : "${\(variable)}"
    let ls = t.lineStart(r.lowerBound), le = t.lineEnd(r.lowerBound)
    let s = StringContext.find(r, in: t, quotes: [.dq, .sq], escapes: true, rawQuotes: [.sq])
    if let h = enclosingHeredoc(at: r.lowerBound, in: t) {
      if h.quoted {
        return manual("the secret is in a quoted heredoc (<<'\(h.word)'), which expands nothing: unquote it by hand, escaping its other $ and backticks")
      }
      edit(r, ref)
      mapEnv()
      return
    }
    // `export X=literal` where X is the variable: the line goes, `hush run` injects X.
    let line = t.string(ls..<?le).trimmed
    if line.hasPrefix("export ") {
      let rest = line.dropFirst(7).trimmingSpaces
      if let eq = rest.firstIndex(of: "="), String(rest[..<eq]) == variable {
        let valueStart = s?.open ?? r.lowerBound
        let valueEnd = s?.closeEnd ?? r.upperBound
        if (s == nil || s!.isWhole(r)), t.string(valueEnd..<?le).trimmed.isEmpty,
          t.string(ls..<?valueStart).trimmed.hasSuffix("=")
        {
          edit(ls..<t.nextLineStart(r.lowerBound), "")
          plan.notes.append("deleted `export \(variable)=…`: hush run injects \(variable)")
          mapEnv()
          return
        }
      }
    }
    if let s {
      if s.quote == .dq {
        edit(r, ref)
      } else if s.isWhole(r), let closeEnd = s.closeEnd {
        edit(s.open..<closeEnd, "\"\(ref)\"")
      } else {
        // Close the single quotes, splice the double-quoted reference, reopen.
        var lo = r.lowerBound, hi = r.upperBound
        var rep = "'\"\(ref)\"'"
        if lo == s.contentStart { lo = s.open; rep.removeFirst() }
        if hi == s.close, let ce = s.closeEnd { hi = ce; rep.removeLast() }
        edit(lo..<hi, rep)
      }
    } else {
      edit(r, "\"\(ref)\"")
    }
    mapEnv()
  }

  // MARK: - .env

  mutating func dotenv() {
    let ls = t.lineStart(r.lowerBound), le = t.lineEnd(r.lowerBound)
    let line = t.b[ls..<le]
    guard let eq = line.firstIndex(of: UInt8(ascii: "=")), eq < r.lowerBound else {
      return manual("no KEY=value assignment around the secret")
    }
    var vs = t.skipSpaces(eq + 1), ve = le
    // Trailing comment and blanks.
    if let s = StringContext.find(r, in: t, quotes: [.dq, .sq], escapes: true), let ce = s.closeEnd {
      ve = ce
      vs = s.open
    } else {
      var k = r.upperBound
      while k < le && !(t.b[k] == .hash && t[k - 1].isSpace) { k += 1 }
      ve = t.skipSpacesBack(k)
      if ve < r.upperBound { ve = r.upperBound }
    }
    let whole = (vs == r.lowerBound && ve == r.upperBound) || (vs == r.lowerBound - 1 && ve == r.upperBound + 1)
    guard whole else { return manual("the secret is part of a larger value: store the whole value in the vault or use a template") }
    edit(vs..<ve, ref)
    mapEnv()
    plan.notes.append("hush run sets \(variable) first and dotenv loaders do not override it; without hush run the app sees the reference string")
  }

  // MARK: - Templates

  mutating func template(_ ft: FileType) {
    let placeholder = "{{ \(ref) }}"
    let s = StringContext.find(r, in: t, quotes: [.dq, .sq], escapes: ft == .json)
    if ft == .yaml && s == nil {
      // A plain scalar cannot start with `{`: quote it.
      let before = t[t.skipSpacesBack(r.lowerBound) - 1]
      let atValueStart = (t[r.lowerBound - 1].isSpace && (before == UInt8(ascii: ":") || before == UInt8(ascii: "-")))
        || t.skipSpacesBack(r.lowerBound) == t.lineStart(r.lowerBound)
      if atValueStart {
        let rest = t.string(r.upperBound..<?t.lineEnd(r.lowerBound)).trimmed
        guard rest.isEmpty || rest.hasPrefix("#") else { return manual("the secret starts a longer YAML plain scalar: quote the value and retry") }
        edit(r, "\"\(placeholder)\"")
      } else {
        edit(r, placeholder)
      }
    } else {
      edit(r, placeholder)
    }
    let file = path.split(separator: "/").last.map(String.init) ?? path
    plan.renameTo = path + ".tpl"
    plan.notes.append("rename \(file) to \(file).tpl and render it: hush render \(path).tpl -o \(path)")
    plan.notes.append("add \(path) to .gitignore: the rendered file holds the secret")
    plan.extraFiles[".gitignore"] = Array("/\(path)\n".utf8)
  }

  // MARK: - Terraform

  mutating func terraform() {
    if path.hasSuffix(".tfvars") {
      return manual("a .tfvars file holds values: delete the line and map TF_VAR_\(variable.lowercased()) = \"\(ref)\" in env.toml")
    }
    var tfVar = variable.lowercased()
    let header = terraformBlockHeader()
    if let header, header.hasPrefix("terraform") {
      return manual("backend and terraform settings cannot use variables: pass -backend-config or the backend's environment variables")
    }
    // A variable's default: the variable stays, its default goes, the value comes from TF_VAR_<name>.
    if let header, header.hasPrefix("variable") {
      let parts = header.split(separator: "\"")
      let ls = t.lineStart(r.lowerBound)
      let attr = t.string(ls..<?r.lowerBound).split(separator: "=").first.map { $0.trimmingSpaces } ?? ""
      let s = StringContext.find(r, in: t, quotes: [.dq], escapes: true)
      guard parts.count >= 2, attr == "default", let s, s.isWhole(r), let ce = s.closeEnd,
        t.string(ce..<?t.lineEnd(r.lowerBound)).trimmingSpaces.isEmpty
      else { return manual("the secret is part of a variable block in a form the planner does not rewrite: move it by hand") }
      tfVar = String(parts[1])
      edit(ls..<t.nextLineStart(r.lowerBound), "")
      plan.envMappings["TF_VAR_\(tfVar)"] = ref
      plan.notes.append("deleted the default of variable \"\(tfVar)\": add sensitive = true to it; TF_VAR_\(tfVar) = \"\(ref)\" in env.toml maps the value")
      return
    }
    // Provider credentials: providers read them from the environment.
    if let header, header.hasPrefix("provider") {
      let ls = t.lineStart(r.lowerBound)
      let attr = t.string(ls..<?t.lineEnd(r.lowerBound)).split(separator: "=").first.map { $0.trimmingSpaces } ?? ""
      let creds: Set<String> = ["access_key", "secret_key", "token", "password", "client_secret", "api_key", "api_token",
                                 "client_certificate_password", "credentials"]
      if creds.contains(attr) {
        edit(ls..<t.nextLineStart(r.lowerBound), "")
        plan.notes.append("deleted the provider's \(attr): providers read AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY … from the environment; map \(variable) = \"\(ref)\" in env.toml and run terraform under hush run")
        mapEnv()
        return
      }
    }
    let s = StringContext.find(r, in: t, quotes: [.dq], escapes: true)
    if let s, s.isWhole(r), let closeEnd = s.closeEnd {
      edit(s.open..<closeEnd, "var.\(tfVar)")
    } else if s != nil || enclosingHeredoc(at: r.lowerBound, in: t) != nil {
      // Inside a string or a heredoc: interpolation.
      edit(r, "${var.\(tfVar)}")
    } else {
      edit(r, "var.\(tfVar)")
    }
    let dir = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) + "/" : ""
    let block = "variable \"\(tfVar)\" {\n  type      = string\n  sensitive = true\n}\n"
    plan.extraFiles[dir + "variables.tf"] = Array(block.utf8)
    plan.envMappings["TF_VAR_\(tfVar)"] = ref
    plan.notes.append("add to \(dir)variables.tf:\n\(block)")
    plan.notes.append("TF_VAR_\(tfVar) = \"\(ref)\" in env.toml maps the value; state files hold secrets too")
  }

  func terraformBlockHeader() -> String? { Remediation.terraformBlockHeader(at: r.lowerBound, in: t) }
}

/// The header of the top-level block around `pos`, e.g. `provider "aws" {`.
func terraformBlockHeader(at pos: Int, in t: Text) -> String? {
    var depth = 0
    var header: String? = nil
    var inString = false
    var i = 0
    var lineStartPos = 0
    while i < pos {
      let c = t.b[i]
      if c == .nl { lineStartPos = i + 1 }
      if inString {
        if c == .bs { i += 2; continue }
        if c == .dq { inString = false }
      } else if c == .dq {
        inString = true
      } else if c == UInt8(ascii: "{") {
        if depth == 0 { header = t.string(lineStartPos..<?i).trimmingSpaces }
        depth += 1
      } else if c == UInt8(ascii: "}") {
        depth -= 1
        if depth == 0 { header = nil }
      }
      i += 1
    }
    return depth > 0 ? header : nil
}

extension Builder {
  // MARK: - Dockerfile

  mutating func dockerfile() {
    let line = t.string(t.lineStart(r.lowerBound)..<?t.lineEnd(r.lowerBound)).trimmingSpaces
    let instruction = line.split(separator: " ").first.map { $0.uppercased() } ?? ""
    let id = variable.lowercased()
    manual("values in a Dockerfile persist in image layers: use a build secret or inject at run time, then rebuild and rotate")
    if instruction == "ENV" || instruction == "ARG" {
      plan.notes.append("remove the \(instruction) line holding the secret")
    }
    plan.notes.append("build time: RUN --mount=type=secret,id=\(id),env=\(variable) <command>")
    plan.notes.append("build with: hush run -- docker build --secret id=\(id),env=\(variable) .")
    plan.notes.append("run time: hush run -- docker run -e \(variable) IMAGE")
    plan.notes.append("values persist in image layers: rebuild and rotate")
  }
}
