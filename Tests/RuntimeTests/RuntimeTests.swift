import Testing
@testable import Runtime

@Suite("Masker")
struct MaskerTests {
  func masked(_ values: [(String, String)], _ chunks: [String]) -> String {
    var masker = Masker(values.map { ($0.0, Array($0.1.utf8)) })
    var out: [UInt8] = []
    for chunk in chunks { out += masker.feed(Array(chunk.utf8)) }
    out += masker.finish()
    return String(decoding: out, as: UTF8.self)
  }

  @Test("a value is masked whole, and when split across writes at every offset")
  func split() {
    let value = "FAKE-token-0123456789"
    #expect(masked([("api", value)], ["say \(value) twice \(value)\n"]) == "say ***hush:api*** twice ***hush:api***\n")
    let text = "before \(value) after"
    for cut in 0...text.count {
      let chunks = [String(text.prefix(cut)), String(text.dropFirst(cut))]
      #expect(masked([("api", value)], chunks) == "before ***hush:api*** after", "cut at \(cut)")
    }
    // Byte by byte.
    #expect(masked([("api", value)], text.map { String($0) }) == "before ***hush:api*** after")
  }

  @Test("each line of a multi-line value is masked, as a PEM key printed line by line")
  func multiline() {
    let pem = "-----BEGIN FAKE KEY-----\nAAAAfakefakefake1111\nBBBBfakefakefake2222\n-----END FAKE KEY-----"
    let out = masked([("key", pem)], ["line: BBBBfakefakefake2222\n", pem])
    #expect(!out.contains("fakefake"))
    #expect(out.contains("line: ***hush:key***"))
  }

  @Test("values shorter than 6 bytes are not masked; a held prefix that does not complete is released")
  func shortAndPrefix() {
    #expect(masked([("pin", "12345")], ["12345"]) == "12345")
    #expect(masked([("api", "FAKE-secret")], ["FAKE-se", "cond"]) == "FAKE-second")
  }
}

@Suite("Dotenv and templates")
struct DotenvTemplateTests {
  @Test("dotenv: export, quotes, escapes, comments")
  func dotenv() throws {
    let text = "# comment\nexport A=hush://a\nB='single #x'\nC=\"dq \\\"q\\\" \\n\"\nD=plain # trailing\r\n\nE=\n"
    let parsed = try Dotenv.parse(text, file: ".env")
    #expect(parsed.map(\.key) == ["A", "B", "C", "D", "E"])
    #expect(parsed.map(\.value) == ["hush://a", "single #x", "dq \"q\" \n", "plain", ""])
    #expect(throws: DotenvError.self) { _ = try Dotenv.parse("no equals here", file: ".env") }
    #expect(throws: DotenvError.self) { _ = try Dotenv.parse("1X=a", file: ".env") }
  }

  @Test("templates: {{ hush://… }} with optional spaces; other braces copied")
  func template() {
    let text = Array("a {{ hush://x }} b {{hush://y@previous}} {{ name }} {{ hush://z".utf8)
    let found = Template.placeholders(text)
    #expect(found.map(\.reference) == ["hush://x", "hush://y@previous"])
    let out = Template.render(text, values: ["hush://x": Array("1".utf8), "hush://y@previous": Array("2".utf8)])
    #expect(String(decoding: out, as: UTF8.self) == "a 1 b 2 {{ name }} {{ hush://z")
  }
}
