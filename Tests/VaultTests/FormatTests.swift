import Testing
@testable import Vault

@Suite("Vault formats")
struct VaultFormatTests {
  @Test("base64url: only the canonical spelling decodes")
  func base64url() {
    #expect(Base64URL.encode([0xfb, 0xff]) == "-_8")
    #expect(Base64URL.decode("-_8") == [0xfb, 0xff])
    for bad in ["-_8=", "+/8", "-_9", "-_8 ", "A", "ab\n"] {
      #expect(Base64URL.decode(bad) == nil, "\(bad) decoded")
    }
    for length in 0..<70 {
      let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
      #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
    }
  }

  @Test("Crockford base32: lowercase, exact length, zero trailing bits")
  func crockford() {
    let bytes: [UInt8] = Array(0..<12)
    let text = Crockford32.encode(bytes)
    #expect(text.count == 20)
    #expect(Crockford32.decode(text, count: 12) == bytes)
    #expect(Crockford32.decode(text.uppercased(), count: 12) == nil)
    #expect(Crockford32.decode(String(text.dropLast()) + "1", count: 12) == nil)  // non-zero trailing bits
    #expect(VaultHeader.newVaultID().hasPrefix("hv1-"))
  }

  @Test("JSON: duplicate keys are errors; the writer is byte-stable with sorted keys and unescaped slashes")
  func json() throws {
    #expect(throws: JSONParseError.self) { _ = try JSON.parse(Array(#"{"a":1,"a":2}"#.utf8)) }
    #expect(throws: JSONParseError.self) { _ = try JSON.parse(Array(#"{"a":1} x"#.utf8)) }
    let value = try JSON.parse(Array(#"{"b":[1,{"d":null,"c":"x/y\u00e9"}],"a":true,"e":{}}"#.utf8))
    let written = String(decoding: JSON.write(value), as: UTF8.self)
    #expect(written == "{\n  \"a\": true,\n  \"b\": [\n    1,\n    {\n      \"c\": \"x/yé\",\n      \"d\": null\n    }\n  ],\n  \"e\": {}\n}\n")
    #expect(try JSON.write(JSON.parse(JSON.write(value))) == JSON.write(value))
  }

  @Test("unknown fields survive a rewrite of vault.json and of a record")
  func unknownFieldsPreserved() throws {
    let header = #"""
      {"epoch":1,"epochs":[],"format":"hush-vault/1","future":{"x":1},"mac":null,"members":[{"added":"2026-01-01T00:00:00Z","added_by":"fp:00000000","label":"a","recipient":"age1x","role":"member","shoe":"42"}],"name":"default","policy":{"deposit":"allow","max_versions":3,"require_verified":true,"rotate_every_default":"180d","tier":"gold"},"public_key":"age1x","suite":"hpke-x25519-sha256-chacha20poly1305","vault_id":"hv1-0000000000000000000g"}
      """#
    let parsed = try VaultHeader.parse(Array(header.utf8), file: "vault.json")
    let text = String(decoding: parsed.serialized(), as: UTF8.self)
    #expect(text.contains("\"future\": {") && text.contains("\"shoe\": \"42\"") && text.contains("\"tier\": \"gold\""))
    #expect(try VaultHeader.parse(parsed.serialized(), file: "vault.json") == parsed)
  }

  @Test("a newer major format names the upgrade; malformed ids are refused")
  func formatVersions() {
    let newer = #"{"format":"hush-secret/2","name":"x"}"#
    #expect(throws: VaultError.failed("x.json uses format hush-secret/2; upgrade hush")) {
      _ = try SecretRecord.parse(Array(newer.utf8), file: "x.json")
    }
  }

  @Test("secret names: lowercase, no '..', segments", arguments: [
    ("db/password", true), ("a", true), ("api.key_2-x", true), ("DB/Password", false), ("../etc/passwd", false),
    ("a//b", false), ("/a", false), ("a/", false), ("-a", false), ("a b", false), (String(repeating: "a", count: 64), false),
  ])
  func names(_ name: String, _ valid: Bool) {
    #expect((validateSecretName(name) == nil) == valid)
  }

  @Test("references: versions and options parse; bad ones are usage errors")
  func references() throws {
    #expect(try SecretReference.parse("hush://db/password") == SecretReference(name: "db/password"))
    #expect(try SecretReference.parse("hush://db/password@previous").version == .previous)
    #expect(try SecretReference.parse("hush://db/password@3").version == .seq(3))
    let file = try SecretReference.parse("hush://gcp/sa-json?as=file&mode=640")
    #expect(file.asFile && file.mode == 0o640 && file.description == "hush://gcp/sa-json?as=file&mode=640")
    for bad in ["hush://../x", "hush://x@-1", "hush://x?as=disk", "hush://x?mode=600", "https://x", "hush://X"] {
      #expect(throws: VaultError.self, "\(bad)") { _ = try SecretReference.parse(bad) }
    }
    #expect(defaultEnvironmentName("db/pass.word-x") == "DB_PASS_WORD_X")
  }

  @Test("dates: exactly YYYY-MM-DDTHH:MM:SSZ")
  func dates() {
    #expect((Timestamp.parse("2026-06-01T09:00:00Z") ?? 0) == 1_780_304_400)  // non-optional: ASan flags Swift Testing reading an Optional<UInt64> as 9 bytes
    #expect(Timestamp.format(1_780_304_400) == "2026-06-01T09:00:00Z")
    for bad in ["2026-06-01 09:00:00Z", "2026-06-01T09:00:00", "2026-13-01T09:00:00Z", "2026-02-30T09:00:00Z"] {
      let rejected = Timestamp.parse(bad) == nil
      #expect(rejected, "\(bad)")
    }
    #expect((Timestamp.duration("90d") ?? 0) == 90 * 86400)
  }
}
