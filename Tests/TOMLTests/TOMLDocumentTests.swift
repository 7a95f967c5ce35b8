import Testing

import TOML

/// A rule pack in gitleaks' schema, repeated until it is at least `minimumBytes` long.
func generatedRuleDocument(minimumBytes: Int) -> (text: String, rules: Int) {
  var text = "# Generated rule pack\ntitle = \"generated\"\n\n[extend]\nuseDefault = false\n\n"
  var rules = 0
  while text.utf8.count < minimumBytes {
    let id = "provider-\(rules)-api-token"
    text += """
      [[rules]]
      id = "\(id)"
      description = "Provider \(rules) API token (\\"quoted\\" \\u00e9)"
      regex = '''(?i)\\b(p\(rules)_[a-z0-9]{32})(?:['"\\s;]|$)'''
      secretGroup = 1
      entropy = 3.5
      keywords = ["p\(rules)_", "provider\(rules)"]
      tags = ["provider", "api-token", "env:PROVIDER_\(rules)_TOKEN"]
      examples = [
        { text = '''TOKEN=p\(rules)_0123456789abcdef0123456789abcdef''', secret = "p\(rules)_0123456789abcdef0123456789abcdef" },
        { text = '''-----BEGIN KEY-----
      p\(rules)_fedcba9876543210fedcba9876543210
      -----END KEY-----''', secret = "p\(rules)_fedcba9876543210fedcba9876543210" },
      ]
      negatives = [
        '''TOKEN=p\(rules)_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx''',  # placeholder
        "TOKEN=hush://\(id)",
      ]
      [[rules.allowlists]]
      regexTarget = "line"
      regexes = ['''^#''', '''example\\.com''']
      stopwords = ["sandbox", "test"]


      """
    rules += 1
  }
  text += "[allowlist]\npaths = ['''(^|/)vendor/''', '''\\.lock$''']\n"
  return (text, rules)
}

@Suite struct TOMLDocumentTests {
  static let gitleaksStyle = """
    title = "x"
    [extend]
    useDefault = true
    [[rules]]
    id = "a"
    regex = '''(?i)\\b(ak_[a-z0-9]{32})\\b'''
    secretGroup = 1
    entropy = 3.5
    keywords = ["ak_"]
    examples = [
      { text = '''KEY=ak_0123''', secret = "ak_0123" },
      { text = '''-----BEGIN X-----
    abc
    -----END X-----''', secret = "x" },
    ]
    [[rules.allowlists]]
    regexTarget = "line"
    regexes = ['''^#''']
    [allowlist]
    paths = ['''(^|/)vendor/''']
    """

  @Test("a gitleaks-style rule file parses, with the positions the rule loader reports")
  func gitleaksStyle() throws {
    let document = try TOMLParser.parse(Self.gitleaksStyle)
    #expect(document.keys == ["title", "extend", "rules", "allowlist"])
    #expect(document["title"]?.stringValue == "x")
    #expect(document["extend"]?.tableValue?["useDefault"]?.boolValue == true)
    #expect(document["extend"]?.position == pos(2, 1))

    let rules = try #require(document["rules"]?.arrayValue)
    #expect(rules.count == 1)
    #expect(document["rules"]?.position == pos(4, 1))
    #expect(document.keyPosition("rules") == pos(4, 3))
    let rule = try #require(rules[0].tableValue)
    #expect(rule.position == pos(4, 1))
    #expect(rule.keys == ["id", "regex", "secretGroup", "entropy", "keywords", "examples", "allowlists"])
    #expect(rule["id"]?.stringValue == "a")
    #expect(rule["regex"]?.stringValue == #"(?i)\b(ak_[a-z0-9]{32})\b"#)
    #expect(rule.keyPosition("regex") == pos(6, 1))
    #expect(rule["regex"]?.position == pos(6, 9))
    #expect(rule["secretGroup"]?.integerValue == 1)
    #expect(rule["entropy"]?.doubleValue == 3.5)
    #expect(rule["keywords"]?.arrayValue?.map(\.stringValue) == ["ak_"])
    #expect(rule["keywords"]?.arrayValue?.first?.position == pos(9, 13))

    let examples = try #require(rule["examples"]?.arrayValue)
    #expect(examples.map(\.position) == [pos(11, 3), pos(12, 3)])
    let first = try #require(examples[0].tableValue)
    #expect(first["text"]?.stringValue == "KEY=ak_0123")
    #expect(first["secret"]?.stringValue == "ak_0123")
    #expect(first.keyPosition("secret") == pos(11, 31))
    let second = try #require(examples[1].tableValue)
    #expect(second["text"]?.stringValue == "-----BEGIN X-----\nabc\n-----END X-----")
    #expect(second.keyPosition("secret") == pos(14, 21))
    #expect(second["secret"]?.position == pos(14, 30))

    let allowlists = try #require(rule["allowlists"]?.arrayValue)
    #expect(allowlists.count == 1)
    #expect(allowlists[0].position == pos(16, 1))
    #expect(rule.keyPosition("allowlists") == pos(16, 9))
    let allowlist = try #require(allowlists[0].tableValue)
    #expect(allowlist["regexTarget"]?.stringValue == "line")
    #expect(allowlist["regexes"]?.arrayValue?.map(\.stringValue) == ["^#"])
    #expect(allowlist["regexes"]?.arrayValue?.first?.position == pos(18, 12))

    let global = try #require(document["allowlist"]?.tableValue)
    #expect(global.position == pos(19, 1))
    #expect(global["paths"]?.arrayValue?.map(\.stringValue) == ["(^|/)vendor/"])
    #expect(global.keyPosition("paths") == pos(20, 1))
  }

  @Test("the gitleaks-style file with CRLF line endings parses the same, keeping LF inside strings")
  func gitleaksStyleCRLF() throws {
    let crlf = Self.gitleaksStyle.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
    let document = try TOMLParser.parse(crlf)
    let rule = try #require(document["rules"]?.arrayValue?.first?.tableValue)
    let second = try #require(rule["examples"]?.arrayValue?[1].tableValue)
    #expect(second["text"]?.stringValue == "-----BEGIN X-----\nabc\n-----END X-----")
    #expect(second.keyPosition("secret") == pos(14, 21))
    #expect(document["allowlist"]?.tableValue?.keyPosition("paths") == pos(20, 1))
  }

  @Test("a generated 200 KB rule pack parses completely")
  func largeDocument() throws {
    let (text, count) = generatedRuleDocument(minimumBytes: 200_000)
    #expect(text.utf8.count >= 200_000)
    let document = try TOMLParser.parse(Array(text.utf8))
    let rules = try #require(document["rules"]?.arrayValue)
    #expect(rules.count == count)
    let last = try #require(rules.last?.tableValue)
    #expect(last["id"]?.stringValue == "provider-\(count - 1)-api-token")
    #expect(last["description"]?.stringValue == "Provider \(count - 1) API token (\"quoted\" é)")
    #expect(last["examples"]?.arrayValue?.count == 2)
    #expect(last["negatives"]?.arrayValue?.count == 2)
    #expect(last["allowlists"]?.arrayValue?.first?.tableValue?["stopwords"]?.arrayValue?.count == 2)
    let lastHeader = try #require(text.utf8.ranges(of: "\n[[rules]]\n".utf8).last)
    let lastLine = text.utf8[..<lastHeader.lowerBound].count { $0 == UInt8(ascii: "\n") } + 2
    #expect(rules.last?.position == pos(lastLine, 1))
    #expect(document["allowlist"]?.tableValue?["paths"]?.arrayValue?.count == 2)
  }
}
