import Testing

@testable import TOML

@Suite struct TOMLParserTests {
  @Test("scalars of every kind")
  func scalars() throws {
    let table = try TOMLParser.parse("""
      s = "a\\tb\\u00e9\\U0001F600"
      l = 'C:\\path'
      i = -1_000
      h = 0xff
      o = 0o17
      b = 0b101
      f = 6.626e-34
      inf = -inf
      t = true
      d = 1979-05-27T07:32:00-08:00
      ld = 1979-05-27
      lt = 07:32:00.5
      sp = 1979-05-27 07:32:00
      """)
    #expect(table["s"]?.stringValue == "a\tbé😀")
    #expect(table["l"]?.stringValue == "C:\\path")
    #expect(table["i"]?.integerValue == -1000)
    #expect(table["h"]?.integerValue == 255)
    #expect(table["o"]?.integerValue == 15)
    #expect(table["b"]?.integerValue == 5)
    #expect(table["f"]?.doubleValue == 6.626e-34)
    #expect(table["inf"]?.doubleValue == -.infinity)
    #expect(table["t"]?.boolValue == true)
    if case .datetime(let raw)? = table["d"]?.value { #expect(raw == "1979-05-27T07:32:00-08:00") } else { Issue.record("d") }
    if case .datetime? = table["ld"]?.value {} else { Issue.record("ld") }
    if case .datetime? = table["lt"]?.value {} else { Issue.record("lt") }
    if case .datetime? = table["sp"]?.value {} else { Issue.record("sp") }
  }

  @Test("multi-line strings: first newline trimmed, line-ending backslash, quotes before the delimiter")
  func multiline() throws {
    let table = try TOMLParser.parse("a = \"\"\"\nline1\nline2 \\\n    continued\"\"\"\nb = '''\n\\raw'''\nc = \"\"\"\"quoted\"\"\"\"\nd = ''''x'''''\n")
    #expect(table["a"]?.stringValue == "line1\nline2 continued")
    #expect(table["b"]?.stringValue == "\\raw")
    #expect(table["c"]?.stringValue == "\"quoted\"")
    #expect(table["d"]?.stringValue == "'x''")
  }

  @Test("dotted keys, tables, arrays of tables with sub-tables, and positions")
  func structure() throws {
    let table = try TOMLParser.parse("""
      a.b = 1
      [x]
      y = [1, "two",
        # comment
        3,]
      [[fruits]]
      name = "apple"
      [fruits.physical]
      color = "red"
      [[fruits]]
      name = "banana"
      """)
    #expect(table["a"]?.tableValue?["b"]?.integerValue == 1)
    #expect(table["x"]?.tableValue?["y"]?.arrayValue?.count == 3)
    let fruits = try #require(table["fruits"]?.arrayValue)
    #expect(fruits.count == 2)
    #expect(fruits[0].tableValue?["physical"]?.tableValue?["color"]?.stringValue == "red")
    #expect(fruits[1].position == TOMLPosition(line: 10, column: 1))
    let entry = try #require(fruits[1].tableValue?.entries.first)
    #expect(entry.keyPosition == TOMLPosition(line: 11, column: 1))
    #expect(entry.node.position == TOMLPosition(line: 11, column: 8))
  }

  @Test("inline tables, with a multi-line string inside")
  func inlineTables() throws {
    let table = try TOMLParser.parse("e = [\n  { text = '''a\nb''', secret = \"x\" },\n]\n")
    let first = try #require(table["e"]?.arrayValue?.first?.tableValue)
    #expect(first["text"]?.stringValue == "a\nb")
    #expect(first["secret"]?.stringValue == "x")
  }

  @Test("columns count characters, not bytes")
  func columns() throws {
    let table = try TOMLParser.parse("k = \"ключ\" # ok\n")
    #expect(table.entries[0].node.position.column == 5)
    do {
      _ = try TOMLParser.parse("k = \"ключ\" x\n")
    } catch {
      #expect(error.column == 12)
    }
  }

  @Test("invalid documents report line, column and reason", arguments: [
    ("a = ", 1, 5, "expected a value"),
    ("a = 1\na = 2", 2, 1, "duplicate key 'a'"),
    ("[t]\n[t]", 2, 1, "defined more than once"),
    ("a = \"x", 1, 7, "unterminated string"),
    ("a = \"\\q\"", 1, 6, "invalid escape"),
    ("a = 01", 1, 5, "invalid value '01'"),
    ("a = 1__0", 1, 5, "invalid value"),
    ("a = 9223372036854775808", 1, 5, "invalid value"),
    ("a = {b = 1,}", 1, 12, "trailing comma"),
    ("a = {b = 1\n}", 1, 11, "inline tables stay on one line"),
    ("a = [1 2]", 1, 8, "expected ',' or ']'"),
    ("a = true x", 1, 10, "expected the end of the line"),
    ("a = {b=1}\n[a]", 2, 1, "already an inline table"),
    ("a = [1]\n[[a]]", 2, 1, "cannot define 'a' as an array of tables"),
    ("[a]\nb = 1\n[a.b]", 3, 1, "cannot define table 'a.b'"),
    ("[a.b]\n[a]\nb.c = 1", 3, 1, "cannot add keys to 'b'"),
    ("a = '''x", 1, 5, "unterminated multi-line string"),
    ("a = \"\"\"x\"\"\"\"\"\"", 1, 15, "too many quotes"),
    ("= 1", 1, 1, "expected a key"),
    ("a = \"x\u{01}\"", 1, 7, "control character"),
    ("a = 1979-13-01", 1, 5, "invalid value"),
    ("a = 25:00:00", 1, 5, "invalid value"),
    ("a.\"\"\"b\"\"\" = 1", 1, 3, "multi-line string"),
    ("[a\nb = 1", 1, 3, "expected ']'"),
    ("a = 1\r", 1, 6, "carriage return"),
    ("a = nope", 1, 5, "invalid value"),
  ])
  func invalid(_ document: String, _ line: Int, _ column: Int, _ message: String) {
    do {
      _ = try TOMLParser.parse(document)
      Issue.record("parsed: \(document)")
    } catch {
      #expect(error.line == line, "\(error)")
      #expect(error.column == column, "\(error)")
      #expect(error.message.contains(message), "\(error)")
    }
  }

  @Test("invalid UTF-8 is an error at its position")
  func invalidUTF8() {
    do {
      _ = try TOMLParser.parse([0x61, 0x20, 0x3D, 0x20, 0x22, 0xFF, 0x22] as [UInt8])
      Issue.record("parsed")
    } catch {
      #expect(error.line == 1 && error.column == 6)
      #expect(error.message == "invalid UTF-8")
    }
  }

  @Test("a 200 KB rule document parses")
  func large() throws {
    var text = ""
    for index in 0..<1500 {
      text += "[[rules]]\nid = \"rule-\(index)\"\nregex = '''\\b(tok\(index)_[a-z0-9]{32})\\b'''\nkeywords = [\"tok\(index)_\"]\nexamples = [{ text = '''k=tok_abc''', secret = \"x\" }]\n"
    }
    #expect(text.utf8.count > 150_000)
    let table = try TOMLParser.parse(text)
    #expect(table["rules"]?.arrayValue?.count == 1500)
  }
}
