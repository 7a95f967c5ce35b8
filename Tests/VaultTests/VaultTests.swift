import Age
import Foundation
import Testing
import TestSupport
@testable import Vault

/// A vault in a temporary directory with its own HOME, XDG dirs and identities.
final class VaultFixture: @unchecked Sendable {
  let directory: TempDirectory
  let alice = Age.X25519Identity.generate()
  let bob = Age.X25519Identity.generate()

  init() throws {
    directory = try TempDirectory()
    try FileManager.default.createDirectory(atPath: directory.path + "/repo", withIntermediateDirectories: true)
  }

  var root: String { directory.path + "/repo" }
  var location: VaultLocation { VaultLocation(root: root, name: "default", gitDirectory: nil) }

  func sources(_ identity: Age.X25519Identity?, extra: [String: String] = [:]) -> KeySources {
    var environment = ["HOME": directory.path + "/home", "XDG_STATE_HOME": directory.path + "/state", "XDG_CONFIG_HOME": directory.path + "/config"]
    if let identity { environment["HUSH_IDENTITY"] = identity.string }
    for (key, value) in extra { environment[key] = value }
    return KeySources(environment: environment, askHidden: { _ in nil })
  }

  @discardableResult
  func initialize(members: [Age.X25519Identity]? = nil) throws -> VaultHeader {
    let list = members ?? [alice]
    return try Vault.initialize(
      location: location, sources: sources(list[0]), auditPolicy: AuditPolicy(), recipients: list.dropFirst().map(\.recipient.string),
      passphrase: false, label: "alice"
    ).header
  }

  func open(_ identity: Age.X25519Identity?) throws -> Vault {
    try Vault(location: location, sources: sources(identity), auditPolicy: AuditPolicy())
  }

  func set(_ name: String, _ value: String, as identity: Age.X25519Identity?, rotated: Bool = false) throws -> SecretVersion {
    var options = Vault.SetOptions()
    options.rotated = rotated
    return try open(identity).set(name, value: SecretBytes(Array(value.utf8)), options: options)
  }

  func read(_ reference: String, as identity: Age.X25519Identity?) throws -> String {
    String(decoding: try open(identity).read(try SecretReference.parse(reference)).value.bytes, as: UTF8.self)
  }

  func recordPath(_ name: String) -> String { location.secretPath(name) }

  func rewriteRecord(_ name: String, _ change: (inout SecretRecord) -> Void) throws {
    var record = try SecretRecord.parse(try Files.read(recordPath(name)), file: name)
    change(&record)
    try Files.writeAtomically(record.serialized(), to: recordPath(name), mode: 0o600)
  }
}

@Suite("Vault records")
struct VaultRecordTests {
  @Test("round trip: set, read, rotate, @previous, list never shows values")
  func roundTrip() throws {
    let fixture = try VaultFixture()
    try fixture.initialize()
    try fixture.set("db/password", "correct-horse-FAKE-1", as: fixture.alice)
    #expect(try fixture.read("hush://db/password", as: fixture.alice) == "correct-horse-FAKE-1")
    try fixture.set("db/password", "correct-horse-FAKE-2", as: fixture.alice, rotated: true)
    #expect(try fixture.read("hush://db/password", as: fixture.alice) == "correct-horse-FAKE-2")
    #expect(try fixture.read("hush://db/password@previous", as: fixture.alice) == "correct-horse-FAKE-1")
    #expect(try fixture.read("hush://db/password@1", as: fixture.alice) == "correct-horse-FAKE-1")
    let list = try fixture.open(fixture.alice).list()
    #expect(list.map(\.name) == ["db/password"])
    #expect(list[0].env == "DB_PASSWORD" && (list[0].seq ?? 0) == 2 && list[0].status == "verified")
  }

  @Test("a process that opens a vault cannot dump core or be attached to")
  func notDumpable() throws {
    let fixture = try VaultFixture()
    try fixture.initialize()
    _ = try fixture.open(fixture.alice)
    #expect(setDumpable(3 /* PR_GET_DUMPABLE */, 0, 0, 0, 0) == 0)
  }

  @Test("wrong identity: one error that lists every source tried and the members")
  func wrongIdentity() throws {
    let fixture = try VaultFixture()
    try fixture.initialize()
    try fixture.set("api", "FAKE-value-123456", as: fixture.alice)
    let stranger = Age.X25519Identity.generate()
    do {
      _ = try fixture.read("hush://api", as: stranger)
      Issue.record("a stranger read the vault")
    } catch let error as VaultError {
      guard case .noIdentity(let message) = error else {
        Issue.record("unexpected error \(error)")
        return
      }
      #expect(message.contains("no identity opens vault 'default' (members: alice fp:"))
      #expect(message.contains("HUSH_IDENTITY: 1 key, \(recipientFingerprint(stranger.recipient.string)), not a member"))
      #expect(message.contains("HUSH_IDENTITY_FILE unset"))
      #expect(message.contains("--identity not given"))
      #expect(!message.contains(stranger.string))
    }
  }

  @Test("anyone can deposit; only members read; accept verifies the deposit")
  func deposit() throws {
    let fixture = try VaultFixture()
    try fixture.initialize()
    let version = try fixture.set("ci/token", "FAKE-deposit-987654", as: nil)
    #expect(version.isDeposit && version.by == "deposit")
    // A deposit is not current while verification is required.
    #expect(throws: VaultError.self) { try fixture.read("hush://ci/token", as: fixture.alice) }
    let accepted = try fixture.open(fixture.alice).accept("ci/token", pick: nil)
    #expect(accepted.count == 1)
    #expect(try fixture.read("hush://ci/token", as: fixture.alice) == "FAKE-deposit-987654")
  }

  @Test("a tampered, truncated or swapped ciphertext is one integrity error", arguments: ["enc", "ct", "tag", "mac", "truncate"])
  func tampered(_ part: String) throws {
    let fixture = try VaultFixture()
    try fixture.initialize()
    try fixture.set("api", "FAKE-value-123456", as: fixture.alice)
    try fixture.rewriteRecord("api") { record in
      switch part {
      case "enc": record.versions[0].enc[5] ^= 1
      case "ct": record.versions[0].ct[3] ^= 0x40
      case "tag": record.versions[0].ct[record.versions[0].ct.count - 1] ^= 1
      case "mac": record.versions[0].mac = "hmac-sha256:" + Base64URL.encode([UInt8](repeating: 7, count: 32))
      default: record.versions[0].ct.removeLast(64)
      }
    }
    do {
      _ = try fixture.read("hush://api", as: fixture.alice)
      Issue.record("a tampered record opened")
    } catch let error as VaultError {
      switch error {
      case .integrity(let file, _):
        #expect(file.hasSuffix("secrets/api.json"))
        #expect(error.description.contains("failed its integrity check"))
      case .malformed(let file, _):
        // Cut below the smallest padded ciphertext: refused by the parser before any crypto.
        #expect(part == "truncate" && file.hasSuffix("secrets/api.json"))
      default: Issue.record("unexpected \(error)")
      }
    }
  }

  @Test("truncating a record file at every offset never crashes and never yields a value")
  func truncatedFile() throws {
    let fixture = try VaultFixture()
    try fixture.initialize()
    try fixture.set("api", "FAKE-value-123456", as: fixture.alice)
    let bytes = try Files.read(fixture.recordPath("api"))
    for length in stride(from: 0, to: bytes.count - 1, by: 7) {
      #expect(throws: VaultError.self) { _ = try SecretRecord.parse(Array(bytes.prefix(length)), file: "api") }
    }
  }

  @Test("a version moved to another secret, vault or seq does not open")
  func moved() throws {
    let fixture = try VaultFixture()
    try fixture.initialize()
    try fixture.set("one", "FAKE-first-value-1", as: fixture.alice)
    try fixture.set("two", "FAKE-second-value-2", as: fixture.alice)
    let one = try SecretRecord.parse(try Files.read(fixture.recordPath("one")), file: "one")
    // Move the ciphertext of `one` into `two`, MAC included.
    try fixture.rewriteRecord("two") { record in
      record.versions[0].enc = one.versions[0].enc
      record.versions[0].ct = one.versions[0].ct
    }
    let vault = try fixture.open(fixture.alice)
    let key = try vault.unlock().key
    let two = try SecretRecord.parse(try Files.read(fixture.recordPath("two")), file: "two")
    #expect(throws: VaultError.self) { _ = try two.open(two.versions[0], key: key, file: "two") }
    // The same ciphertext under another seq or created time fails too.
    var edited = one
    edited.versions[0].seq = 9
    #expect(throws: VaultError.self) { _ = try edited.open(edited.versions[0], key: key, file: "one") }
    edited = one
    edited.versions[0].created = "2020-01-01T00:00:00Z"
    #expect(throws: VaultError.self) { _ = try edited.open(edited.versions[0], key: key, file: "one") }
    edited = one
    edited.meta["kind"] = "file"
    #expect(throws: VaultError.self) { _ = try edited.open(edited.versions[0], key: key, file: "one") }
  }

  @Test("equal values never give equal ciphertexts; lengths show only as 64-byte buckets")
  func freshEphemeral() throws {
    let fixture = try VaultFixture()
    try fixture.initialize()
    let vault = try fixture.open(fixture.alice)
    let key = try vault.unlock().key
    let record = SecretRecord(name: "x", kind: .string, env: "X")
    var encs = Set<[UInt8]>()
    var cts = Set<[UInt8]>()
    for _ in 0..<1000 {
      let version = try record.seal(SecretBytes(Array("same".utf8)), publicKey: key.publicKey, vaultID: key.vaultID, seq: 1, epoch: 1, by: "t", rotated: false)
      encs.insert(version.enc)
      cts.insert(version.ct)
    }
    #expect(encs.count == 1000 && cts.count == 1000)
    let short = try record.seal(SecretBytes([1]), publicKey: key.publicKey, vaultID: key.vaultID, seq: 1, epoch: 1, by: "t", rotated: false)
    let longer = try record.seal(SecretBytes([UInt8](repeating: 2, count: 60)), publicKey: key.publicKey, vaultID: key.vaultID, seq: 1, epoch: 1, by: "t", rotated: false)
    #expect(short.ct.count == longer.ct.count)
  }

  @Test("low-order X25519 points are rejected as recipient, public_key and enc")
  func lowOrder() throws {
    let fixture = try VaultFixture()
    try fixture.initialize()
    let zero = [UInt8](repeating: 0, count: 32)
    let orderEight: [UInt8] = hex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")
    for point in [zero, orderEight] {
      #expect(throws: VaultError.self) { try checkNotLowOrder(point, what: "test point") }
    }
    // enc of a stored version replaced by a low-order point: rejected before any AEAD attempt.
    try fixture.set("api", "FAKE-value-123456", as: fixture.alice)
    try fixture.rewriteRecord("api") { $0.versions[0].enc = orderEight }
    do {
      _ = try fixture.read("hush://api", as: fixture.alice)
      Issue.record("opened with a low-order enc")
    } catch let error as VaultError {
      // The version's MAC covers enc, so the edit is caught as tampering first.
      if case .integrity = error {} else { Issue.record("unexpected \(error)") }
    }
    let vault = try fixture.open(fixture.alice)
    let key = try vault.unlock().key
    let record = try SecretRecord.parse(try Files.read(fixture.recordPath("api")), file: "api")
    #expect(throws: VaultError.lowOrderPoint("the enc of version 1 in api")) { _ = try record.open(record.versions[0], key: key, file: "api") }
  }

  @Test("records and the identity created by init are 0600, whatever the umask")
  func permissions() throws {
    let old = umask(0)
    defer { umask(old) }
    let fixture = try VaultFixture()
    // No HUSH_IDENTITY: init creates the caller's identity in XDG_CONFIG_HOME.
    let result = try Vault.initialize(
      location: fixture.location, sources: fixture.sources(nil), auditPolicy: AuditPolicy(), recipients: [], passphrase: false, label: "me")
    let created = try #require(result.createdIdentity)
    #expect((Files.mode(created.path) ?? 0) == 0o600)
    #expect((Files.mode(String(created.path.dropLast("/identity.txt".count))) ?? 0) == 0o700)
    let vault = try Vault(location: fixture.location, sources: fixture.sources(nil), auditPolicy: AuditPolicy())
    try vault.set("api", value: SecretBytes(Array("FAKE-value-1".utf8)), options: Vault.SetOptions())
    #expect((Files.mode(fixture.recordPath("api")) ?? 0) == 0o600)
    let audit = vault.audit.path
    #expect((Files.mode(audit) ?? 0) == 0o600)
  }

  @Test("no plaintext in any file the vault writes, temporary or final")
  func noPlaintextOnDisk() throws {
    let fixture = try VaultFixture()
    try fixture.initialize()
    let value = "FAKE-plaintext-marker-5f3c2a"
    try fixture.set("api", value, as: fixture.alice)
    try fixture.set("api", value + "-2", as: nil)
    _ = try fixture.open(fixture.alice).accept("api", pick: nil)
    try fixture.open(fixture.alice).rekey()
    let enumerator = FileManager.default.enumerator(atPath: fixture.directory.path)!
    var files = 0
    while let path = enumerator.nextObject() as? String {
      let full = fixture.directory.path + "/" + path
      guard !Files.isDirectory(full), let data = FileManager.default.contents(atPath: full) else { continue }
      files += 1
      #expect(!String(decoding: data, as: UTF8.self).contains("FAKE-plaintext-marker"), "\(path) holds the plaintext")
      #expect(!path.contains(".hush-tmp-"), "\(path) is a leftover temporary file")
    }
    #expect(files >= 5)
  }

  @Test("recipient injection: a member added without the vault key is pending; verify reports it, rekey refuses, approve fixes")
  func recipientInjection() throws {
    let fixture = try VaultFixture()
    try fixture.initialize()
    let mallory = Age.X25519Identity.generate()
    var header = try VaultHeader.parse(try Files.read(fixture.location.headerPath), file: "vault.json")
    header.members.append(Member(label: "mallory", recipient: mallory.recipient.string, role: "member", added: "2026-01-01T00:00:00Z", addedBy: "fp:00000000"))
    try Files.writeAtomically(header.serialized(), to: fixture.location.headerPath)
    let vault = try fixture.open(fixture.alice)
    _ = try vault.unlock(allowPendingMembers: true)
    let problems = vault.verify()
    #expect(problems.contains { $0.contains("members changed without the vault key: pending 'mallory'") })
    #expect(throws: VaultError.self) { try fixture.open(fixture.alice).rekey() }
    let result = try fixture.open(fixture.alice).approve(["mallory"])
    #expect(result.approved.map(\.label) == ["mallory"])
    let after = try fixture.open(fixture.alice)
    _ = try after.unlock()
    #expect(after.verify().isEmpty)
  }

  @Test("member add lets the new member read; member rm rekeys, locks them out and marks secrets exposed")
  func members() throws {
    let fixture = try VaultFixture()
    try fixture.initialize()
    try fixture.set("api", "FAKE-value-123456", as: fixture.alice)
    try fixture.open(fixture.alice).addMember(label: "bob", recipient: fixture.bob.recipient.string)
    #expect(try fixture.read("hush://api", as: fixture.bob) == "FAKE-value-123456")
    #expect(throws: VaultError.self) { try fixture.open(fixture.alice).addMember(label: "bob2", recipient: fixture.bob.recipient.string) }
    try fixture.open(fixture.alice).removeMember(label: "bob")
    #expect(throws: VaultError.self) { _ = try fixture.read("hush://api", as: fixture.bob) }
    #expect(try fixture.read("hush://api", as: fixture.alice) == "FAKE-value-123456")
    let vault = try fixture.open(fixture.alice)
    #expect(vault.header.epoch == 2)
    _ = try vault.unlock()
    #expect(try vault.stale(references: nil).contains { $0.category == "exposed" && $0.detail.contains("former-member") })
    #expect(throws: VaultError.self) { try fixture.open(fixture.alice).removeMember(label: "alice") }
  }

  @Test("verify --against catches a rollback, a vanished record and a swapped public key")
  func verifyAgainst() throws {
    let fixture = try VaultFixture()
    try fixture.initialize()
    try fixture.set("one", "FAKE-value-1", as: fixture.alice)
    try fixture.set("one", "FAKE-value-2", as: fixture.alice)
    try fixture.set("two", "FAKE-value-3", as: fixture.alice)
    let earlierHeader = try Files.read(fixture.location.headerPath)
    let earlier = ["one": try Files.read(fixture.recordPath("one")), "two": try Files.read(fixture.recordPath("two"))]
    // Roll `one` back to one version, delete `two`, swap the public key.
    try fixture.rewriteRecord("one") { $0.versions.removeAll { $0.seq == 2 } }
    Files.remove(fixture.recordPath("two"))
    var header = try VaultHeader.parse(earlierHeader, file: "vault.json")
    header.publicKey = Age.X25519Identity.generate().recipient.string
    try Files.writeAtomically(header.serialized(), to: fixture.location.headerPath)
    let vault = try fixture.open(nil)
    let problems = vault.verify(against: (earlierHeader, earlier))
    #expect(problems.contains { $0.contains("seq went back from 2 to 1") })
    #expect(problems.contains { $0.contains("two.json vanished without a tombstone") })
    #expect(problems.contains { $0.contains("public_key changed without a new epoch") })
  }

  @Test("the audit chain catches an edited line, and values never reach the log")
  func auditChain() throws {
    let fixture = try VaultFixture()
    try fixture.initialize()
    try fixture.set("api", "FAKE-audit-value-77", as: fixture.alice)
    _ = try fixture.read("hush://api", as: fixture.alice)
    let vault = try fixture.open(fixture.alice)
    let key = try vault.unlock().key
    var result = try vault.audit.verify(key: key)
    #expect(result.problems.isEmpty && result.lines >= 3 && result.macsChecked >= 3)
    var text = String(decoding: try Files.read(vault.audit.path), as: UTF8.self)
    #expect(!text.contains("FAKE-audit-value"))
    text = text.replacingOccurrences(of: "\"op\":\"set\"", with: "\"op\":\"read\"")
    try Files.writeAtomically(Array(text.utf8), to: vault.audit.path, mode: 0o600)
    result = try vault.audit.verify(key: key)
    #expect(result.problems.contains { $0.contains("MAC does not verify") })
    #expect(result.problems.contains { $0.contains("prev does not match") })
  }

  @Test("a read-only audit directory makes reads fail closed unless [audit] required = false")
  func auditFailsClosed() throws {
    let fixture = try VaultFixture()
    try fixture.initialize()
    try fixture.set("api", "FAKE-value-123456", as: fixture.alice)
    let vault = try fixture.open(fixture.alice)
    let directory = String(vault.audit.path[..<vault.audit.path.lastIndex(of: "/")!])
    chmod(directory, 0o500)
    chmod(vault.audit.path, 0o400)
    defer {
      chmod(directory, 0o700)
      chmod(vault.audit.path, 0o600)
    }
    guard getuid() != 0 else { return }  // root ignores modes
    #expect(throws: VaultError.self) { try fixture.set("api", "FAKE-value-2", as: fixture.alice) }
    let relaxed = try Vault(location: fixture.location, sources: fixture.sources(fixture.alice), auditPolicy: AuditPolicy(required: false))
    try relaxed.set("other", value: SecretBytes(Array("FAKE-value-3".utf8)), options: Vault.SetOptions())
  }

  @Test("a passphrase vault opens with the passphrase only")
  func passphraseVault() throws {
    let fixture = try VaultFixture()
    let sources = fixture.sources(nil, extra: ["HUSH_PASSPHRASE": "FAKE correct horse battery"])
    try withTestScrypt {
      _ = try Vault.initialize(location: fixture.location, sources: sources, auditPolicy: AuditPolicy(), recipients: [], passphrase: true, label: "x")
      let vault = try Vault(location: fixture.location, sources: sources, auditPolicy: AuditPolicy())
      try vault.set("api", value: SecretBytes(Array("FAKE-pass-value".utf8)), options: Vault.SetOptions())
      let again = try Vault(location: fixture.location, sources: sources, auditPolicy: AuditPolicy())
      #expect(String(decoding: try again.read(SecretReference(name: "api")).value.bytes, as: UTF8.self) == "FAKE-pass-value")
      let wrong = try Vault(location: fixture.location, sources: fixture.sources(nil, extra: ["HUSH_PASSPHRASE": "wrong"]), auditPolicy: AuditPolicy())
      #expect(throws: VaultError.self) { _ = try wrong.read(SecretReference(name: "api")) }
    }
  }
}

/// Lowers scrypt's work factor for passphrase tests (debug builds read HUSH_TEST_SCRYPT_LOGN).
func withTestScrypt(_ body: () throws -> Void) rethrows {
  setenv("HUSH_TEST_SCRYPT_LOGN", "10", 1)
  defer { unsetenv("HUSH_TEST_SCRYPT_LOGN") }
  try body()
}

func hex(_ text: String) -> [UInt8] {
  var out: [UInt8] = []
  var index = text.startIndex
  while index < text.endIndex {
    let next = text.index(index, offsetBy: 2)
    out.append(UInt8(text[index..<next], radix: 16)!)
    index = next
  }
  return out
}
