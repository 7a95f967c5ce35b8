import Age
import Foundation
import Testing
import TestSupport
@testable import Vault

/// Format drift: a vault written by this version, committed under Vectors/v1 with its (fake) member key, must
/// keep opening, and its files must re-serialize to the same bytes. `RECORD_VAULT_VECTORS=1 swift test
/// --filter FormatVectorTests` writes them again (only when the format changes on purpose).
@Suite("Vault format vectors")
struct FormatVectorTests {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors").path
  static let value = "FAKE-format-v1-value-0f3a"

  func sources(_ identity: String, home: String) -> KeySources {
    KeySources(environment: ["HUSH_IDENTITY": identity, "HOME": home, "XDG_STATE_HOME": home + "/state"], askHidden: { _ in nil })
  }

  @Test("record vectors when asked", .enabled(if: ProcessInfo.processInfo.environment["RECORD_VAULT_VECTORS"] == "1"))
  func record() throws {
    let root = Self.directory + "/v1"
    try? FileManager.default.removeItem(atPath: root)
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    let identity = Age.X25519Identity.generate()
    try (identity.string + "\n").write(toFile: Self.directory + "/v1-member-identity.txt", atomically: true, encoding: .utf8)
    let home = try TempDirectory()
    let location = VaultLocation(root: root, name: "default", gitDirectory: nil)
    _ = try Vault.initialize(location: location, sources: sources(identity.string, home: home.path), auditPolicy: AuditPolicy(), recipients: [], passphrase: false, label: "vectors")
    let vault = try Vault(location: location, sources: sources(identity.string, home: home.path), auditPolicy: AuditPolicy())
    try vault.set("api", value: SecretBytes(Array(Self.value.utf8)), options: Vault.SetOptions())
    // One file per malformed case, derived from the good record.
    let good = try String(contentsOfFile: location.secretPath("api"), encoding: .utf8)
    let record = try SecretRecord.parse(Array(good.utf8), file: "api")
    let ct = Base64URL.encode(record.versions[0].ct)
    let rid = record.versions[0].ridText
    let cases: [String: String] = [
      "duplicate-key": good.replacingOccurrences(of: "\"name\": \"api\",", with: "\"name\": \"api\",\n  \"name\": \"api\","),
      "padded-base64": good.replacingOccurrences(of: ct, with: ct + "=="),
      "upper-case-rid": good.replacingOccurrences(of: rid, with: rid.uppercased()),
      "newer-major-format": good.replacingOccurrences(of: "hush-secret/1", with: "hush-secret/2"),
      "short-ciphertext": good.replacingOccurrences(of: ct, with: String(ct.prefix(40))),
      "bad-created": good.replacingOccurrences(of: "\"created\": \"", with: "\"created\": \"x"),
      "not-json": String(good.prefix(good.count / 2)),
    ]
    let malformed = Self.directory + "/malformed"
    try? FileManager.default.removeItem(atPath: malformed)
    try FileManager.default.createDirectory(atPath: malformed, withIntermediateDirectories: true)
    for (name, text) in cases { try text.write(toFile: malformed + "/\(name).json", atomically: true, encoding: .utf8) }
  }

  @Test("a vault written by format v1 keeps opening, and re-serializes byte for byte")
  func v1KeepsOpening() throws {
    let identity = try String(contentsOfFile: Self.directory + "/v1-member-identity.txt", encoding: .utf8)
    let copy = try TempDirectory()
    try FileManager.default.copyItem(atPath: Self.directory + "/v1/.hush", toPath: copy.path + "/.hush")
    let home = try TempDirectory()
    let location = VaultLocation(root: copy.path, name: "default", gitDirectory: nil)
    let vault = try Vault(location: location, sources: sources(identity, home: home.path), auditPolicy: AuditPolicy())
    let value = try vault.read(SecretReference(name: "api")).value
    #expect(String(decoding: value.bytes, as: UTF8.self) == Self.value)
    let header = try Files.read(location.headerPath)
    #expect(try VaultHeader.parse(header, file: "vault.json").serialized() == header)
    let record = try Files.read(location.secretPath("api"))
    #expect(try SecretRecord.parse(record, file: "api").serialized() == record)
    #expect(vault.verify().isEmpty)
  }

  @Test("every malformed record is refused with one error, never a crash", arguments: [
    "duplicate-key", "padded-base64", "upper-case-rid", "newer-major-format", "short-ciphertext", "bad-created", "not-json",
  ])
  func malformed(_ name: String) throws {
    let bytes = try Files.read(Self.directory + "/malformed/\(name).json")
    #expect(throws: VaultError.self) { _ = try SecretRecord.parse(bytes, file: "\(name).json") }
  }
}
