import Testing

import TOML

/// The error a document fails with, or `nil` if it parses.
func parseError(_ text: String) -> TOMLError? {
  do {
    _ = try TOMLParser.parse(text)
    return nil
  } catch {
    return error
  }
}

func parseError(bytes: [UInt8]) -> TOMLError? {
  do {
    _ = try TOMLParser.parse(bytes)
    return nil
  } catch {
    return error
  }
}

func pos(_ line: Int, _ column: Int) -> TOMLPosition { TOMLPosition(line: line, column: column) }

@Suite struct TOMLValueTests {
  @Test("every kind of value parses, with its type name")
  func valueKinds() throws {
    let table = try TOMLParser.parse(
      """
      s = "text"
      i = 42
      f = 1.5
      b = true
      d = 1979-05-27T07:32:00Z
      a = [1, 2]
      t = { x = 1 }
      """)
    #expect(table["s"]?.stringValue == "text")
    #expect(table["i"]?.integerValue == 42)
    #expect(table["f"]?.doubleValue == 1.5)
    #expect(table["b"]?.boolValue == true)
    #expect(table["d"]?.datetimeValue == "1979-05-27T07:32:00Z")
    #expect(table["a"]?.arrayValue?.map(\.integerValue) == [1, 2])
    #expect(table["t"]?.tableValue?["x"]?.integerValue == 1)
    #expect(table.keys.map { table[$0]!.typeName } == ["string", "integer", "float", "boolean", "datetime", "array", "table"])
    #expect(table.keys == ["s", "i", "f", "b", "d", "a", "t"])
  }

  @Test("conveniences return nil for other types; doubleValue accepts integers")
  func conveniences() throws {
    let table = try TOMLParser.parse("i = 3\ns = 'x'\nf = false\n")
    #expect(table["i"]?.doubleValue == 3.0)
    #expect(table["i"]?.stringValue == nil)
    #expect(table["s"]?.integerValue == nil)
    #expect(table["s"]?.doubleValue == nil)
    #expect(table["f"]?.boolValue == false)
    #expect(table["f"]?.arrayValue == nil)
    #expect(table["f"]?.tableValue == nil)
    #expect(table["missing"] == nil)
    #expect(table.keyPosition("s") == pos(2, 1))
  }

  @Test(
    "each basic string escape decodes",
    arguments: [
      (#"\b"#, "\u{08}"), (#"\t"#, "\t"), (#"\n"#, "\n"), (#"\f"#, "\u{0C}"), (#"\r"#, "\r"),
      (#"\""#, "\""), (#"\\"#, "\\"), (#"\u00E9"#, "é"), (#"\u00e9"#, "é"), (#"\U0001F600"#, "😀"),
      (#"\u0000"#, "\u{0}"), (#"a\tb\\c\"d"#, "a\tb\\c\"d"),
    ])
  func escapes(escaped: String, expected: String) throws {
    let table = try TOMLParser.parse("s = \"\(escaped)\"\nm = \"\"\"\(escaped)\"\"\"\nk = { \"\(escaped)\" = 1 }")
    #expect(table["s"]?.stringValue == expected)
    #expect(table["m"]?.stringValue == expected)
    #expect(table["k"]?.tableValue?.keys == [expected])
  }

  @Test("literal strings keep backslashes and quotes verbatim; UTF-8 passes through")
  func literalStrings() throws {
    let table = try TOMLParser.parse(
      #"""
      path = 'C:\Users\nodejs\templates'
      quoted = 'Tom "Dubs" Preston-Werner'
      regex = '<\i\c*\s*>'
      empty = ''
      unicode = "ключ — 鍵 😀"
      tabbed = 'a	b'
      """#)
    #expect(table["path"]?.stringValue == #"C:\Users\nodejs\templates"#)
    #expect(table["quoted"]?.stringValue == #"Tom "Dubs" Preston-Werner"#)
    #expect(table["regex"]?.stringValue == #"<\i\c*\s*>"#)
    #expect(table["empty"]?.stringValue == "")
    #expect(table["unicode"]?.stringValue == "ключ — 鍵 😀")
    #expect(table["tabbed"]?.stringValue == "a\tb")
  }

  @Test(
    "multi-line strings: first newline trimmed, line-ending backslash, quotes before the delimiter",
    arguments: [
      ("\"\"\"\nRoses\nViolets\"\"\"", "Roses\nViolets"),
      ("\"\"\"\r\nRoses\r\nViolets\"\"\"", "Roses\nViolets"),
      ("\"\"\"\n\nx\"\"\"", "\nx"),
      ("\"\"\"no newline\"\"\"", "no newline"),
      ("\"\"\"\nThe quick \\\n\n\n  brown \\\n  fox.\"\"\"", "The quick brown fox."),
      ("\"\"\"\\\n  trimmed \\   \n  \t  end\\\n\"\"\"", "trimmed end"),
      ("\"\"\"a \\\r\n   b\"\"\"", "a b"),
      ("\"\"\"\"a\"\"\"\"", "\"a\""),
      ("\"\"\"\"\"a\"\"\"\"\"", "\"\"a\"\""),
      ("\"\"\"a\"\"b\"\"\"", "a\"\"b"),
      ("\"\"\"\"\"\"", ""),
      ("\"\"\"tab\there \\t\"\"\"", "tab\there \t"),
      ("'''\nraw \\n text\n'''", "raw \\n text\n"),
      ("'''\r\nfirst\r\nsecond'''", "first\nsecond"),
      ("''''a''''", "'a'"),
      ("'''''a'''''", "''a''"),
      ("'''a''b'''", "a''b"),
      ("'''\n-----BEGIN X-----\nabc\n-----END X-----'''", "-----BEGIN X-----\nabc\n-----END X-----"),
    ])
  func multiline(document: String, expected: String) throws {
    let table = try TOMLParser.parse("s = \(document)\nafter = 1\n")
    #expect(table["s"]?.stringValue == expected)
    #expect(table["after"]?.integerValue == 1)
  }

  @Test(
    "integers: decimal, underscores, signs, hexadecimal, octal, binary and the 64-bit extremes",
    arguments: [
      ("42", 42), ("+17", 17), ("-17", -17), ("0", 0), ("+0", 0), ("-0", 0), ("1_000", 1000),
      ("5_349_221", 5_349_221), ("1_2_3_4_5", 12345), ("0xDEADBEEF", 0xDEAD_BEEF), ("0xdead_beef", 0xDEAD_BEEF),
      ("0x00ff", 255), ("0o755", 0o755), ("0o0_1", 1), ("0b1101_0110", 0b1101_0110), ("0b0", 0),
      ("9223372036854775807", Int64.max), ("-9223372036854775808", Int64.min),
      ("0x7FFFFFFFFFFFFFFF", Int64.max), ("0o777777777777777777777", Int64.max),
    ] as [(String, Int64)])
  func integers(text: String, expected: Int64) throws {
    let table = try TOMLParser.parse("n = \(text)\narray = [\(text), \(text)]")
    #expect(table["n"]?.integerValue == expected)
    #expect(table["array"]?.arrayValue?.map(\.integerValue) == [expected, expected])
  }

  @Test(
    "floats: fraction, exponent, underscores, signs, infinity",
    arguments: [
      ("+1.0", 1.0), ("3.1415", 3.1415), ("-0.01", -0.01), ("5e+22", 5e22), ("1e06", 1e6), ("-2E-2", -0.02),
      ("6.626e-34", 6.626e-34), ("224_617.445_991_228", 224_617.445_991_228), ("1e1_0", 1e10),
      ("0.0", 0.0), ("-0.0", -0.0), ("0e0", 0), ("1_0.0_1e0_1", 100.1), ("inf", .infinity), ("+inf", .infinity),
      ("-inf", -.infinity),
    ] as [(String, Double)])
  func floats(text: String, expected: Double) throws {
    let table = try TOMLParser.parse("x = \(text)")
    guard case .float(let value)? = table["x"]?.value else {
      Issue.record("not a float: \(String(describing: table["x"]?.typeName))")
      return
    }
    #expect(value == expected)
  }

  @Test("nan with and without a sign is a float")
  func notANumber() throws {
    let table = try TOMLParser.parse("a = nan\nb = +nan\nc = -nan\nd = [nan]")
    for key in ["a", "b", "c"] { #expect(table[key]?.doubleValue?.isNaN == true) }
    #expect(table["d"]?.arrayValue?.first?.doubleValue?.isNaN == true)
  }

  @Test(
    "dates and times of every kind are validated and kept as written",
    arguments: [
      "1979-05-27T07:32:00Z", "1979-05-27T00:32:00-07:00", "1979-05-27T00:32:00.999999-07:00",
      "1979-05-27 07:32:00Z", "1979-05-27t07:32:00z", "1979-05-27T07:32:00", "1979-05-27T00:32:00.999999",
      "1979-05-27", "07:32:00", "00:32:00.999999", "2000-02-29", "2024-12-31T23:59:60+14:00",
    ])
  func datetimes(text: String) throws {
    let table = try TOMLParser.parse("d = \(text) # comment\nlist = [\(text),\(text)]")
    #expect(table["d"]?.datetimeValue == text)
    #expect(table["d"]?.typeName == "datetime")
    #expect(table["list"]?.arrayValue?.map(\.datetimeValue) == [text, text])
  }

  @Test("booleans and a date followed by a comment")
  func booleans() throws {
    let table = try TOMLParser.parse("t = true\nf = false#c\nd = 1979-05-27 # a date, not a date-time\n")
    #expect(table["t"]?.boolValue == true)
    #expect(table["f"]?.boolValue == false)
    #expect(table["d"]?.datetimeValue == "1979-05-27")
  }
}

@Suite struct TOMLStructureTests {
  @Test("bare, quoted and dotted keys; whitespace around dots")
  func keys() throws {
    let table = try TOMLParser.parse(
      #"""
      bare_key-1 = 1
      1234 = 2
      "127.0.0.1" = 3
      "ʎǝʞ" = 4
      'key "two"' = 5
      "" = 6
      name.first = "a"
      name . last = "b"
      site."google.com" = true
      3.14159 = "pi"
      """#)
    #expect(table["bare_key-1"]?.integerValue == 1)
    #expect(table["1234"]?.integerValue == 2)
    #expect(table["127.0.0.1"]?.integerValue == 3)
    #expect(table["ʎǝʞ"]?.integerValue == 4)
    #expect(table["key \"two\""]?.integerValue == 5)
    #expect(table[""]?.integerValue == 6)
    let name = try #require(table["name"]?.tableValue)
    #expect(name.keys == ["first", "last"])
    #expect(name.position == pos(7, 1))
    #expect(table["site"]?.tableValue?["google.com"]?.boolValue == true)
    #expect(table["3"]?.tableValue?["14159"]?.stringValue == "pi")
  }

  @Test("dotted keys extend their own tables, and headers may add sub-tables below them")
  func dottedTables() throws {
    let table = try TOMLParser.parse(
      """
      [fruit]
      apple.color = "red"
      apple.taste.sweet = true
      orange.type = "citrus"

      [fruit.apple.texture]
      smooth = true
      """)
    let apple = try #require(table["fruit"]?.tableValue?["apple"]?.tableValue)
    #expect(apple.keys == ["color", "taste", "texture"])
    #expect(apple["taste"]?.tableValue?["sweet"]?.boolValue == true)
    #expect(apple["texture"]?.tableValue?["smooth"]?.boolValue == true)
    #expect(apple["texture"]?.position == pos(6, 1))
  }

  @Test("super-tables created by a header can be defined later, once")
  func implicitTables() throws {
    let table = try TOMLParser.parse("[x.y.z.w]\na = 1\n[x]\nb = 2\n[x.y]\nc = 3\n")
    let x = try #require(table["x"]?.tableValue)
    #expect(x.keys == ["y", "b"])
    #expect(x.position == pos(3, 1))
    #expect(x["y"]?.tableValue?.keys == ["z", "c"])
    #expect(x["y"]?.tableValue?["z"]?.tableValue?["w"]?.tableValue?["a"]?.integerValue == 1)
  }

  @Test("arrays: mixed types, nesting, newlines, comments and a trailing comma")
  func arrays() throws {
    let table = try TOMLParser.parse(
      """
      empty = []
      mixed = [ 1, 2.0, "three", 'four', true, 1979-05-27, [5], { six = 6 } ]
      nested = [ [ 1, 2 ], ["a", "b"] ]
      multi = [
        "a", # first
        # a comment line

        "b",
      ]
      crlf = [\r\n  1,\r\n  2,\r\n]
      """)
    #expect(table["empty"]?.arrayValue?.isEmpty == true)
    let mixed = try #require(table["mixed"]?.arrayValue)
    #expect(mixed.map(\.typeName) == ["integer", "float", "string", "string", "boolean", "datetime", "array", "table"])
    #expect(mixed[7].tableValue?["six"]?.integerValue == 6)
    #expect(table["nested"]?.arrayValue?[1].arrayValue?.map(\.stringValue) == ["a", "b"])
    let multi = try #require(table["multi"]?.arrayValue)
    #expect(multi.map(\.stringValue) == ["a", "b"])
    #expect(multi.map(\.position) == [pos(5, 3), pos(8, 3)])
    #expect(table["crlf"]?.arrayValue?.map(\.integerValue) == [1, 2])
  }

  @Test("inline tables: nested, dotted keys, arrays across lines, multi-line strings inside")
  func inlineTables() throws {
    let table = try TOMLParser.parse(
      """
      name = { first = "Tom", last = "Preston-Werner" }
      point = {x=1,y=2}
      animal = { type.name = "pug", type.size = "small" }
      empty = {}
      nested = { a = { b = { c = 1 } } }
      list = { values = [
        1,
        2,
      ] }
      text = { body = '''
      line one
      line two''', after = 1 }
      """)
    #expect(table["name"]?.tableValue?.keys == ["first", "last"])
    #expect(table["point"]?.tableValue?["y"]?.integerValue == 2)
    #expect(table["animal"]?.tableValue?["type"]?.tableValue?.keys == ["name", "size"])
    #expect(table["empty"]?.tableValue?.isEmpty == true)
    #expect(table["nested"]?.tableValue?["a"]?.tableValue?["b"]?.tableValue?["c"]?.integerValue == 1)
    #expect(table["list"]?.tableValue?["values"]?.arrayValue?.count == 2)
    #expect(table["text"]?.tableValue?["body"]?.stringValue == "line one\nline two")
    #expect(table["text"]?.tableValue?.keyPosition("after") == pos(12, 14))
    #expect(table["point"]?.tableValue?.position == pos(2, 9))
  }

  @Test("arrays of tables: sub-tables and nested arrays attach to the last element")
  func arraysOfTables() throws {
    let table = try TOMLParser.parse(
      """
      [[fruits]]
      name = "apple"

      [fruits.physical]  # subtable
      color = "red"
      shape = "round"

      [[fruits.varieties]]  # nested array of tables
      name = "red delicious"

      [[fruits.varieties]]
      name = "granny smith"

      [[fruits]]
      name = "banana"

      [[fruits.varieties]]
      name = "plantain"

      [fruits.physical]
      color = "yellow"
      """)
    let fruits = try #require(table["fruits"]?.arrayValue)
    #expect(fruits.count == 2)
    #expect(table["fruits"]?.position == pos(1, 1))
    #expect(fruits.map(\.position) == [pos(1, 1), pos(14, 1)])
    let apple = try #require(fruits[0].tableValue)
    #expect(apple.keys == ["name", "physical", "varieties"])
    #expect(apple["physical"]?.tableValue?["shape"]?.stringValue == "round")
    #expect(apple["varieties"]?.arrayValue?.compactMap { $0.tableValue?["name"]?.stringValue } == ["red delicious", "granny smith"])
    #expect(apple["varieties"]?.arrayValue?.map(\.position) == [pos(8, 1), pos(11, 1)])
    let banana = try #require(fruits[1].tableValue)
    #expect(banana.keys == ["name", "varieties", "physical"])
    #expect(banana["varieties"]?.arrayValue?.count == 1)
    #expect(banana["physical"]?.tableValue?["color"]?.stringValue == "yellow")
    #expect(banana["physical"]?.tableValue?.position == pos(20, 1))
  }

  @Test("empty arrays of tables and a table after an array element's sub-table")
  func emptyElements() throws {
    let table = try TOMLParser.parse("[[a]]\n[[a]]\n[[a.b]]\n[a.b.c]\nd = 1\n")
    let elements = try #require(table["a"]?.arrayValue)
    #expect(elements.count == 2)
    #expect(elements[0].tableValue?.isEmpty == true)
    #expect(elements[1].tableValue?["b"]?.arrayValue?.first?.tableValue?["c"]?.tableValue?["d"]?.integerValue == 1)
  }

  @Test("comments, blank lines, CRLF line endings, a byte order mark and an empty document")
  func trivia() throws {
    #expect(try TOMLParser.parse("").isEmpty)
    #expect(try TOMLParser.parse("# only a comment").isEmpty)
    #expect(try TOMLParser.parse("\n\n  \t\n# c\r\n").isEmpty)
    let crlf = try TOMLParser.parse("a = 1\r\n# comment\r\n[t]\r\nb = 'x' # trailing\r\n")
    #expect(crlf["t"]?.tableValue?["b"]?.stringValue == "x")
    #expect(crlf["t"]?.tableValue?.keyPosition("b") == pos(4, 1))
    let bom = try TOMLParser.parse([0xEF, 0xBB, 0xBF] + Array("key = 'v'\n[t]\n".utf8))
    #expect(bom["key"]?.stringValue == "v")
    #expect(bom.keyPosition("key") == pos(1, 1))
    #expect(bom["key"]?.position == pos(1, 7))
    #expect(bom["t"]?.position == pos(2, 1))
  }

  @Test("bytes, slices, non-contiguous collections and strings parse the same")
  func inputs() throws {
    let text = "a = \"é\"\n[t]\nb = [1, 2]\n"
    let bytes = Array(text.utf8)
    let fromString = try TOMLParser.parse(text)
    let fromBytes = try TOMLParser.parse(bytes)
    let fromSlice = try TOMLParser.parse(([0x20] + bytes)[1...])
    let fromUTF8View = try TOMLParser.parse(text.utf8)
    let fromLazy = try TOMLParser.parse(bytes.lazy.map { $0 })
    for table in [fromString, fromBytes, fromSlice, fromUTF8View, fromLazy] {
      #expect(table["a"]?.stringValue == "é")
      #expect(table["t"]?.tableValue?["b"]?.position == pos(3, 5))
    }
  }
}

@Suite struct TOMLPositionTests {
  @Test("keys, values and tables carry their positions; columns count Unicode scalars")
  func positions() throws {
    let table = try TOMLParser.parse(
      """
      title = "x"

      [server]
        host = "h"
        ports = [ 8000, 8001 ]
        "ключ" = "значение"
      x = 1
      """)
    #expect(table.position == pos(1, 1))
    #expect(table.keyPosition("title") == pos(1, 1))
    #expect(table["title"]?.position == pos(1, 9))
    let server = try #require(table["server"]?.tableValue)
    #expect(table.keyPosition("server") == pos(3, 2))
    #expect(table["server"]?.position == pos(3, 1))
    #expect(server.position == pos(3, 1))
    #expect(server.keyPosition("host") == pos(4, 3))
    #expect(server["host"]?.position == pos(4, 10))
    #expect(server["ports"]?.position == pos(5, 11))
    #expect(server["ports"]?.arrayValue?.map(\.position) == [pos(5, 13), pos(5, 19)])
    #expect(server.keyPosition("ключ") == pos(6, 3))
    #expect(server["ключ"]?.position == pos(6, 12))
    #expect(server.keyPosition("x") == pos(7, 1))
  }

  @Test("positions after multi-line strings and inside dotted keys and inline tables")
  func positionsAfterMultilineValues() throws {
    let table = try TOMLParser.parse(
      "a = \"\"\"\none\ntwo\"\"\"\nb.c.d = 1\ne = { f = { g = 2 } }\nh = '''x\r\ny'''\ni = 1\n")
    #expect(table.keyPosition("b") == pos(4, 1))
    let b = try #require(table["b"]?.tableValue)
    #expect(b.position == pos(4, 1))
    #expect(b.keyPosition("c") == pos(4, 3))
    #expect(b["c"]?.tableValue?.keyPosition("d") == pos(4, 5))
    #expect(b["c"]?.tableValue?["d"]?.position == pos(4, 9))
    let e = try #require(table["e"]?.tableValue)
    #expect(e.position == pos(5, 5))
    #expect(e.keyPosition("f") == pos(5, 7))
    #expect(e["f"]?.position == pos(5, 11))
    #expect(e["f"]?.tableValue?["g"]?.position == pos(5, 17))
    #expect(table.keyPosition("i") == pos(8, 1))
    #expect(table["h"]?.stringValue == "x\ny")
  }
}
