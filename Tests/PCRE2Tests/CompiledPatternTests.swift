import Testing

@testable import PCRE2

@Suite struct CompiledPatternTests {
  func match(_ pattern: String, _ subject: String, from start: Int = 0, startLimit: Int? = nil) throws -> Match? {
    let compiled = try CompiledPattern(pattern)
    let buffer = MatchBuffer(captureCapacity: compiled.captureCount)
    return try Array(subject.utf8).withUnsafeBufferPointer { try buffer.match(compiled, in: $0, from: start, startLimit: startLimit) }
  }

  @Test("a pattern compiles with JIT and reports its capture groups")
  func compiles() throws {
    let pattern = try CompiledPattern(#"(a)(?:b)(c)?"#)
    #expect(pattern.captureCount == 2)
    #expect(pattern.isJITCompiled)
  }

  @Test("a broken pattern names the offset and PCRE2's reason")
  func compileError() {
    #expect {
      _ = try CompiledPattern("(abc")
    } throws: { error in
      guard let error = error as? PCRE2Error else { return false }
      return error.offset == 4 && error.description.contains("missing closing parenthesis")
    }
  }

  @Test("matches report byte offsets, also after multi-byte text")
  func byteOffsets() throws {
    let found = try #require(try match("(tok_[a-z]+)", "ключ tok_abc"))
    #expect(found.range == 9..<16)
    #expect(found.range(group: 1) == 9..<16)
  }

  @Test("byte mode matches invalid UTF-8 subjects without error")
  func invalidUTF8() throws {
    let compiled = try CompiledPattern("tok_[a-z]+")
    let buffer = MatchBuffer(captureCapacity: 0)
    let subject: [UInt8] = [0xFF, 0xFE, 0x20] + Array("tok_abc".utf8)
    let found = try subject.withUnsafeBufferPointer { try buffer.match(compiled, in: $0, from: 0) }
    #expect(found?.range == 3..<10)
  }

  @Test("word characters and boundaries are ASCII: a Cyrillic letter is not a word character")
  func asciiWordBoundaries() throws {
    #expect(try match(#"\btok\b"#, "жtokж")?.range == 2..<5)
    #expect(try match(#"^\w+$"#, "ж") == nil)
  }

  @Test("dollar matches only at the very end of the subject")
  func dollarEndOnly() throws {
    #expect(try match("abc$", "abc\n") == nil)
    #expect(try match("abc$", "xabc") != nil)
  }

  @Test("an unset optional group is nil")
  func unsetGroup() throws {
    let found = try #require(try match("(a)|(b)", "b"))
    #expect(found.range(group: 1) == nil)
    #expect(found.range(group: 2) == 0..<1)
  }

  @Test("the start limit confines where a match may begin, not where it ends")
  func startLimit() throws {
    #expect(try match("tok_[a-z]+", "xx tok_abcdef", startLimit: 2) == nil)
    #expect(try match("tok_[a-z]+", "xx tok_abcdef", startLimit: 3)?.range == 3..<13)
  }

  @Test("a catastrophic pattern hits the match limit instead of hanging")
  func matchLimit() throws {
    let compiled = try CompiledPattern("(a+)+$")
    let buffer = MatchBuffer(captureCapacity: 1, limits: .init(matchLimit: 100_000, depthLimit: 1000))
    let subject = Array((String(repeating: "a", count: 40) + "b").utf8)
    #expect {
      _ = try subject.withUnsafeBufferPointer { try buffer.match(compiled, in: $0, from: 0) }
    } throws: { error in
      (error as? PCRE2Error)?.isResourceLimit == true
    }
  }

  @Test("an empty subject matches an empty-capable pattern and nothing else")
  func emptySubject() throws {
    #expect(try match("a*", "")?.range == 0..<0)
    #expect(try match("a", "") == nil)
  }
}
