// Byte-level helpers: the planner works on offsets into the original bytes, so CRLF, BOM and the final newline are
// kept by construction (only ranges change).

extension UInt8 {
  static let nl: UInt8 = 0x0A, cr: UInt8 = 0x0D, space: UInt8 = 0x20, tab: UInt8 = 0x09
  static let dq: UInt8 = 0x22, sq: UInt8 = 0x27, bt: UInt8 = 0x60, bs: UInt8 = 0x5C, hash: UInt8 = 0x23
  var isSpace: Bool { self == .space || self == .tab }
  var isIdent: Bool { (self >= 0x30 && self <= 0x39) || (self >= 0x41 && self <= 0x5A) || (self >= 0x61 && self <= 0x7A) || self == 0x5F }
  var isUpper: Bool { self >= 0x41 && self <= 0x5A }
  var isLower: Bool { self >= 0x61 && self <= 0x7A }
  var isDigit: Bool { self >= 0x30 && self <= 0x39 }
}

infix operator ..<? : RangeFormationPrecedence

/// A half-open range that is empty instead of trapping when the bounds are reversed.
func ..<? (a: Int, b: Int) -> Range<Int> { a..<max(a, b) }

struct Text {
  let b: [UInt8]
  init(_ b: [UInt8]) { self.b = b }

  var count: Int { b.count }
  subscript(i: Int) -> UInt8 { i >= 0 && i < b.count ? b[i] : 0 }

  /// 3 when the file starts with a UTF-8 byte order mark: line 1 starts after it, so edits keep it first.
  var bom: Int { b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF ? 3 : 0 }

  func lineStart(_ i: Int) -> Int {
    var j = min(i, b.count)
    while j > 0 && b[j - 1] != .nl { j -= 1 }
    return j == 0 ? min(bom, i) : j
  }
  /// End of the line's content (before `\r\n` or `\n`).
  func lineEnd(_ i: Int) -> Int {
    var j = max(i, 0)
    while j < b.count && b[j] != .nl { j += 1 }
    if j > 0 && j <= b.count && j > lineStart(i) && b[j - 1] == .cr { return j - 1 }
    return j
  }
  /// Start of the next line (after the newline), or the end of the file.
  func nextLineStart(_ i: Int) -> Int {
    var j = max(i, 0)
    while j < b.count && b[j] != .nl { j += 1 }
    return min(j + 1, b.count)
  }
  /// The file's line ending: CRLF when its first newline is CRLF.
  var eol: String {
    if let n = b.firstIndex(of: .nl), n > 0, b[n - 1] == .cr { return "\r\n" }
    return "\n"
  }
  func string(_ r: Range<Int>) -> String {
    let lo = max(0, min(r.lowerBound, b.count)), hi = max(lo, min(r.upperBound, b.count))
    return String(decoding: b[lo..<hi], as: UTF8.self)
  }
  func line(_ i: Int) -> String { string(lineStart(i)..<lineEnd(i)) }
  /// Lines as (start, end-of-content, next-line-start).
  var lines: [(start: Int, end: Int, next: Int)] {
    var out: [(Int, Int, Int)] = []
    var s = bom
    while s < b.count {
      let e = lineEnd(s), n = nextLineStart(s)
      out.append((s, e, n))
      s = n
    }
    return out
  }
  func has(_ s: String) -> Bool { contains(Array(s.utf8)) }
  func contains(_ needle: [UInt8], in range: Range<Int>? = nil) -> Bool { find(needle, in: range) != nil }
  func find(_ needle: [UInt8], in range: Range<Int>? = nil) -> Int? {
    let r = range ?? 0..<b.count
    guard !needle.isEmpty, r.count >= needle.count else { return nil }
    var i = r.lowerBound
    while i + needle.count <= r.upperBound {
      if b[i] == needle[0] && Array(b[i..<(i + needle.count)]) == needle { return i }
      i += 1
    }
    return nil
  }
  func skipSpacesBack(_ i: Int) -> Int {
    var j = i
    while j > 0 && b[j - 1].isSpace { j -= 1 }
    return j
  }
  func skipSpaces(_ i: Int) -> Int {
    var j = i
    while j < b.count && b[j].isSpace { j += 1 }
    return j
  }
}

extension String {
  var trimmed: Substring {
    var s = Substring(self)
    while let f = s.first, f == " " || f == "\t" || f == "\r" { s.removeFirst() }
    while let l = s.last, l == " " || l == "\t" || l == "\r" { s.removeLast() }
    return s
  }
  var bytes: [UInt8] { Array(utf8) }
}
