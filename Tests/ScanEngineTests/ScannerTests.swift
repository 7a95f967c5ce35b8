import Foundation
import Testing

@testable import ScanEngine

@Suite struct ScannerTests {
  @Test("a secret is found with its 1-based line and character column")
  func locates() throws {
    let found = try scan("first line\nключ = \(acmeSecret)\n", rules: [acme])
    #expect(found.count == 1)
    let finding = try #require(found.first)
    #expect(finding.line == 2)
    #expect(finding.column == 8)
    #expect(finding.endLine == 2)
    #expect(finding.endColumn == 8 + acmeSecret.count - 1)
    #expect(finding.secret.bytes == Array(acmeSecret.utf8))
    #expect(finding.lineText == Array("ключ = \(acmeSecret)".utf8))
  }

  @Test("the secret group is chosen as gitleaks does: first non-empty group when secretGroup is 0")
  func secretGroupDefault() throws {
    var rule = acme
    rule.regex = #"(?:key|token)=(?:"([^"]+)"|([a-z0-9_]{10,}))"#
    rule.secretGroup = 0
    rule.keywords = ["key", "token"]
    rule.entropy = nil
    let found = try scan("token=acme_unquoted_value", rules: [rule])
    #expect(found.first?.secret.revealed == "acme_unquoted_value")
  }

  @Test("entropy at or below the threshold drops the candidate")
  func entropy() throws {
    #expect(try scan("acme_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", rules: [acme]).isEmpty)
  }

  @Test("the keyword prefilter is case-insensitive")
  func keywordCase() throws {
    var rule = acme
    rule.regex = #"(?i)\b(acme_[a-z0-9]{32})\b"#
    #expect(try scan("ACME_4F9C2B7D1E8A6C3F5B0DFA7C4F1B8E2D", rules: [rule]).count == 1)
  }

  @Test("a rule does not run where its keyword is absent")
  func keywordGates() throws {
    var rule = acme
    rule.keywords = ["zzz"]
    #expect(try scan(acmeSecret, rules: [rule]).isEmpty)
  }

  @Test("inline markers of hush and of the tools users migrate from suppress a finding",
    arguments: ["hush:allow", "gitleaks:allow", "betterleaks:allow", "pragma: allowlist secret"])
  func inlineMarkers(marker: String) throws {
    #expect(try scan("key = \(acmeSecret) # \(marker)", rules: [acme]).isEmpty)
    #expect(try scan("key = \(acmeSecret) # \(marker)\nkey2 = \(acmeSecret)", rules: [acme]).count == 1)
  }

  @Test("a vault reference is never a finding")
  func vaultReference() throws {
    var rule = acme
    rule.regex = #"password\s*=\s*"([^"]+)""#
    rule.keywords = ["password"]
    rule.entropy = nil
    #expect(try scan(#"password = "hush://db-password""#, rules: [rule]).isEmpty)
    #expect(try scan(#"password = "S3cr3t-Pa55""#, rules: [rule]).count == 1)
  }

  @Test("rule allowlists: stopwords, regexes on each target, paths, and the AND condition")
  func ruleAllowlists() throws {
    var rule = acme
    rule.allowlists = [AllowlistDefinition(stopwords: ["4f9c2b"])]
    #expect(try scan(acmeSecret, rules: [rule]).isEmpty)

    rule.allowlists = [AllowlistDefinition(regexTarget: .line, regexes: ["^#"])]
    #expect(try scan("# \(acmeSecret)", rules: [rule]).isEmpty)
    #expect(try scan("x \(acmeSecret)", rules: [rule]).count == 1)

    rule.allowlists = [AllowlistDefinition(regexTarget: .match, regexes: ["^acme_4f"])]
    #expect(try scan(acmeSecret, rules: [rule]).isEmpty)

    rule.allowlists = [AllowlistDefinition(condition: .and, stopwords: ["4f9c2b"], paths: [#"^test/"#])]
    #expect(try scan(acmeSecret, rules: [rule], path: "src/a.py").count == 1)
    #expect(try scan(acmeSecret, rules: [rule], path: "test/a.py").isEmpty)
  }

  @Test("global allowlists skip paths and can target some rules only")
  func globalAllowlists() throws {
    #expect(try scan(acmeSecret, rules: [acme], globals: [AllowlistDefinition(paths: [#"\.lock$"#])], path: "a.lock").isEmpty)
    let other = AllowlistDefinition(stopwords: ["4f9c"], targetRules: ["other-rule"])
    #expect(try scan(acmeSecret, rules: [acme], globals: [other]).count == 1)
  }

  @Test("a path-gated rule runs only on matching paths; a path-only rule reports the file")
  func pathRules() throws {
    var gated = acme
    gated.path = #"\.env$"#
    #expect(try scan(acmeSecret, rules: [gated], path: "a.py").isEmpty)
    #expect(try scan(acmeSecret, rules: [gated], path: "prod.env").count == 1)
    let keyFile = RuleDefinition(id: "pkcs12-file", description: "PKCS#12 file", path: #"\.p12$"#)
    let found = try scan("", rules: [keyFile], path: "certs/id.p12")
    #expect(found.count == 1 && found[0].line == 1)
  }

  @Test("two different secrets get different fingerprints; a moved secret keeps its own")
  func fingerprints() throws {
    let a = try scan("x = \(acmeSecret)", rules: [acme])
    let moved = try scan("\n\n   y = \(acmeSecret)", rules: [acme])
    let other = try scan("x = acme_0fake9d8e7c6b5a4f3e2d1c0b9a8f7e6", rules: [acme])
    #expect(a[0].fingerprint == moved[0].fingerprint)
    #expect(a[0].fingerprint != other[0].fingerprint)
    #expect(!a[0].fingerprint.contains(acmeSecret))
    #expect(a[0].fingerprint.count == 32)
  }

  @Test("a catastrophic rule is named in a diagnostic and the scan goes on")
  func catastrophicRule() throws {
    let bad = RuleDefinition(id: "user-bad", regex: #"(x+x+)+\d"#)
    let set = try RuleSet(rules: [bad, acme])
    let scanner = Scanner(rules: set, limits: .init(matchLimit: 50_000, depthLimit: 1000))
    let text = String(repeating: "x", count: 64) + "\nkey = \(acmeSecret)\n"
    let found = scanner.scan(Chunk(bytes: Array(text.utf8), provenance: Provenance(path: Array("f".utf8))))
    #expect(found.map(\.ruleID) == ["acme-api-token"])
    #expect(scanner.diagnostics.first?.ruleID == "user-bad")
    #expect(scanner.diagnostics.first?.message.contains("match limit") == true)
  }

  @Test("a lazily compiled rule set compiles a regex on first use and finds the same secrets")
  func lazyCompilation() throws {
    let set = try RuleSet(rules: [acme, RuleDefinition(id: "never-used", regex: "(a)(b)(c)(d)(e)(f)", keywords: ["zzz"])], compileEagerly: false)
    #expect(set.rules.allSatisfy { $0.pattern?.isCompiled == false })
    let found = Scanner(rules: set).scan(Chunk(bytes: Array("k=\(acmeSecret)".utf8), provenance: Provenance(path: Array("f".utf8))))
    #expect(found.map(\.secret.revealed) == [acmeSecret])
    #expect(set.rules[0].pattern?.isCompiled == true)
    #expect(set.rules[1].pattern?.isCompiled == false)
  }

  @Test("a leading lazy preamble is stripped, keeping inline flags and groups")
  func preamble() {
    #expect(RuleSet.strippingLazyPreamble(#"(?i)[\w.-]{0,50}?(?:secret)(x)"#) == #"(?i)(?:secret)(x)"#)
    #expect(RuleSet.strippingLazyPreamble(#"[\w.-]{0,50}(?:secret)"#) == #"[\w.-]{0,50}(?:secret)"#)
    #expect(RuleSet.strippingLazyPreamble(#"[^a]{0,5}?x"#) == #"[^a]{0,5}?x"#)
  }

  @Test("compile errors and bad secret groups name the rule")
  func ruleErrors() {
    #expect(throws: RuleSetError.self) { try RuleSet(rules: [RuleDefinition(id: "broken", regex: "(a")]) }
    do {
      _ = try RuleSet(rules: [RuleDefinition(id: "grp", regex: "(a)", secretGroup: 2)])
      Issue.record("expected an error")
    } catch {
      #expect(error.description.hasPrefix("rule 'grp':"))
    }
    #expect(throws: RuleSetError.self) { try RuleSet(rules: [acme, acme]) }
  }

  @Test("a diff chunk maps its lines to the file's line numbers")
  func lineNumbers() throws {
    let set = try RuleSet(rules: [acme])
    let chunk = Chunk(
      bytes: Array("a\nkey = \(acmeSecret)\n".utf8), provenance: Provenance(path: Array("f".utf8)), lineNumbers: [10, 42])
    #expect(Scanner(rules: set).scan(chunk).first?.line == 42)
  }

  @Test("matches on a long minified line are found far from the line start")
  func longLine() throws {
    let filler = String(repeating: "var a=1;", count: 100_000)
    let found = try scan(filler + "k='\(acmeSecret)';" + filler, rules: [acme])
    #expect(found.count == 1)
    #expect(found[0].lineText.count <= 2 * 160 + acmeSecret.count)
  }
}

@Suite struct ConfidenceTests {
  @Test("vendor rules are high, generic rules medium, and test or example paths one level lower",
    arguments: [
      ("src/app.py", "acme-api-token", Confidence.high), ("Tests/Fixtures/a.json", "acme-api-token", .medium),
      ("src/app.py", "generic-password", .medium), ("spec/login_spec.rb", "generic-password", .low),
      ("docs/setup.md", "generic-password", .low), ("src/user.test.ts", "acme-api-token", .medium),
    ])
  func levels(path: String, rule: String, expected: Confidence) throws {
    var definition = acme
    definition.id = rule
    let found = try scan("k=\(acmeSecret)", rules: [definition], path: path)
    #expect(found.first?.confidence == expected)
  }

  @Test("a rule's own confidence key wins over the default")
  func explicit() throws {
    var definition = acme
    definition.confidence = .low
    #expect(try scan("k=\(acmeSecret)", rules: [definition]).first?.confidence == .low)
  }
}

@Suite struct DecodingTests {
  func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

  @Test("a secret inside base64 text is found, located at the encoded run")
  func base64Secret() throws {
    let encoded = base64("token: \(acmeSecret)\n")
    let manifest = "apiVersion: v1\nkind: Secret\ndata:\n  config: \(encoded)\n"
    let found = try scan(manifest, rules: [acme])
    #expect(found.count == 1)
    #expect(found.first?.secret.revealed == acmeSecret)
    #expect(found.first?.decoding == "base64")
    #expect(found.first?.line == 4)
    #expect(found.first?.column == 11)
  }

  @Test("a value that needs its name is found when only the value is encoded, as in a Kubernetes Secret")
  func nameBeforeEncodedValue() throws {
    let keyed = RuleDefinition(
      id: "acme-key", regex: #"(?i)acme[_-]?key["']?[ \t]*[:=][ \t]*["']?([0-9a-f]{32})\b"#, secretGroup: 1,
      keywords: ["acme"])
    let value = "4f9c2b7d1e8a6c3f5b0ddeadbeef2d11"
    let found = try scan("data:\n  acme_key: \(base64(value))\n", rules: [keyed])
    #expect(found.count == 1)
    #expect(found.first?.secret.revealed == value)
    #expect(found.first?.line == 2 && found.first?.column == 13)
    // A short password (10 characters, 16 in base64) is decoded too.
    let password = RuleDefinition(
      id: "pw", regex: #"(?i)password[ \t]*[:=][ \t]*([^\s]{8,})"#, secretGroup: 1, keywords: ["password"])
    #expect(try scan("data:\n  password: \(base64("Fk7-Qw2zP9"))\n", rules: [password]).first?.secret.revealed == "Fk7-Qw2zP9")
    // The name alone, with no encoded value after it, is not reported twice or from the prefix.
    #expect(try scan("acme_key: \(value) \(base64("unrelated text here"))", rules: [keyed]).count == 1)
  }

  @Test("base64 inside base64 is decoded twice, not more")
  func nested() throws {
    let twice = base64("inner=" + base64("k=\(acmeSecret)"))
    #expect(try scan("v: \(twice)", rules: [acme]).first?.decoding == "base64, base64")
  }

  @Test("binary base64 is not decoded into findings; an inline marker on the encoded line suppresses")
  func skips() throws {
    let binary = Data((0..<64).map { UInt8($0 * 7 % 256) }).base64EncodedString()
    #expect(try scan("img: \(binary)", rules: [acme]).isEmpty)
    #expect(try scan("v: \(base64("k=\(acmeSecret)")) # hush:allow", rules: [acme]).isEmpty)
  }

  func hex(_ text: String) -> String { text.utf8.map { String(format: "%02x", $0) }.joined() }

  @Test("a secret inside hex-encoded text is found, located at the hex digits that hold it")
  func hexSecret() throws {
    let encoded = hex("token: \(acmeSecret)")
    let found = try scan("blob = \"\(encoded)\"", rules: [acme])
    #expect(found.count == 1)
    #expect(found.first?.secret.revealed == acmeSecret)
    #expect(found.first?.decoding == "hex")
    // "token: " is 7 bytes, 14 hex digits, after `blob = "` (8 characters).
    #expect(found.first?.column == 9 + 14)
    #expect(found.first?.endColumn == 9 + 14 + 2 * acmeSecret.utf8.count - 1)
    #expect(try scan("blob = 0x\(encoded)", rules: [acme]).first?.decoding == "hex")
    #expect(try scan("blob = \(hex("k=\(acmeSecret)").uppercased())", rules: [acme]).count == 1)
  }

  @Test("hex digests, odd-length and short hex runs are not decoded")
  func hexDigests() throws {
    let sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
    let sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    for digest in [sha1, sha256] {
      let bytes = Array(digest.utf8)
      let segments = bytes.withUnsafeBufferPointer { pointer in
        EncodedSegments.find(in: pointer).compactMap { EncodedSegments.decode($0, in: pointer) }
      }
      #expect(segments.isEmpty)
    }
    let odd = String(hex("k=\(acmeSecret)").dropLast())
    #expect(try scan("v: \(odd)", rules: [acme]).isEmpty)
    #expect(try scan("v: \(hex("k=acme"))", rules: [acme]).isEmpty)
  }

  @Test("a percent-encoded secret is decoded and located at its encoded bytes")
  func percentSecret() throws {
    let line = "https://api.fake.invalid/cb?state=1&token%3D\(acmeSecret.replacingOccurrences(of: "_", with: "%5F"))%26x%3D1"
    let found = try scan(line, rules: [acme])
    #expect(found.count == 1)
    #expect(found.first?.secret.revealed == acmeSecret)
    #expect(found.first?.decoding == "percent")
    #expect(found.first?.column == 45)
    #expect(found.first?.endColumn == 45 + acmeSecret.utf8.count + 2 - 1)
  }

  @Test("a rule that matches the encoded text as written reports it once, not again decoded")
  func percentOnce() throws {
    let uri = RuleDefinition(
      id: "uri-password", regex: #"[a-z]+://[^\s:@/]{0,64}:([^\s:@/]{1,128})@[A-Za-z0-9.-]"#, secretGroup: 1,
      keywords: ["://"])
    let found = try scan("DATABASE_URL=postgres://app:Fake%40pbcRIi6%3AHeVyzrw@db.fake.invalid:5432/app", rules: [uri])
    #expect(found.count == 1)
    #expect(found.first?.decoding == nil)
    #expect(found.first?.secret.revealed == "Fake%40pbcRIi6%3AHeVyzrw")
  }

  @Test("decoding goes two levels deep across kinds, not three")
  func mixedDepth() throws {
    let percentInHex = hex("u=" + "k%3D\(acmeSecret)")
    #expect(try scan("v: \(percentInHex)", rules: [acme]).first?.decoding == "hex, percent")
    let three = hex("a=" + base64("b=" + hex("k=\(acmeSecret)")))
    #expect(try scan("v: \(three)", rules: [acme]).isEmpty)
  }

  /// Every maximal base64 run of the finder's lengths, with up to two `=`, the plain way.
  func referenceRuns(_ bytes: [UInt8]) -> [Range<Int>] {
    var runs: [Range<Int>] = []
    var index = 0
    while index < bytes.count {
      guard Base64Segments.values[Int(bytes[index])] >= 0 else {
        index += 1
        continue
      }
      let start = index
      while index < bytes.count, Base64Segments.values[Int(bytes[index])] >= 0 { index += 1 }
      var end = index
      while end < bytes.count, end - index < 2, bytes[end] == UInt8(ascii: "=") { end += 1 }
      if index - start >= Base64Segments.minimumLength, index - start <= Base64Segments.maximumLength { runs.append(start..<end) }
      index = max(end, index)
    }
    return runs
  }

  @Test("the skipping run finder finds exactly the runs a byte-by-byte search finds")
  func finderMatchesReference() {
    var state: UInt64 = 0x5EED
    func next() -> UInt64 {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return state >> 33
    }
    let alphabet = Array("aZ09+/_-= .\n\"%".utf8)
    for _ in 0..<300 {
      let length = Int(next() % 400)
      // Long runs of base64 characters broken by occasional separators.
      let bytes = (0..<length).map { _ in next() % 10 < 8 ? alphabet[Int(next() % 6)] : alphabet[Int(next() % UInt64(alphabet.count))] }
      let found = bytes.withUnsafeBufferPointer { pointer in
        EncodedSegments.find(in: pointer).filter { $0.kind != .percent }.map(\.range)
      }
      #expect(found == referenceRuns(bytes))
    }
  }

  @Test("printf formats and binary escapes are not percent-decoded into findings")
  func percentNoise() throws {
    #expect(try scan(#"printf("%02x%02x%02x%02x%08x", a, b)"#, rules: [acme]).isEmpty)
    let bytes = Array("v=%01%02%03%04%05%06%07%08%0B%0C".utf8)
    let decoded = bytes.withUnsafeBufferPointer { pointer in
      EncodedSegments.find(in: pointer).compactMap { EncodedSegments.decode($0, in: pointer) }
    }
    #expect(decoded.isEmpty)
  }
}

@Suite struct SecretCheckTests {
  func segment(_ json: String) -> String {
    Data(json.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
      .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
  }
  func token(_ header: String) -> String {
    segment(header) + "." + segment(#"{"sub":"fake-user-42","iat":1700000000}"#) + ".FAKEq8Zr3VtN0pXw7LmKdB2sYhJ4gCeU9aTiRoQn"
  }
  let jwt = RuleDefinition(
    id: "jwt", regex: #"\b(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,})"#, secretGroup: 1,
    keywords: ["eyj"], tags: ["jwt", "validate:jwt"])

  @Test("a JWT whose header is a JSON object with alg (and a JWT-like typ) is confirmed")
  func accepts() throws {
    for header in [
      #"{"alg":"HS256","typ":"JWT"}"#, #"{"alg":"RS256","kid":"fake-key-1"}"#, #"{"typ" : "at+jwt", "alg" : "ES256", "x5c": ["a", 1, true, null, {"k": -1.5e3}] } "#,
      #"{"alg":"none","typ":"JOSE"}"#,
    ] {
      #expect(SecretCheck.jwtFailure(Array(token(header).utf8)) == nil, "\(header)")
      #expect(try scan("Authorization: Bearer \(token(header))", rules: [jwt]).count == 1, "\(header)")
    }
  }

  @Test("three base64url segments whose header is not a JWT header are dropped")
  func rejects() throws {
    for header in [
      #"{"kid":"fake-key-1","typ":"JWT"}"#, #"{"alg":"HS256","typ":"JWT""#, #"{"alg":"HS256","typ":"text/plain"}"#,
      #"{"alg":["HS256"]}"#, #"{"alg":"HS256"} and more"#, #"{"alg":"HS256",}"#, #"{"alg":""}"#,
    ] {
      #expect(SecretCheck.jwtFailure(Array(token(header).utf8)) != nil, "\(header)")
      #expect(try scan("Authorization: Bearer \(token(header))", rules: [jwt]).isEmpty, "\(header)")
    }
    var plain = jwt
    plain.tags = ["jwt"]
    #expect(try scan("Authorization: Bearer \(token(#"{"kid":"fake-key-1"}"#))", rules: [plain]).count == 1)
  }

  @Test("an unknown validate: tag is an error naming the known checks")
  func unknown() {
    var rule = jwt
    rule.tags = ["validate:jwk"]
    #expect(throws: RuleSetError.self) { try RuleSet(rules: [rule]) }
  }
}
