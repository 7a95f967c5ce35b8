// Strings, numbers and dates. Strings are validated in place and turned into `String`s in one piece; only
// escapes and CRLF line endings send bytes through the reusable scratch buffer.

extension Parser {
  // MARK: - Strings

  @inline(__always) mutating func appendScratch(_ range: Range<Int>) {
    scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[range]))
  }

  func controlCharacter(_ c: UInt8, in what: String, at offset: Int) -> TOMLError {
    error("control character U+\(hex(UInt32(c), digits: 4)) is not allowed in \(what)", at: offset)
  }

  /// At `"`: a basic string with escapes, on one line.
  mutating func parseBasicString() throws(TOMLError) -> String {
    let open = i
    i += 1
    var segment = i
    var decoding = false
    while true {
      guard i < end else { throw error("unterminated string: expected '\"' before end of file", at: open) }
      let c = bytes[i]
      if c >= 0x20 && c < 0x7F && c != quote && c != backslash {
        i += 1
        continue
      }
      if c == quote { break }
      if c == backslash {
        if !decoding {
          scratch.removeAll(keepingCapacity: true)
          decoding = true
        }
        appendScratch(segment..<i)
        try decodeEscape()
        segment = i
      } else if c >= 0x80 {
        try skipScalar()
      } else if c == tab {
        i += 1
      } else if c == lineFeed || (c == carriageReturn && byte(at: i + 1) == lineFeed) {
        throw error("unterminated string: expected '\"' before end of line", at: open)
      } else {
        throw controlCharacter(c, in: "a string (use an escape sequence)", at: i)
      }
    }
    let result: String
    if decoding {
      appendScratch(segment..<i)
      result = String(decoding: scratch, as: UTF8.self)
    } else {
      result = string(segment..<i)
    }
    i += 1
    return result
  }

  /// At `'`: a literal string (no escapes), on one line.
  mutating func parseLiteralString() throws(TOMLError) -> String {
    let open = i
    i += 1
    let contentStart = i
    while true {
      guard i < end else { throw error("unterminated string: expected \"'\" before end of file", at: open) }
      let c = bytes[i]
      if (c >= 0x20 && c < 0x7F && c != apostrophe) || c == tab {
        i += 1
      } else if c == apostrophe {
        break
      } else if c >= 0x80 {
        try skipScalar()
      } else if c == lineFeed || (c == carriageReturn && byte(at: i + 1) == lineFeed) {
        throw error("unterminated string: expected \"'\" before end of line", at: open)
      } else {
        throw controlCharacter(c, in: "a literal string", at: i)
      }
    }
    let result = string(contentStart..<i)
    i += 1
    return result
  }

  /// After an opening `"""` or `'''`: a newline right there is not part of the string.
  mutating func trimFirstNewline() throws(TOMLError) {
    guard i < end else { return }
    if bytes[i] == lineFeed || (bytes[i] == carriageReturn && byte(at: i + 1) == lineFeed) {
      try consumeNewline()
    }
  }

  /// At CRLF inside a multi-line string: the content so far and one LF go to `scratch`, so CRLF
  /// becomes LF and a document reads the same whatever its line endings.
  mutating func foldCRLF(segment: inout Int, decoding: inout Bool) throws(TOMLError) {
    if !decoding {
      scratch.removeAll(keepingCapacity: true)
      decoding = true
    }
    appendScratch(segment..<i)
    scratch.append(lineFeed)
    try consumeNewline()
    segment = i
  }

  /// At a run of `delimiter` inside a multi-line string: nil when the run is content (fewer than
  /// three; the cursor moves past it), else the finished string, of which up to two delimiters right
  /// before the closing three are part.
  mutating func closeMultiline(_ delimiter: UInt8, segment: Int, decoding: Bool, tooMany: String) throws(TOMLError) -> String? {
    var run = 1
    while run < 6 && byte(at: i + run) == delimiter { run += 1 }
    if run < 3 {
      i += run
      return nil
    }
    if run > 5 { throw error(tooMany, at: i + 5) }
    let contentEnd = i + run - 3
    let result: String
    if decoding {
      appendScratch(segment..<contentEnd)
      result = String(decoding: scratch, as: UTF8.self)
    } else {
      result = string(segment..<contentEnd)
    }
    i += run
    return result
  }

  /// At `"""`: a multi-line basic string.
  mutating func parseMultilineBasicString() throws(TOMLError) -> String {
    let open = i
    i += 3
    try trimFirstNewline()
    var segment = i
    var decoding = false
    while true {
      guard i < end else {
        throw error("unterminated multi-line string: expected '\"\"\"' to close the '\"\"\"' here", at: open)
      }
      let c = bytes[i]
      if c >= 0x20 && c < 0x7F && c != quote && c != backslash {
        i += 1
        continue
      }
      switch c {
      case quote:
        let tooMany = "too many quotes: at most two '\"' may come right before the closing '\"\"\"'"
        if let result = try closeMultiline(quote, segment: segment, decoding: decoding, tooMany: tooMany) { return result }
      case backslash:
        if !decoding {
          scratch.removeAll(keepingCapacity: true)
          decoding = true
        }
        appendScratch(segment..<i)
        let next = byte(at: i + 1)
        if next == space || next == tab || next == lineFeed || next == carriageReturn {
          // A line-ending backslash: drop it and all whitespace and newlines after it.
          var k = i + 1
          while k < end && (bytes[k] == space || bytes[k] == tab) { k += 1 }
          guard k < end && (bytes[k] == lineFeed || (bytes[k] == carriageReturn && byte(at: k + 1) == lineFeed))
          else {
            throw error(
              "invalid escape sequence: a '\\' followed by whitespace must be the last character on its line", at: i)
          }
          i = k
          while i < end {
            let w = bytes[i]
            if w == space || w == tab {
              i += 1
            } else if w == lineFeed || (w == carriageReturn && byte(at: i + 1) == lineFeed) {
              try consumeNewline()
            } else {
              break
            }
          }
        } else {
          try decodeEscape()
        }
        segment = i
      case lineFeed:
        i += 1
        line += 1
        lineStart = i
      case carriageReturn:
        guard byte(at: i + 1) == lineFeed else { throw controlCharacter(c, in: "a string (use \\r)", at: i) }
        try foldCRLF(segment: &segment, decoding: &decoding)
      case tab:
        i += 1
      default:
        if c >= 0x80 {
          try skipScalar()
        } else {
          throw controlCharacter(c, in: "a string (use an escape sequence)", at: i)
        }
      }
    }
  }

  /// At `'''`: a multi-line literal string.
  mutating func parseMultilineLiteralString() throws(TOMLError) -> String {
    let open = i
    i += 3
    try trimFirstNewline()
    var segment = i
    var decoding = false
    while true {
      guard i < end else {
        throw error("unterminated multi-line string: expected \"'''\" to close the \"'''\" here", at: open)
      }
      let c = bytes[i]
      if (c >= 0x20 && c < 0x7F && c != apostrophe) || c == tab {
        i += 1
        continue
      }
      switch c {
      case apostrophe:
        let tooMany = "too many quotes: at most two \"'\" may come right before the closing \"'''\""
        if let result = try closeMultiline(apostrophe, segment: segment, decoding: decoding, tooMany: tooMany) { return result }
      case lineFeed:
        i += 1
        line += 1
        lineStart = i
      case carriageReturn:
        guard byte(at: i + 1) == lineFeed else { throw controlCharacter(c, in: "a literal string", at: i) }
        try foldCRLF(segment: &segment, decoding: &decoding)
      default:
        if c >= 0x80 {
          try skipScalar()
        } else {
          throw controlCharacter(c, in: "a literal string", at: i)
        }
      }
    }
  }

  /// At `\` in a basic string: appends the escaped character to `scratch`.
  mutating func decodeEscape() throws(TOMLError) {
    let escape = i
    guard let c = byte(at: i + 1) else { throw unexpected("an escape sequence after '\\'", at: i + 1) }
    i += 2
    switch c {
    case UInt8(ascii: "b"): scratch.append(0x08)
    case UInt8(ascii: "t"): scratch.append(0x09)
    case UInt8(ascii: "n"): scratch.append(0x0A)
    case UInt8(ascii: "f"): scratch.append(0x0C)
    case UInt8(ascii: "r"): scratch.append(0x0D)
    case quote, backslash: scratch.append(c)
    case UInt8(ascii: "u"): try decodeUnicodeEscape(digits: 4, escape: escape)
    case UInt8(ascii: "U"): try decodeUnicodeEscape(digits: 8, escape: escape)
    default:
      let found = c > 0x20 && c < 0x7F ? "'\\\(Character(Unicode.Scalar(c)))'" : "'\\' followed by \(describe(escape + 1))"
      throw error(
        "invalid escape sequence \(found) (expected \\b, \\t, \\n, \\f, \\r, \\\", \\\\, \\uXXXX or \\UXXXXXXXX)",
        at: escape)
    }
  }

  mutating func decodeUnicodeEscape(digits: Int, escape: Int) throws(TOMLError) {
    var value: UInt32 = 0
    for _ in 0..<digits {
      guard i < end, let digit = hexDigit(bytes[i]) else {
        throw unexpected("\(digits) hex digits after '\\\(digits == 4 ? "u" : "U")'", at: i)
      }
      value = value << 4 | digit
      i += 1
    }
    guard Unicode.Scalar(value) != nil else {
      throw error(
        "invalid escape sequence '\(string(escape..<i))': U+\(hex(value, digits: 4)) is not a Unicode scalar value",
        at: escape)
    }
    if value < 0x80 {
      scratch.append(UInt8(value))
    } else if value < 0x800 {
      scratch.append(UInt8(0xC0 | value >> 6))
      scratch.append(UInt8(0x80 | value & 0x3F))
    } else if value < 0x10000 {
      scratch.append(UInt8(0xE0 | value >> 12))
      scratch.append(UInt8(0x80 | (value >> 6) & 0x3F))
      scratch.append(UInt8(0x80 | value & 0x3F))
    } else {
      scratch.append(UInt8(0xF0 | value >> 18))
      scratch.append(UInt8(0x80 | (value >> 12) & 0x3F))
      scratch.append(UInt8(0x80 | (value >> 6) & 0x3F))
      scratch.append(UInt8(0x80 | value & 0x3F))
    }
  }

  // MARK: - Numbers

  @inline(__always) func isDigit(at offset: Int) -> Bool { offset < end && isASCIIDigit(bytes[offset]) }

  /// At `+`, `-`, a digit, `i` or `n`: an integer, a float, or a date/time.
  mutating func parseNumberOrDate() throws(TOMLError) -> TOMLValue {
    let s = i
    if isDigit(at: s) && isDigit(at: s + 1) && isDigit(at: s + 2) && isDigit(at: s + 3) && byte(at: s + 4) == minus {
      return try parseDate()
    }
    if isDigit(at: s) && isDigit(at: s + 1) && byte(at: s + 2) == colon {
      try parseTime(offset: false)
      try endOfToken(s, "time")
      return .datetime(string(s..<i))
    }
    return try parseNumber()
  }

  /// After a number or date: the next character must not continue it.
  func endOfToken(_ start: Int, _ what: String) throws(TOMLError) {
    guard i < end else { return }
    let c = bytes[i]
    if isBareKeyByte(c) || c == dot || c == colon || c == plus {
      throw error("invalid character \(describe(i)) in \(what)", at: i)
    }
  }

  /// At a digit: digits with single underscores between them.
  mutating func scanDigits(_ isValid: (UInt8) -> Bool = isASCIIDigit) throws(TOMLError) {
    while i < end {
      let c = bytes[i]
      if isValid(c) {
        i += 1
      } else if c == underscore {
        guard i + 1 < end && isValid(bytes[i + 1]) else { throw error("'_' must be between digits", at: i) }
        i += 1
      } else {
        return
      }
    }
  }

  mutating func parseNumber() throws(TOMLError) -> TOMLValue {
    let s = i
    var negative = false
    var signed = false
    if bytes[i] == plus || bytes[i] == minus {
      negative = bytes[i] == minus
      signed = true
      i += 1
    }
    if matches("inf") {
      i += 3
      try endOfToken(s, "float")
      return .float(negative ? -.infinity : .infinity)
    }
    if matches("nan") {
      i += 3
      try endOfToken(s, "float")
      return .float(negative ? -.nan : .nan)
    }
    guard isDigit(at: i) else {
      if signed { throw unexpected("a digit, 'inf' or 'nan' after the sign", at: i) }
      throw unexpectedValue(at: s)
    }

    if bytes[i] == zero, let prefix = byte(at: i + 1),
      prefix == UInt8(ascii: "x") || prefix == UInt8(ascii: "o") || prefix == UInt8(ascii: "b")
    {
      let (radix, article, name): (Int64, String, String) =
        switch prefix {
        case UInt8(ascii: "x"): (16, "a", "hexadecimal")
        case UInt8(ascii: "o"): (8, "an", "octal")
        default: (2, "a", "binary")
        }
      if signed { throw error("\(article) \(name) integer cannot have a sign", at: s) }
      i += 2
      let digitsStart = i
      let valid: (UInt8) -> Bool = { c in
        guard let digit = hexDigit(c) else { return false }
        return Int64(digit) < radix
      }
      guard i < end && valid(bytes[i]) else { throw unexpected("\(article) \(name) digit after '0\(Character(Unicode.Scalar(prefix)))'", at: i) }
      try scanDigits(valid)
      try endOfToken(s, "\(name) integer")
      var value: Int64 = 0
      for k in digitsStart..<i where bytes[k] != underscore {
        let (shifted, overflow1) = value.multipliedReportingOverflow(by: radix)
        let (sum, overflow2) = shifted.addingReportingOverflow(Int64(hexDigit(bytes[k])!))
        if overflow1 || overflow2 { throw outOfRange(s) }
        value = sum
      }
      return .integer(value)
    }

    let integerStart = i
    if bytes[i] == zero && (isDigit(at: i + 1) || byte(at: i + 1) == underscore) {
      throw error("leading zeros are not allowed in a number", at: i)
    }
    try scanDigits()
    var isFloat = false
    if byte(at: i) == dot {
      isFloat = true
      i += 1
      guard isDigit(at: i) else { throw unexpected("a digit after the decimal point", at: i) }
      try scanDigits()
    }
    if byte(at: i) == UInt8(ascii: "e") || byte(at: i) == UInt8(ascii: "E") {
      isFloat = true
      i += 1
      if byte(at: i) == plus || byte(at: i) == minus { i += 1 }
      guard isDigit(at: i) else { throw unexpected("a digit in the exponent", at: i) }
      try scanDigits()
    }
    try endOfToken(s, isFloat ? "float" : "integer")

    if isFloat {
      var text = ""
      text.reserveCapacity(i - s)
      for k in s..<i where bytes[k] != underscore { text.unicodeScalars.append(Unicode.Scalar(bytes[k])) }
      guard let value = Double(text) else { throw error("invalid float '\(string(s..<i))'", at: s) }
      return .float(value)
    }
    var value: Int64 = 0
    for k in integerStart..<i where bytes[k] != underscore {
      let digit = Int64(bytes[k] &- zero)
      let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
      let (sum, overflow2) =
        negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
      if overflow1 || overflow2 { throw outOfRange(s) }
      value = sum
    }
    return .integer(value)
  }

  func outOfRange(_ start: Int) -> TOMLError {
    var k = start
    while k < end && (isBareKeyByte(bytes[k]) || bytes[k] == plus) { k += 1 }
    return error("integer '\(string(start..<k))' does not fit in 64 bits", at: start)
  }

  // MARK: - Dates and times

  /// Exactly `count` digits, as a number.
  mutating func fixedDigits(_ count: Int, _ what: String) throws(TOMLError) -> Int {
    var value = 0
    for _ in 0..<count {
      guard isDigit(at: i) else { throw unexpected(what, at: i) }
      value = value * 10 + Int(bytes[i] &- zero)
      i += 1
    }
    return value
  }

  mutating func expect(_ c: UInt8, _ what: String) throws(TOMLError) {
    guard byte(at: i) == c else { throw unexpected(what, at: i) }
    i += 1
  }

  /// At `YYYY-`: a local date, local date-time or offset date-time.
  mutating func parseDate() throws(TOMLError) -> TOMLValue {
    let s = i
    let year = try fixedDigits(4, "a 4-digit year")
    try expect(minus, "'-' after the year")
    let monthOffset = i
    let month = try fixedDigits(2, "a 2-digit month")
    try expect(minus, "'-' after the month")
    let dayOffset = i
    let day = try fixedDigits(2, "a 2-digit day")
    guard (1...12).contains(month) else {
      throw error("invalid month \(string(monthOffset..<monthOffset + 2)) (expected 01 to 12)", at: monthOffset)
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    guard (1...days).contains(day) else {
      throw error(
        "invalid day \(string(dayOffset..<dayOffset + 2)) (\(string(s..<monthOffset + 2)) has \(days) days)",
        at: dayOffset)
    }
    if let delimiter = byte(at: i),
      delimiter == UInt8(ascii: "T") || delimiter == UInt8(ascii: "t") || (delimiter == space && isDigit(at: i + 1))
    {
      i += 1
      try parseTime(offset: true)
      try endOfToken(s, "date-time")
    } else {
      try endOfToken(s, "date")
    }
    return .datetime(string(s..<i))
  }

  /// `HH:MM:SS[.fraction]`, then (if `offset`) an optional `Z` or `±HH:MM`.
  mutating func parseTime(offset: Bool) throws(TOMLError) {
    let hourOffset = i
    let hour = try fixedDigits(2, "a 2-digit hour")
    try expect(colon, "':' after the hour")
    let minuteOffset = i
    let minute = try fixedDigits(2, "a 2-digit minute")
    try expect(colon, "':' and seconds after the minute")
    let secondOffset = i
    let second = try fixedDigits(2, "2-digit seconds")
    guard hour <= 23 else { throw error("invalid hour \(string(hourOffset..<hourOffset + 2)) (expected 00 to 23)", at: hourOffset) }
    guard minute <= 59 else {
      throw error("invalid minute \(string(minuteOffset..<minuteOffset + 2)) (expected 00 to 59)", at: minuteOffset)
    }
    guard second <= 60 else {
      throw error("invalid seconds \(string(secondOffset..<secondOffset + 2)) (expected 00 to 60)", at: secondOffset)
    }
    if byte(at: i) == dot {
      i += 1
      guard isDigit(at: i) else { throw unexpected("a digit after '.' in the seconds", at: i) }
      while isDigit(at: i) { i += 1 }
    }
    guard offset, let c = byte(at: i) else { return }
    if c == UInt8(ascii: "Z") || c == UInt8(ascii: "z") {
      i += 1
    } else if c == plus || c == minus {
      i += 1
      let offsetHour = i
      let hours = try fixedDigits(2, "a 2-digit offset hour")
      try expect(colon, "':' in the time offset")
      let offsetMinute = i
      let minutes = try fixedDigits(2, "2-digit offset minutes")
      guard hours <= 23 else { throw error("invalid offset hour \(string(offsetHour..<offsetHour + 2))", at: offsetHour) }
      guard minutes <= 59 else {
        throw error("invalid offset minutes \(string(offsetMinute..<offsetMinute + 2))", at: offsetMinute)
      }
    }
  }
}

@inline(__always) func hexDigit(_ c: UInt8) -> UInt32? {
  switch c {
  case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(c &- UInt8(ascii: "0"))
  case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(c &- UInt8(ascii: "a") + 10)
  case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(c &- UInt8(ascii: "A") + 10)
  default: nil
  }
}
