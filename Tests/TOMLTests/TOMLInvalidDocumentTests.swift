import Testing

import TOML

/// A document TOML 1.0 rejects, and exactly where and why.
struct InvalidDocument: Sendable, CustomTestStringConvertible {
  let name: String
  let bytes: [UInt8]
  let line: Int
  let column: Int
  let message: String

  init(_ name: String, _ text: String, _ line: Int, _ column: Int, _ message: String) {
    self.init(name, bytes: Array(text.utf8), line, column, message)
  }

  init(_ name: String, bytes: [UInt8], _ line: Int, _ column: Int, _ message: String) {
    self.name = name
    self.bytes = bytes
    self.line = line
    self.column = column
    self.message = message
  }

  var testDescription: String { name }
}

let invalidDocuments: [InvalidDocument] = [
  // Keys and lines
  InvalidDocument(
    "a key without '='", "title = \"x\"\n[[rules]]\nid = \"a\"\nregex '''x'''\n", 4, 7,
    "expected '=' after key 'regex', found \"'\""),
  InvalidDocument("two words as a key", "a b = 1", 1, 3, "expected '=' after key 'a', found 'b'"),
  InvalidDocument("a line starting with '='", "= 1", 1, 1, "expected a key, found '='"),
  InvalidDocument("a trailing dot in a key", "a. = 1", 1, 4, "expected a key after '.', found '='"),
  InvalidDocument("a multi-line string as a key", "\"\"\"k\"\"\" = 1", 1, 1, "a key cannot be a multi-line string"),
  InvalidDocument("a duplicate key", "id = 1\nname = 'x'\nid = 2\n", 3, 1, "duplicate key 'id' (already defined at line 1, column 1)"),
  InvalidDocument("a duplicate dotted key", "a.b = 1\na.b = 2", 2, 3, "duplicate key 'a.b'"),
  InvalidDocument("a quoted key duplicating a bare one", "spelling = 1\n\"spelling\" = 2", 2, 1, "duplicate key 'spelling'"),
  InvalidDocument("a second value on the line", "a = 1 2", 1, 7, "expected a newline after the value, found '2'"),
  InvalidDocument("text after a string", "a = 1 # ok\nb = \"x\" c", 2, 9, "expected a newline after the value, found 'c'"),
  InvalidDocument("a missing value", "a = \n", 1, 5, "expected a value (string, number, boolean, date-time, array or inline table), found end of line"),
  InvalidDocument("an unquoted word as a value", "a = yes", 1, 5, "expected a value (string, number, boolean, date-time, array or inline table), found 'yes'"),
  InvalidDocument("a boolean running into a word", "a = true1", 1, 5, "expected a value (string, number, boolean, date-time, array or inline table), found 'true1'"),
  InvalidDocument("an unquoted regex", "regex = (?i)key", 1, 9, "expected a value (string, number, boolean, date-time, array or inline table), found '('"),

  // Strings
  InvalidDocument("an unterminated string at the end of the line", "a = \"abc\nb = 1", 1, 5, "unterminated string: expected '\"' before end of line"),
  InvalidDocument("an unterminated string at the end of the file", "a = \"abc", 1, 5, "unterminated string: expected '\"' before end of file"),
  InvalidDocument("an unterminated literal string", "a = 'abc\r\n", 1, 5, "unterminated string: expected \"'\" before end of line"),
  InvalidDocument("an unterminated multi-line basic string", "a = \"\"\"abc\n\ndef\"\"", 1, 5, "unterminated multi-line string"),
  InvalidDocument("an unterminated multi-line literal string", "x = 1\ns = '''\nabc''\n", 2, 5, "unterminated multi-line string"),
  InvalidDocument("an invalid escape", "a = \"C:\\xyz\"", 1, 8, "invalid escape sequence '\\x'"),
  InvalidDocument("an escaped space in a basic string", "a = \"a\\ b\"", 1, 7, "invalid escape sequence '\\' followed by ' '"),
  InvalidDocument("a short \\u escape", "a = \"\\u12G4\"", 1, 10, "expected 4 hex digits after '\\u', found 'G'"),
  InvalidDocument("a short \\U escape", "a = \"\\U0001F60\"", 1, 15, "expected 8 hex digits after '\\U', found '\"'"),
  InvalidDocument("a surrogate escape", "a = \"\\uD800\"", 1, 6, "U+D800 is not a Unicode scalar value"),
  InvalidDocument("an escape beyond U+10FFFF", "a = \"\\U00110000\"", 1, 6, "U+110000 is not a Unicode scalar value"),
  InvalidDocument("escapes in a key are checked too", "\"k\\e\" = 1", 1, 3, "invalid escape sequence '\\e'"),
  InvalidDocument("an invalid escape on the third line of a multi-line string", "s = \"\"\"\none\ntwo \\q\"\"\"", 3, 5, "invalid escape sequence '\\q'"),
  InvalidDocument("a line-ending backslash followed by text", "a = \"\"\"x\\ y\"\"\"", 1, 9, "a '\\' followed by whitespace must be the last character on its line"),
  InvalidDocument("six quotes closing a multi-line string", "a = \"\"\"x\"\"\"\"\"\"", 1, 14, "too many quotes"),
  InvalidDocument("six apostrophes closing a multi-line literal", "a = '''x''''''", 1, 14, "too many quotes"),
  InvalidDocument("a control character in a basic string", "a = \"x\u{01}y\"", 1, 7, "control character U+0001 is not allowed in a string"),
  InvalidDocument("a control character in a literal string", "a = 'x\u{7F}'", 1, 7, "control character U+007F is not allowed in a literal string"),
  InvalidDocument("a lone carriage return in a multi-line string", "a = '''x\ry'''", 1, 9, "control character U+000D is not allowed"),
  InvalidDocument("a control character in a comment", "a = 1\n# bad \u{07} bell", 2, 7, "control character U+0007 is not allowed in a comment"),
  InvalidDocument("column counts characters, not bytes", "s = \"ключ\\q\"", 1, 10, "invalid escape sequence '\\q'"),

  // UTF-8 and line endings
  InvalidDocument("invalid UTF-8 in a string", bytes: Array("a = 1\nb = \"x".utf8) + [0xC3, 0x28] + Array("\"\n".utf8), 2, 7, "invalid UTF-8 (byte 0xC3)"),
  InvalidDocument("invalid UTF-8 in a comment", bytes: Array("a = 'é' # ".utf8) + [0xFF] + Array("\n".utf8), 1, 11, "invalid UTF-8 (byte 0xFF)"),
  InvalidDocument("an overlong UTF-8 encoding", bytes: Array("a = '".utf8) + [0xC0, 0xAF] + Array("'".utf8), 1, 6, "invalid UTF-8 (byte 0xC0)"),
  InvalidDocument("a UTF-8 encoded surrogate", bytes: Array("a = \"".utf8) + [0xED, 0xA0, 0x80] + Array("\"".utf8), 1, 6, "invalid UTF-8 (byte 0xED)"),
  InvalidDocument("a truncated UTF-8 sequence at the end", bytes: Array("# é".utf8) + [0xE2, 0x82], 1, 4, "invalid UTF-8 (byte 0xE2)"),
  InvalidDocument("invalid UTF-8 where a key belongs", bytes: [0x61, 0x20, 0x3D, 0x20, 0x31, 0x0A, 0xFF, 0x20, 0x3D, 0x20, 0x31], 2, 1, "expected a key, found invalid UTF-8 (byte 0xFF)"),
  InvalidDocument("a lone carriage return between lines", "a = 1\r\nb = 2\r", 2, 6, "carriage return must be followed by a line feed"),

  // Numbers
  InvalidDocument("a leading zero", "a = 012", 1, 5, "leading zeros are not allowed"),
  InvalidDocument("a leading zero in a float", "a = -00.5", 1, 6, "leading zeros are not allowed"),
  InvalidDocument("a double underscore", "a = 1__2", 1, 6, "'_' must be between digits"),
  InvalidDocument("a trailing underscore", "a = 1_", 1, 6, "'_' must be between digits"),
  InvalidDocument("an underscore before the decimal point", "a = 1_.5", 1, 6, "'_' must be between digits"),
  InvalidDocument("an integer above Int64.max", "a = 9223372036854775808", 1, 5, "integer '9223372036854775808' does not fit in 64 bits"),
  InvalidDocument("an integer below Int64.min", "x = [\n  -9_223_372_036_854_775_809,\n]", 2, 3, "does not fit in 64 bits"),
  InvalidDocument("a hexadecimal integer above Int64.max", "a = 0x8000000000000000", 1, 5, "does not fit in 64 bits"),
  InvalidDocument("a sign on a hexadecimal integer", "a = +0x1", 1, 5, "a hexadecimal integer cannot have a sign"),
  InvalidDocument("a hexadecimal prefix without digits", "a = 0x", 1, 7, "expected a hexadecimal digit after '0x', found end of file"),
  InvalidDocument("an octal digit out of range", "a = 0o8", 1, 7, "expected an octal digit after '0o', found '8'"),
  InvalidDocument("an uppercase radix prefix", "a = 0X1F", 1, 6, "invalid character 'X' in integer"),
  InvalidDocument("a decimal point without digits after it", "a = 1.", 1, 7, "expected a digit after the decimal point"),
  InvalidDocument("a decimal point without digits before it", "a = .5", 1, 5, "found '.5'"),
  InvalidDocument("an exponent without digits", "a = 1e", 1, 7, "expected a digit in the exponent"),
  InvalidDocument("two decimal points", "a = 1.2.3", 1, 8, "invalid character '.' in float"),
  InvalidDocument("a sign without a number", "a = - 1", 1, 6, "expected a digit, 'inf' or 'nan' after the sign"),
  InvalidDocument("capitalised infinity", "a = Inf", 1, 5, "found 'Inf'"),

  // Dates and times
  InvalidDocument("a thirteenth month", "a = 1979-13-01", 1, 10, "invalid month 13"),
  InvalidDocument("the 29th of February in a common year", "a = 2023-02-29", 1, 13, "invalid day 29 (2023-02 has 28 days)"),
  InvalidDocument("a time without seconds", "t = 07:32", 1, 10, "expected ':' and seconds after the minute"),
  InvalidDocument("an hour of 24", "t = 1979-05-27T24:00:00", 1, 16, "invalid hour 24"),
  InvalidDocument("an offset on a local time", "t = 07:32:00Z", 1, 13, "invalid character 'Z' in time"),
  InvalidDocument("a fraction without digits", "t = 07:32:00.", 1, 14, "expected a digit after '.' in the seconds"),
  InvalidDocument("a one-digit day", "d = 1979-05-7", 1, 14, "expected a 2-digit day"),

  // Arrays and inline tables
  InvalidDocument("a missing comma in an array", "a = [1 2]", 1, 8, "expected ',' or ']' after array element, found '2'"),
  InvalidDocument("two commas in an array", "a = [1,,2]", 1, 8, "expected a value (string, number, boolean, date-time, array or inline table), found ','"),
  InvalidDocument("an unterminated array", "a = [1, 2\n\n", 1, 5, "unterminated array: expected ']'"),
  InvalidDocument("a trailing comma in an inline table", "a = {x = 1,}", 1, 12, "no trailing comma is allowed in an inline table"),
  InvalidDocument("a newline in an inline table", "a = {x = 1,\ny = 2}", 1, 12, "an inline table must be on one line"),
  InvalidDocument("a missing comma in an inline table", "a = {x = 1 y = 2}", 1, 12, "expected ',' or '}' after inline table entry, found 'y'"),
  InvalidDocument("a duplicate key in an inline table", "a = {b = 1, b = 2}", 1, 13, "duplicate key 'b'"),
  InvalidDocument("an unterminated inline table", "a = {b = 1", 1, 5, "unterminated inline table"),
  InvalidDocument("nesting beyond the limit", "a = " + String(repeating: "[", count: 200), 1, 133, "nested too deeply"),
  InvalidDocument("a dotted key nesting beyond the limit", String(repeating: "k.", count: 200) + "k = 1", 1, 257, "tables are nested too deeply"),

  // Tables and redefinitions
  InvalidDocument("a table header without ']'", "[a\nb = 1", 1, 3, "expected ']' after table name 'a', found end of line"),
  InvalidDocument("an array of tables header without ']]'", "[[a]\n", 1, 5, "expected ']]' after array of tables name 'a', found end of line"),
  InvalidDocument("an empty table name", "[]", 1, 2, "expected a table name, found ']'"),
  InvalidDocument("text after a table header", "[a] b = 1", 1, 5, "expected a newline after the table header, found 'b'"),
  InvalidDocument("a table defined twice", "[a]\nx = 1\n[a]\n", 3, 2, "duplicate table 'a' (already defined at line 1, column 1)"),
  InvalidDocument("a super-table defined twice", "[a.b]\n[a]\n[a]\n", 3, 2, "duplicate table 'a'"),
  InvalidDocument("a header redefining a dotted-key table", "[fruit]\napple.color = 'red'\n[fruit.apple]\n", 3, 8, "cannot define table 'fruit.apple': it is already defined by dotted keys at line 2, column 1"),
  InvalidDocument("a dotted key extending a table defined by a header", "[a.b]\nx = 1\n[a]\nb.y = 2\n", 4, 1, "cannot add keys to table 'a.b' with a dotted key: it is defined by its header at line 1, column 1"),
  InvalidDocument("a header for a key that holds an inline table", "a = {x = 1}\n[a]\n", 2, 2, "cannot define table 'a': it is already an inline table"),
  InvalidDocument("a header below an inline table", "a = {x = 1}\n[a.b]\n", 2, 2, "'a' is an inline table"),
  InvalidDocument("a dotted key extending an inline table", "a = {x = 1}\na.y = 2\n", 2, 1, "cannot add keys to inline table 'a'"),
  InvalidDocument("an inline table extended inside another", "t = { a = {}, a.b = 1 }", 1, 15, "cannot add keys to inline table 'a'"),
  InvalidDocument("appending to a static array", "a = [1]\n[[a]]\n", 2, 3, "cannot append to static array 'a'"),
  InvalidDocument("a header below a static array", "a = [{}]\n[a.b]\n", 2, 2, "'a' is a static array"),
  InvalidDocument("an array of tables over a table", "[a]\n[[a]]\n", 2, 3, "cannot define array of tables 'a': it is already a table"),
  InvalidDocument("a table over an array of tables", "[[rules]]\nid = 'a'\n[rules]\n", 3, 2, "cannot define table 'rules': it is already an array of tables (defined at line 1, column 1)"),
  InvalidDocument("a header over a scalar", "[a]\nb = 1\n[a.b]\n", 3, 4, "cannot define table 'a.b': it is already defined as integer at line 2, column 1"),
  InvalidDocument("a header through a scalar", "a = 1\n[a.b]\n", 2, 2, "'a' is already defined as integer"),
  InvalidDocument("a dotted key through a scalar", "a = 1\na.b = 2", 2, 1, "cannot use 'a' as a table: it is already defined as integer"),
]

@Suite struct TOMLInvalidDocumentTests {
  @Test("invalid documents fail at the offending character, saying what was expected", arguments: invalidDocuments)
  func invalid(document: InvalidDocument) {
    guard let error = parseError(bytes: document.bytes) else {
      Issue.record("parsed without error")
      return
    }
    #expect(error.line == document.line, "\(error)")
    #expect(error.column == document.column, "\(error)")
    #expect(error.message.contains(document.message), "\(error)")
    #expect(error.description == "line \(error.line), column \(error.column): \(error.message)")
  }

  @Test("a dotted key cannot reach into an array of tables")
  func dottedIntoArrayOfTables() {
    // The root cannot be reopened, so reach an array of tables through an implicit table.
    let error = parseError("[x.a]\n[[x.b]]\n[x]\nb.c = 1\n")
    #expect(error?.position == pos(4, 1))
    #expect(error?.message.contains("cannot add keys to 'x.b' with a dotted key: it is an array of tables") == true)
  }

  @Test("messages quote keys that are not bare")
  func quotedKeysInMessages() {
    let error = parseError("\"a b\".c = 1\n\"a b\".c = 2\n")
    #expect(error?.message == "duplicate key '\"a b\".c' (already defined at line 1, column 7)")
  }
}
