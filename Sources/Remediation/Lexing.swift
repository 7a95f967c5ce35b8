// Just enough lexing to know where a literal sits: inside which string literal, or in a comment.

enum CommentStyle {
  case none
  /// `#` anywhere outside strings (Python, Ruby).
  case hash
  /// `#` at the start of a word (shell, YAML, .env, Dockerfile, .npmrc).
  case hashWord
  /// `//` and `/* */` (C family).
  case slashes
  /// `#`, `//` and `/* */` (Terraform).
  case hashAndSlashes
  /// `#` or `!` as the first non-blank byte (.properties).
  case propertiesLine
}

struct StringContext {
  var prefixStart: Int
  var open: Int
  var quote: UInt8
  var delimiter: Int  // 1, or 3 for triple quotes
  var hashes: Int  // Swift raw strings
  var contentStart: Int
  var close: Int?
  var closeEnd: Int?
  var prefix: String

  func isWhole(_ r: Range<Int>) -> Bool { contentStart == r.lowerBound && close == r.upperBound }

  /// The string literal around `range`, scanning its line from the start (strings spanning lines are seen only
  /// when they start on the literal's line).
  static func find(
    _ range: Range<Int>, in t: Text, quotes: Set<UInt8>, escapes: Bool, rawQuotes: Set<UInt8> = [],
    triple: Bool = false, swiftRaw: Bool = false, pythonPrefix: Bool = false
  ) -> StringContext? {
    let ls = t.lineStart(range.lowerBound)
    var i = ls
    var cur: StringContext?
    while i < range.lowerBound {
      let c = t.b[i]
      if let s = cur {
        if escapes && !rawQuotes.contains(s.quote) && s.hashes == 0 && c == .bs { i += 2; continue }
        if c == s.quote && isDelimiter(t, i, s) {
          i += s.delimiter + s.hashes
          cur = nil
          continue
        }
        i += 1
      } else if quotes.contains(c) {
        var hashes = 0
        if swiftRaw { while t[i - 1 - hashes] == .hash { hashes += 1 } }
        let delim = triple && t[i + 1] == c && t[i + 2] == c ? 3 : 1
        var p = i - hashes
        var prefix = ""
        if pythonPrefix {
          var j = i
          while j > ls, i - j < 2, "rRbBuUfF".utf8.contains(t.b[j - 1]) { j -= 1 }
          if j == ls || !t[j - 1].isIdent { p = j; prefix = t.string(j..<?i).lowercased() }
        }
        cur = StringContext(
          prefixStart: p, open: i, quote: c, delimiter: delim, hashes: hashes, contentStart: i + delim, close: nil,
          closeEnd: nil, prefix: prefix)
        i += delim
      } else {
        i += 1
      }
    }
    guard var s = cur, s.contentStart <= range.lowerBound else { return nil }
    // Find the closing delimiter after the literal.
    var j = range.upperBound
    let limit = s.delimiter == 3 ? t.count : t.lineEnd(range.upperBound)
    while j < limit {
      let c = t.b[j]
      if escapes && !rawQuotes.contains(s.quote) && s.hashes == 0 && c == .bs { j += 2; continue }
      if c == s.quote && isDelimiter(t, j, s) {
        s.close = j
        s.closeEnd = j + s.delimiter + s.hashes
        break
      }
      j += 1
    }
    return s
  }

  private static func isDelimiter(_ t: Text, _ i: Int, _ s: StringContext) -> Bool {
    for k in 0..<s.delimiter where t[i + k] != s.quote { return false }
    for k in 0..<s.hashes where t[i + s.delimiter + k] != .hash { return false }
    return true
  }
}

/// Whether `pos` is inside a comment, honouring strings on the same line.
func isInComment(
  _ pos: Int, in t: Text, style: CommentStyle, quotes: Set<UInt8>, rawQuotes: Set<UInt8> = [], ft: FileType = .other
) -> Bool {
  let ls = t.lineStart(pos)
  if style == .none { return false }
  if style == .propertiesLine {
    let f = t[t.skipSpaces(ls)]
    return f == .hash || f == UInt8(ascii: "!")
  }
  if style == .slashes || style == .hashAndSlashes {
    // Block comment: a whole-file scan that skips strings (`"src/**/*.js"` opens no comment).
    var ml = MultilineString.Scan(at: pos, in: t, ft: ft)
    if ml.run() == .blockComment { return true }
  }
  var i = ls
  var q: UInt8? = nil
  while i < pos {
    let c = t.b[i]
    if let qq = q {
      if c == .bs && !rawQuotes.contains(qq) { i += 2; continue }
      if c == qq { q = nil }
      i += 1
      continue
    }
    if quotes.contains(c) { q = c; i += 1; continue }
    switch style {
    case .hash:
      if c == .hash { return true }
    case .hashWord:
      if c == .hash && (i == ls || t[i - 1].isSpace) { return true }
    case .slashes:
      if c == UInt8(ascii: "/") && t[i + 1] == UInt8(ascii: "/") && t[i - 1] != UInt8(ascii: ":") { return true }
    case .hashAndSlashes:
      if c == .hash || (c == UInt8(ascii: "/") && t[i + 1] == UInt8(ascii: "/")) { return true }
    default: break
    }
    i += 1
  }
  return false
}

/// A string literal that opened on an earlier line and is still open at `pos` (Python triple quotes, JavaScript
/// template literals, Go raw strings, Swift/Kotlin/Java text blocks): a whole-file scan, since the line scan of
/// `StringContext.find` cannot see it.
struct MultilineString {
  var open: Int
  var quote: UInt8
  var delimiter: Int
  var prefix: String

  static func find(at pos: Int, in t: Text, ft: FileType) -> MultilineString? {
    var scan = Scan(at: pos, in: t, ft: ft)
    guard scan.run() == .string, let s = scan.cur, t.lineStart(s.open) != t.lineStart(pos) else { return nil }
    return s
  }

  enum State { case code, string, blockComment }

  struct Scan {
    let pos: Int
    let t: Text
    let ft: FileType
    var cur: MultilineString? = nil

    init(at pos: Int, in t: Text, ft: FileType) {
      self.pos = pos
      self.t = t
      self.ft = ft
    }

    mutating func run() -> State {
      let quotes: Set<UInt8>, triple: Bool, hashComments: Bool, slashComments: Bool, raw: Set<UInt8>
      switch ft {
      case .python: (quotes, triple, hashComments, slashComments, raw) = ([.dq, .sq], true, true, false, [])
      case .javascript, .typescript: (quotes, triple, hashComments, slashComments, raw) = ([.dq, .sq, .bt], false, false, true, [])
      case .go: (quotes, triple, hashComments, slashComments, raw) = ([.dq, .sq, .bt], false, false, true, [.bt])
      case .swift, .kotlin, .java: (quotes, triple, hashComments, slashComments, raw) = ([.dq], true, false, true, [])
      case .terraform: (quotes, triple, hashComments, slashComments, raw) = ([.dq], false, true, true, [])
      default: return .code
      }
      var i = 0
      while i < pos {
        let c = t.b[i]
        if let s = cur {
          if c == .bs && !raw.contains(s.quote) { i += 2; continue }
          if c == s.quote && (s.delimiter == 1 || (t[i + 1] == c && t[i + 2] == c)) {
            i += s.delimiter
            cur = nil
            continue
          }
          // A single-quoted string ends at the line's end (unterminated): do not let it swallow the file.
          if c == .nl && s.delimiter == 1 && s.quote != .bt { cur = nil }
          i += 1
          continue
        }
        if hashComments && c == .hash || slashComments && c == UInt8(ascii: "/") && t[i + 1] == UInt8(ascii: "/") {
          while i < pos && t.b[i] != .nl { i += 1 }
          continue
        }
        if slashComments && c == UInt8(ascii: "/") && t[i + 1] == UInt8(ascii: "*") {
          i += 2
          while i < pos && !(t.b[i] == UInt8(ascii: "*") && t[i + 1] == UInt8(ascii: "/")) { i += 1 }
          if i >= pos { return .blockComment }
          i += 2
          continue
        }
        if quotes.contains(c) {
          let delim = triple && t[i + 1] == c && t[i + 2] == c ? 3 : 1
          var prefix = ""
          if ft == .python {
            var j = i
            while j > 0, i - j < 2, "rRbBuUfF".utf8.contains(t.b[j - 1]) { j -= 1 }
            if j == 0 || !t[j - 1].isIdent { prefix = t.string(j..<?i).lowercased() }
          }
          cur = MultilineString(open: i, quote: c, delimiter: delim, prefix: prefix)
          i += delim
          continue
        }
        i += 1
      }
      return cur == nil ? .code : .string
    }
  }
}

/// The heredoc whose body holds `pos`: whether its delimiter was quoted (`<<'EOF'`, no expansion).
func enclosingHeredoc(at pos: Int, in t: Text) -> (quoted: Bool, word: String)? {
  var open: (quoted: Bool, word: String)? = nil
  let target = t.lineStart(pos)
  for l in t.lines {
    if l.start >= target { break }
    if let o = open {
      if t.string(l.start..<?l.end).trimmingSpaces == o.word { open = nil }
      continue
    }
    guard let at = t.find(Array("<<".utf8), in: l.start..<?l.end), t[at + 2] != UInt8(ascii: "<") else { continue }
    var k = at + 2
    if t[k] == UInt8(ascii: "-") || t[k] == UInt8(ascii: "~") { k += 1 }
    k = t.skipSpaces(k)
    let quoted = t[k] == .sq || t[k] == .dq
    if quoted { k += 1 }
    var e = k
    while e < l.end && t[e].isIdent { e += 1 }
    if e > k { open = (quoted, t.string(k..<?e)) }
  }
  return open
}
