// `vault.json` (VAULT.md §5): the vault's public header, members and policy under the reader MAC.
package import Crypto

package struct Member: Equatable, Sendable {
  package var label: String
  package var recipient: String
  package var role: String
  package var added: String
  package var addedBy: String
  var extra: [String: JSONValue] = [:]

  package init(label: String, recipient: String, role: String, added: String, addedBy: String) {
    self.label = label
    self.recipient = recipient
    self.role = role
    self.added = added
    self.addedBy = addedBy
  }
}

package struct EpochEntry: Equatable, Sendable {
  package var epoch: UInt32
  package var at: String
  package var reason: String
  package var by: String
  var extra: [String: JSONValue] = [:]
}

package struct Policy: Equatable, Sendable {
  package var deposit = "allow"
  package var maxVersions: UInt32 = 3
  package var requireVerified = true
  package var rotateEveryDefault = "180d"
  var extra: [String: JSONValue] = [:]
}

package struct Recovery: Equatable, Sendable {
  package var threshold: UInt8
  package var shares: UInt8
  package var created: String
  var extra: [String: JSONValue] = [:]
}

package struct VaultHeader: Equatable, Sendable {
  package static let format = "hush-vault/1"
  package static let suite = "hpke-x25519-sha256-chacha20poly1305"

  package var vaultID: String
  package var name: String
  package var epoch: UInt32
  package var suite = VaultHeader.suite
  package var publicKey: String
  package var members: [Member]
  package var policy = Policy()
  package var recovery: Recovery?
  package var epochs: [EpochEntry] = []
  package var mac: String?
  var extra: [String: JSONValue] = [:]

  package init(vaultID: String, name: String, epoch: UInt32, publicKey: String, members: [Member]) {
    self.vaultID = vaultID
    self.name = name
    self.epoch = epoch
    self.publicKey = publicKey
    self.members = members
  }

  /// `hv1-` + 12 random bytes in lowercase Crockford base32.
  package static func newVaultID() -> String { "hv1-" + Crockford32.encode(randomBytes(12)) }

  package var isPassphraseVault: Bool { members.isEmpty }

  // MARK: MAC

  /// The typed byte string the reader MAC covers (never re-serialized JSON).
  package var macInput: [UInt8] {
    var input = ByteString("hush/v1/vault")
    input.u8(0)
    input.lp(vaultID)
    input.lp(name)
    input.u32(epoch)
    input.lp(suite)
    input.lp(publicKey)
    input.u16(UInt16(clamping: members.count))
    for member in members.sorted(by: { $0.label < $1.label }) {
      input.lp(member.label)
      input.lp(member.recipient)
      input.lp(member.role)
      input.lp(member.added)
      input.lp(member.addedBy)
    }
    input.u8(policy.requireVerified ? 1 : 0)
    input.u32(policy.maxVersions)
    input.lp(policy.rotateEveryDefault)
    input.lp(policy.deposit)
    input.u8(recovery?.threshold ?? 0)
    input.u8(recovery?.shares ?? 0)
    input.lp(recovery?.created)
    input.u16(UInt16(clamping: epochs.count))
    for entry in epochs {
      input.u32(entry.epoch)
      input.lp(entry.at)
      input.lp(entry.reason)
      input.lp(entry.by)
    }
    return input.bytes
  }

  package mutating func sign(_ key: VaultKey) throws(VaultError) { mac = try MAC.text(key, .mac, macInput) }
  package func verifyMAC(_ key: VaultKey) -> Bool { MAC.verify(mac, key, .mac, macInput) }

  // MARK: JSON

  package static func parse(_ bytes: [UInt8], file: String) throws(VaultError) -> VaultHeader {
    let value: JSONValue
    do { value = try JSON.parse(bytes) } catch { throw .malformed(file: file, detail: error.description) }
    var fields = try Fields(value, file: file, context: "")
    let format = try fields.string("format")
    guard format == VaultHeader.format else { throw formatError(format, expected: VaultHeader.format, file: file) }
    var header = VaultHeader(
      vaultID: try fields.string("vault_id"), name: try fields.string("name"), epoch: try fields.uint32("epoch"),
      publicKey: try fields.string("public_key"), members: [])
    guard header.vaultID.hasPrefix("hv1-"), Crockford32.decode(String(header.vaultID.dropFirst(4)), count: 12) != nil else {
      throw .malformed(file: file, detail: "vault_id must be hv1- and 20 lowercase Crockford base32 characters")
    }
    header.suite = try fields.string("suite")
    guard header.suite == VaultHeader.suite else {
      throw .malformed(file: file, detail: "suite \(header.suite) is not supported by this hush; upgrade hush")
    }
    header.mac = try fields.optionalString("mac")
    for item in try fields.array("members") {
      var memberFields = try Fields(item, file: file, context: "members[]")
      var member = Member(
        label: try memberFields.string("label"), recipient: try memberFields.string("recipient"),
        role: try memberFields.string("role"), added: try memberFields.string("added"),
        addedBy: try memberFields.string("added_by"))
      member.extra = memberFields.rest
      header.members.append(member)
    }
    if let policyValue = fields.take("policy") {
      var policyFields = try Fields(policyValue, file: file, context: "policy")
      header.policy.deposit = try policyFields.string("deposit")
      header.policy.maxVersions = try policyFields.uint32("max_versions")
      header.policy.requireVerified = try policyFields.bool("require_verified")
      header.policy.rotateEveryDefault = try policyFields.string("rotate_every_default")
      header.policy.extra = policyFields.rest
      guard ["allow", "deny"].contains(header.policy.deposit) else { throw policyFields.fail("deposit", "allow or deny") }
      guard (1...64).contains(header.policy.maxVersions) else { throw policyFields.fail("max_versions", "1 to 64") }
      guard Timestamp.duration(header.policy.rotateEveryDefault) != nil else {
        throw policyFields.fail("rotate_every_default", "a duration such as 180d")
      }
    }
    if let recoveryValue = fields.take("recovery"), !recoveryValue.isNull {
      var outer = try Fields(recoveryValue, file: file, context: "recovery")
      if let shamir = outer.take("shamir") {
        var shamirFields = try Fields(shamir, file: file, context: "recovery.shamir")
        let threshold = try shamirFields.uint32("threshold")
        let shares = try shamirFields.uint32("shares")
        guard threshold >= 2, threshold <= shares, shares <= 255 else {
          throw shamirFields.fail("threshold", "between 2 and shares (at most 255)")
        }
        var recovery = Recovery(
          threshold: UInt8(threshold), shares: UInt8(shares), created: try shamirFields.string("created"))
        recovery.extra = shamirFields.rest
        header.recovery = recovery
      }
    }
    for item in try fields.optionalArray("epochs") {
      var entryFields = try Fields(item, file: file, context: "epochs[]")
      var entry = EpochEntry(
        epoch: try entryFields.uint32("epoch"), at: try entryFields.string("at"), reason: try entryFields.string("reason"),
        by: try entryFields.string("by"))
      entry.extra = entryFields.rest
      header.epochs.append(entry)
    }
    header.extra = fields.rest
    guard header.members.count <= 1000 else { throw .malformed(file: file, detail: "more than 1000 members") }
    let labels = header.members.map(\.label)
    guard Set(labels).count == labels.count else { throw .malformed(file: file, detail: "two members share a label") }
    return header
  }

  package func serialized() -> [UInt8] {
    var object = extra
    object["format"] = .string(VaultHeader.format)
    object["vault_id"] = .string(vaultID)
    object["name"] = .string(name)
    object["epoch"] = .int(epoch)
    object["suite"] = .string(suite)
    object["public_key"] = .string(publicKey)
    object["mac"] = mac.map(JSONValue.string) ?? .null
    object["members"] = .array(
      members.sorted { $0.label < $1.label }.map { member in
        var fields = member.extra
        fields["label"] = .string(member.label)
        fields["recipient"] = .string(member.recipient)
        fields["role"] = .string(member.role)
        fields["added"] = .string(member.added)
        fields["added_by"] = .string(member.addedBy)
        return .object(fields)
      })
    var policyObject = policy.extra
    policyObject["deposit"] = .string(policy.deposit)
    policyObject["max_versions"] = .int(policy.maxVersions)
    policyObject["require_verified"] = .bool(policy.requireVerified)
    policyObject["rotate_every_default"] = .string(policy.rotateEveryDefault)
    object["policy"] = .object(policyObject)
    if let recovery {
      var shamir = recovery.extra
      shamir["threshold"] = .int(recovery.threshold)
      shamir["shares"] = .int(recovery.shares)
      shamir["created"] = .string(recovery.created)
      object["recovery"] = .object(["shamir": .object(shamir)])
    }
    object["epochs"] = .array(
      epochs.map { entry in
        var fields = entry.extra
        fields["epoch"] = .int(entry.epoch)
        fields["at"] = .string(entry.at)
        fields["reason"] = .string(entry.reason)
        fields["by"] = .string(entry.by)
        return .object(fields)
      })
    return JSON.write(.object(object))
  }
}

func formatError(_ format: String, expected: String, file: String) -> VaultError {
  let family = expected.split(separator: "/").first.map(String.init) ?? expected
  if format.hasPrefix(family + "/") {
    return .failed("\(file) uses format \(format); upgrade hush")
  }
  return .malformed(file: file, detail: "format must be \(expected), found \(format)")
}
