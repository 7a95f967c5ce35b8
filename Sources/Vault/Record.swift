// Secret records `secrets/<name>.json` (VAULT.md §6): versions sealed with HPKE to the vault's public key,
// reader MACs, tombstones, and the strict parser and byte-stable writer.
package import Age
import Crypto
import Foundation

package enum SecretKind: String, Sendable {
  case string, file
  var code: UInt8 { self == .string ? 1 : 2 }
}

package struct SecretVersion: Equatable, Sendable {
  package var seq: UInt32
  package var rid: [UInt8]
  package var epoch: UInt32
  package var created: String
  package var by: String
  package var enc: [UInt8]
  package var ct: [UInt8]
  package var mac: String?
  package var rotated: Bool
  var extra: [String: JSONValue] = [:]

  package var isDeposit: Bool { mac == nil }
  package var ridText: String { Crockford32.encode(rid) }
  /// The padded length bucket: what the ciphertext reveals about the value's length.
  package var lengthBucket: Int { max(0, ct.count - 16) }
}

package struct Tombstone: Equatable, Sendable {
  package var at: String
  package var by: String
  package var lastSeq: UInt32
  package var mac: String
  var extra: [String: JSONValue] = [:]
}

package struct SecretRecord: Equatable, Sendable {
  package static let format = "hush-secret/1"
  package static let metaKeys = ["detector", "env", "expires", "kind", "owner", "provider", "rotate_every"]
  package static let maxFileBytes = 1 << 20
  package static let maxVersions = 64
  package static let maxValueBytes = 256 << 10

  package var name: String
  /// The seven known meta keys, each a string or absent; unknown meta keys are kept in `metaExtra`.
  package var meta: [String: String]
  package var metaMAC: String?
  package var exposures: [JSONValue] = []
  package var versions: [SecretVersion] = []
  package var deleted: Tombstone?
  var metaExtra: [String: JSONValue] = [:]
  var extra: [String: JSONValue] = [:]

  package init(name: String, kind: SecretKind, env: String) {
    self.name = name
    self.meta = ["kind": kind.rawValue, "env": env]
  }

  package var kind: SecretKind { meta["kind"].flatMap(SecretKind.init(rawValue:)) ?? .string }
  package var env: String { meta["env"] ?? defaultEnvironmentName(name) }
  package var highestSeq: UInt32 { max(versions.map(\.seq).max() ?? 0, deleted?.lastSeq ?? 0) }

  /// Versions that share a `seq` (branches merged): the secret is refused until `accept --pick`.
  package var conflictedSeqs: [UInt32] {
    Dictionary(grouping: versions, by: \.seq).filter { $0.value.count > 1 }.keys.sorted()
  }

  // MARK: Crypto

  static func info(vaultID: String) -> Data { Data(Array("hush/v1/record".utf8) + [0] + Array(vaultID.utf8)) }

  package static func aad(vaultID: String, name: String, seq: UInt32, rid: [UInt8], epoch: UInt32, kind: SecretKind, created: UInt64) -> [UInt8] {
    var aad = ByteString("hush/v1/aad")
    aad.u8(0)
    aad.lp(vaultID)
    aad.lp(name)
    aad.u32(seq)
    aad.raw(rid)
    aad.u32(epoch)
    aad.u8(kind.code)
    aad.u64(created)
    return aad.bytes
  }

  func aad(_ version: SecretVersion, vaultID: String) -> [UInt8] {
    SecretRecord.aad(
      vaultID: vaultID, name: name, seq: version.seq, rid: version.rid, epoch: version.epoch, kind: kind,
      created: Timestamp.parse(version.created) ?? 0)
  }

  /// Seals `value` as a new version to `publicKey`: a fresh HPKE sender (so a fresh ephemeral key) every time.
  package func seal(
    _ value: SecretBytes, publicKey: Age.X25519Recipient, vaultID: String, seq: UInt32, epoch: UInt32, by: String,
    rotated: Bool, now: UInt64 = Timestamp.now()
  ) throws(VaultError) -> SecretVersion {
    guard value.count <= SecretRecord.maxValueBytes else {
      throw .failed("the value of '\(name)' is \(value.count) bytes; the limit is 256 KiB: store a file path or split it")
    }
    try checkNotLowOrder(publicKey.rawRepresentation, what: "the vault's public_key")
    let created = Timestamp.format(now)
    let rid = randomBytes(12)
    let aad = SecretRecord.aad(vaultID: vaultID, name: name, seq: seq, rid: rid, epoch: epoch, kind: kind, created: now)
    var padded = value.bytes + [0x80]
    padded += [UInt8](repeating: 0, count: (64 - padded.count % 64) % 64)
    defer { SecretBytes.wipe(&padded) }
    do {
      let key = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: publicKey.rawRepresentation)
      var sender = try HPKE.Sender(recipientKey: key, ciphersuite: .Curve25519_SHA256_ChachaPoly, info: SecretRecord.info(vaultID: vaultID))
      let ciphertext = try sender.seal(padded, authenticating: aad)
      return SecretVersion(
        seq: seq, rid: rid, epoch: epoch, created: created, by: by, enc: Array(sender.encapsulatedKey),
        ct: Array(ciphertext), mac: nil, rotated: rotated)
    } catch {
      throw .failed("could not seal '\(name)': the vault's public key was refused by the HPKE library")
    }
  }

  /// Opens a version with S; every failure is one integrity error naming the file and version.
  package func open(_ version: SecretVersion, key: VaultKey, file: String) throws(VaultError) -> SecretBytes {
    let what = "version \(version.seq)"
    guard version.enc.count == 32 else { throw .integrity(file: file, detail: "\(what): enc is not 32 bytes") }
    var plain: [UInt8]
    do {
      plain = try key.open(
        enc: version.enc, ct: version.ct, aad: aad(version, vaultID: key.vaultID), info: Array(SecretRecord.info(vaultID: key.vaultID)))
    } catch .lowOrderPoint {
      throw .lowOrderPoint("the enc of \(what) in \(file)")
    } catch {
      throw .integrity(file: file, detail: what)
    }
    // Padding: value ‖ 0x80 ‖ zeros, a multiple of 64.
    guard plain.count % 64 == 0, let marker = plain.lastIndex(where: { $0 != 0 }), plain[marker] == 0x80 else {
      SecretBytes.wipe(&plain)
      throw .integrity(file: file, detail: "\(what): bad padding")
    }
    let value = SecretBytes(Array(plain[..<marker]))
    SecretBytes.wipe(&plain)
    return value
  }

  package func versionMACInput(_ version: SecretVersion, vaultID: String) -> [UInt8] {
    var input = ByteString("hush/v1/rec")
    input.raw(aad(version, vaultID: vaultID))
    input.raw(Array(SHA256.hash(data: version.enc + version.ct)))
    return input.bytes
  }

  package func verifies(_ version: SecretVersion, key: VaultKey) -> Bool {
    MAC.verify(version.mac, key, .mac, versionMACInput(version, vaultID: key.vaultID))
  }

  package mutating func signVersion(at index: Int, key: VaultKey) throws(VaultError) {
    versions[index].mac = try MAC.text(key, .mac, versionMACInput(versions[index], vaultID: key.vaultID))
  }

  package func metaMACInput(vaultID: String) -> [UInt8] {
    var input = ByteString("hush/v1/meta")
    input.u8(0)
    input.lp(vaultID)
    input.lp(name)
    for key in SecretRecord.metaKeys {
      if let value = meta[key] {
        input.lp(key)
        input.lp(value)
      }
    }
    return input.bytes
  }

  package mutating func signMeta(_ key: VaultKey) throws(VaultError) { metaMAC = try MAC.text(key, .mac, metaMACInput(vaultID: key.vaultID)) }

  static func tombstoneInput(vaultID: String, name: String, lastSeq: UInt32, at: UInt64) -> [UInt8] {
    var input = ByteString("hush/v1/tomb")
    input.u8(0)
    input.lp(vaultID)
    input.lp(name)
    input.u32(lastSeq)
    input.u64(at)
    return input.bytes
  }

  package func tombstoneVerifies(_ key: VaultKey) -> Bool {
    guard let deleted else { return false }
    return MAC.verify(
      deleted.mac, key, .mac,
      SecretRecord.tombstoneInput(vaultID: key.vaultID, name: name, lastSeq: deleted.lastSeq, at: Timestamp.parse(deleted.at) ?? 0))
  }

  // MARK: Current version

  /// The current version: the highest `seq` whose MAC verifies, or the highest at all when verification is
  /// not required. Without a key, a version with a MAC is taken as verified (a reader's `verify` checks it).
  package func current(key: VaultKey?, requireVerified: Bool) -> SecretVersion? {
    if deleted != nil && versions.isEmpty { return nil }
    let ordered = versions.sorted { $0.seq > $1.seq }
    if !requireVerified { return ordered.first }
    return ordered.first { version in key.map { verifies(version, key: $0) } ?? !version.isDeposit }
  }

  /// `@previous`: the highest verified version below the current one.
  package func previous(key: VaultKey?, requireVerified: Bool) -> SecretVersion? {
    guard let current = current(key: key, requireVerified: requireVerified) else { return nil }
    return versions.sorted { $0.seq > $1.seq }.first { version in
      version.seq < current.seq && (key.map { verifies(version, key: $0) } ?? !version.isDeposit)
    }
  }

  // MARK: JSON

  package static func parse(_ bytes: [UInt8], file: String) throws(VaultError) -> SecretRecord {
    guard bytes.count <= maxFileBytes else { throw .malformed(file: file, detail: "larger than 1 MiB") }
    let value: JSONValue
    do { value = try JSON.parse(bytes) } catch { throw .malformed(file: file, detail: error.description) }
    var fields = try Fields(value, file: file, context: "")
    let format = try fields.string("format")
    guard format == SecretRecord.format else { throw formatError(format, expected: SecretRecord.format, file: file) }
    let name = try fields.string("name")
    var record = SecretRecord(name: name, kind: .string, env: "")
    record.meta = [:]
    if let metaValue = fields.take("meta") {
      var metaFields = try Fields(metaValue, file: file, context: "meta")
      for key in metaKeys {
        if let text = try metaFields.optionalString(key) { record.meta[key] = text }
      }
      record.metaExtra = metaFields.rest
    }
    guard let kindText = record.meta["kind"], SecretKind(rawValue: kindText) != nil else {
      throw .malformed(file: file, detail: "meta.kind must be string or file")
    }
    record.metaMAC = try fields.optionalString("meta_mac")
    record.exposures = try fields.optionalArray("exposures")
    let versionValues = try fields.array("versions")
    guard versionValues.count <= maxVersions else { throw .malformed(file: file, detail: "more than 64 versions") }
    var rids = Set<[UInt8]>()
    for item in versionValues {
      var versionFields = try Fields(item, file: file, context: "versions[]")
      func decode(_ key: String) throws(VaultError) -> [UInt8] {
        guard let bytes = Base64URL.decode(try versionFields.string(key)) else {
          throw versionFields.fail(key, "canonical base64url without padding")
        }
        return bytes
      }
      let enc = try decode("enc")
      let ct = try decode("ct")
      guard enc.count == 32 else { throw versionFields.fail("enc", "32 bytes") }
      guard ct.count >= 80, (ct.count - 16) % 64 == 0, ct.count - 16 <= maxValueBytes + 64 else {
        throw versionFields.fail("ct", "a padded ciphertext (a multiple of 64 bytes plus a 16-byte tag, at most 256 KiB)")
      }
      guard let rid = Crockford32.decode(try versionFields.string("rid"), count: 12) else {
        throw versionFields.fail("rid", "20 lowercase Crockford base32 characters")
      }
      guard rids.insert(rid).inserted else { throw .malformed(file: file, detail: "two versions share one rid") }
      let created = try versionFields.string("created")
      guard Timestamp.parse(created) != nil else { throw versionFields.fail("created", "YYYY-MM-DDTHH:MM:SSZ") }
      var version = SecretVersion(
        seq: try versionFields.uint32("seq"), rid: rid, epoch: try versionFields.uint32("epoch"), created: created,
        by: try versionFields.string("by"), enc: enc, ct: ct, mac: try versionFields.optionalString("mac"),
        rotated: try versionFields.bool("rotated"))
      version.extra = versionFields.rest
      record.versions.append(version)
    }
    if let deletedValue = fields.take("deleted"), !deletedValue.isNull {
      var tombFields = try Fields(deletedValue, file: file, context: "deleted")
      let at = try tombFields.string("at")
      guard Timestamp.parse(at) != nil else { throw tombFields.fail("at", "YYYY-MM-DDTHH:MM:SSZ") }
      var tombstone = Tombstone(
        at: at, by: try tombFields.string("by"), lastSeq: try tombFields.uint32("last_seq"), mac: try tombFields.string("mac"))
      tombstone.extra = tombFields.rest
      record.deleted = tombstone
    }
    record.extra = fields.rest
    return record
  }

  package func serialized() -> [UInt8] {
    var object = extra
    object["format"] = .string(SecretRecord.format)
    object["name"] = .string(name)
    var metaObject = metaExtra
    for key in SecretRecord.metaKeys { metaObject[key] = meta[key].map(JSONValue.string) ?? .null }
    object["meta"] = .object(metaObject)
    object["meta_mac"] = metaMAC.map(JSONValue.string) ?? .null
    object["exposures"] = .array(exposures)
    object["versions"] = .array(
      versions.sorted { ($0.seq, $0.ridText) > ($1.seq, $1.ridText) }.map { version in
        var fields = version.extra
        fields["seq"] = .int(version.seq)
        fields["rid"] = .string(version.ridText)
        fields["epoch"] = .int(version.epoch)
        fields["created"] = .string(version.created)
        fields["by"] = .string(version.by)
        fields["enc"] = .string(Base64URL.encode(version.enc))
        fields["ct"] = .string(Base64URL.encode(version.ct))
        fields["mac"] = version.mac.map(JSONValue.string) ?? .null
        fields["rotated"] = .bool(version.rotated)
        return .object(fields)
      })
    if let deleted {
      var fields = deleted.extra
      fields["at"] = .string(deleted.at)
      fields["by"] = .string(deleted.by)
      fields["last_seq"] = .int(deleted.lastSeq)
      fields["mac"] = .string(deleted.mac)
      object["deleted"] = .object(fields)
    }
    return JSON.write(.object(object))
  }
}
