// Creating a vault, members, approval and rekey (VAULT.md §5, §8).
package import Age
import Durable

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Vault {
  /// scrypt work factor for passphrase files: 18 (age's default); test builds may lower it.
  package static var scryptLogN: Int {
    #if DEBUG
      if let value = getenv("HUSH_TEST_SCRYPT_LOGN"), let logN = Int(String(cString: value)) { return logN }
    #endif
    return 18
  }

  package struct InitResult {
    package var header: VaultHeader
    /// Set when init created the caller's identity: its path and recipient (never the key).
    package var createdIdentity: (path: String, recipient: String)?
  }

  /// Creates a vault: S, P, `vault_id`, `identity.age` (key material first), then `vault.json`.
  package static func initialize(
    location: VaultLocation, sources: KeySources, auditPolicy: AuditPolicy, recipients: [String], passphrase: Bool,
    label: String
  ) throws(VaultError) -> InitResult {
    try Files.makeDirectory(location.hushDirectory, mode: 0o755)
    let lock = try FileLock(location.lockPath)
    _ = lock
    guard !Files.exists(location.headerPath) else {
      throw .failed("vault '\(location.name)' already exists in \(location.relative(location.directory)); add members with: hush vault member add")
    }
    let now = Timestamp.format(Timestamp.now())
    var members: [Member] = []
    var created: (path: String, recipient: String)?
    var secretPassphrase: SecretBytes?
    var actor = "passphrase"
    if passphrase {
      guard recipients.isEmpty else { throw .usage("a passphrase vault has no members; drop --recipient or --passphrase") }
      let first = try sources.passphrase("new passphrase for vault '\(location.name)': ")
      if sources.environment["HUSH_PASSPHRASE"] == nil {
        let again = try sources.passphrase("repeat the passphrase: ")
        guard again.bytes == first.bytes else { throw .usage("the passphrases differ; nothing was created") }
      }
      secretPassphrase = first
    } else {
      // The caller's own identity: found, or created once in the XDG config directory.
      var own = (try? IdentityLoader.candidates(sources))?.identities.first?.identity
      if own == nil {
        let identity = Age.X25519Identity.generate()
        let path = sources.defaultIdentityPath
        try Files.makeDirectory(String(path[..<path.lastIndex(of: "/")!]), mode: 0o700)
        let text = "# created: \(now)\n# public key: \(identity.recipient.string)\n\(identity.string)\n"
        try Files.writeAtomically(Array(text.utf8), to: path, mode: 0o600)
        created = (path, identity.recipient.string)
        own = identity
      }
      let mine = own!.recipient.string
      actor = recipientFingerprint(mine)
      members.append(Member(label: label, recipient: mine, role: "member", added: now, addedBy: actor))
      for (index, text) in recipients.enumerated() {
        let recipient = try parseRecipient(text)
        guard !members.contains(where: { $0.recipient == recipient.string }) else { continue }
        members.append(
          Member(label: "member-\(index + 1)", recipient: recipient.string, role: "member", added: now, addedBy: actor))
      }
    }
    let vaultID = VaultHeader.newVaultID()
    let key = VaultKey.generate(vaultID: vaultID)
    var header = VaultHeader(vaultID: vaultID, name: location.name, epoch: 1, publicKey: key.publicKey.string, members: members)
    header.epochs = [EpochEntry(epoch: 1, at: now, reason: "init", by: actor)]
    try header.sign(key)
    try Files.makeDirectory(location.secretsDirectory, mode: 0o755)
    let wrapped = try wrap(key, members: members, passphrase: secretPassphrase)
    try Files.writeAtomically(wrapped, to: location.identityPath, mode: 0o644)
    try Files.writeAtomically(header.serialized(), to: location.headerPath, mode: 0o644)
    try writeGitFiles(location)
    let log = AuditLog(stateDirectory: sources.stateDirectory, vaultID: vaultID, policy: auditPolicy)
    var opened = key
    opened.epoch = 1
    try log.append(AuditEvent(op: "init"), epoch: 1, key: opened, actorKey: actor)
    return InitResult(header: header, createdIdentity: created)
  }

  /// `.hush/.gitattributes` (merge and diff drivers for records) and `.hush/.gitignore` (the lock file).
  static func writeGitFiles(_ location: VaultLocation) throws(VaultError) {
    let attributes = location.hushDirectory + "/.gitattributes"
    if !Files.exists(attributes) {
      let text = "vaults/*/secrets/** merge=hush diff=hush\nvaults/*/vault.json merge=hush\nvaults/*/identity.age -diff merge=hush\n"
      try Files.writeAtomically(Array(text.utf8), to: attributes, mode: 0o644)
    }
    let ignore = location.hushDirectory + "/.gitignore"
    if !Files.exists(ignore) {
      try Files.writeAtomically(Array(".lock\n.txn/\n.hush-tmp-*\n".utf8), to: ignore, mode: 0o644)
    }
  }

  /// Parses a recipient given on the command line: valid, and not a low-order point.
  package static func parseRecipient(_ text: String) throws(VaultError) -> Age.X25519Recipient {
    let cleaned = IdentityLoader.clean(text)
    if cleaned.uppercased().hasPrefix("AGE-SECRET-KEY-1") {
      throw .usage("that is a secret key, not a recipient; give the age1… public key (never share the AGE-SECRET-KEY line)")
    }
    do {
      return try Age.X25519Recipient(string: cleaned)
    } catch Age.AgeError.lowOrderPoint {
      throw .lowOrderPoint("recipient \(cleaned)")
    } catch {
      throw .usage("'\(cleaned)' is not an age X25519 recipient (age1…)")
    }
  }

  /// `identity.age`: S encrypted to every member, or to the passphrase.
  static func wrap(_ key: VaultKey, members: [Member], passphrase: SecretBytes?) throws(VaultError) -> [UInt8] {
    do {
      if let passphrase {
        return try Age.encrypt(try key.secret(for: "re-encrypting the vault key").bytes, passphrase: passphrase.bytes, logN: scryptLogN)
      }
      guard !members.isEmpty else { throw VaultError.failed("a vault needs at least one member; nothing was written") }
      var recipients: [Age.X25519Recipient] = []
      for member in members { recipients.append(try parseRecipient(member.recipient)) }
      return try Age.encrypt(try key.secret(for: "re-encrypting the vault key").bytes, to: recipients)
    } catch let error as VaultError {
      throw error
    } catch {
      throw .failed("could not encrypt the vault key: \(error)")
    }
  }

  // MARK: Members

  package func addMember(label: String, recipient text: String, role: String = "member") throws(VaultError) {
    guard !header.isPassphraseVault else { throw .usage("vault '\(location.name)' is a passphrase vault; it has no members") }
    guard !label.isEmpty, label.utf8.count <= 64, !label.contains(where: { $0.isWhitespace }) else {
      throw .usage("member label '\(label)' must be 1 to 64 characters without spaces")
    }
    let recipient = try Vault.parseRecipient(text)
    let lock = try FileLock(location.lockPath)
    _ = lock
    let reader = try unlock(needsSecret: true)
    if header.members.contains(where: { $0.label == label }) { throw .usage("a member is already labelled '\(label)'") }
    if let existing = header.members.first(where: { $0.recipient == recipient.string }) {
      throw .usage("\(recipient.string) is already a member, as '\(existing.label)'")
    }
    header.members.append(
      Member(label: label, recipient: recipient.string, role: role, added: Timestamp.format(Timestamp.now()), addedBy: reader.actor))
    header.members.sort { $0.label < $1.label }
    try rewrap(reader)
    try audit.append(AuditEvent(op: "member.add", names: [label]), epoch: header.epoch, key: reader.key, actorKey: reader.actor)
  }

  /// Re-encrypts S to the current member list: `identity.age` first, then the signed header.
  private func rewrap(_ reader: Reader) throws(VaultError) {
    let wrapped = try Vault.wrap(reader.key, members: header.members, passphrase: header.isPassphraseVault ? reader.passphrase : nil)
    let previous = try? Files.read(location.identityPath, limit: 1 << 20)
    try Files.writeAtomically(wrapped, to: location.identityPath, mode: 0o644)
    do {
      try header.sign(reader.key)
      try writeHeader()
    } catch {
      // The header could not be written (a full disk): take the new wrapping back, so no key opens S
      // that vault.json does not list. (A kill here leaves it wrapped; running the command again settles it.)
      if let previous { try? Files.writeAtomically(previous, to: location.identityPath, mode: 0o644) }
      throw error
    }
  }

  /// Approves members added without the vault key (an injected recipient, or additions on two branches):
  /// those named (all pending when none are) stay, other pending ones are dropped; S is rewrapped.
  package func approve(_ labels: [String]) throws(VaultError) -> (approved: [Member], dropped: [Member]) {
    let lock = try FileLock(location.lockPath)
    _ = lock
    let reader = try unlock(allowPendingMembers: true, needsSecret: true)
    var pending = pendingMembers(reader.key)
    if pending.isEmpty && !header.verifyMAC(reader.key) {
      // Not explainable by added members alone: approve the whole header as it stands, if asked by name.
      guard !labels.isEmpty else {
        throw .failed("vault.json changed without the vault key in more than its member list; restore it from git, or approve members by label")
      }
      pending = header.members.filter { labels.contains($0.label) }
    }
    let unknown = labels.filter { label in !pending.contains { $0.label == label } }
    guard unknown.isEmpty else { throw .usage("no pending member labelled \(unknown.joined(separator: ", ")); see: hush vault member list") }
    let approved = labels.isEmpty ? pending : pending.filter { labels.contains($0.label) }
    let dropped = pending.filter { member in !approved.contains { $0.label == member.label } }
    header.members.removeAll { member in dropped.contains { $0.label == member.label } }
    for member in approved { _ = try Vault.parseRecipient(member.recipient) }
    try rewrap(reader)
    try audit.append(AuditEvent(op: "member.add", names: approved.map(\.label)), epoch: header.epoch, key: reader.key, actorKey: reader.actor)
    return (approved, dropped)
  }

  /// Removes a member: rekeys so the removed key opens nothing new, and marks every secret exposed.
  package func removeMember(label: String) throws(VaultError) {
    guard header.members.contains(where: { $0.label == label }) else {
      throw .usage("no member labelled '\(label)'; see: hush vault member list")
    }
    guard header.members.count > 1 else {
      throw .failed("'\(label)' is the last member; removing it would lock everyone out. Add another member first")
    }
    try rekey(reason: "member-removed:\(label)", removing: label)
  }

  // MARK: Rekey

  /// New S′/P′ at epoch + 1, journaled so that a crash at any step leaves every record openable with the old
  /// or the new key: new `identity.age` durable in the journal, then records, then `identity.age`, `vault.json`.
  package func rekey(reason: String = "rekey", removing: String? = nil) throws(VaultError) {
    let lock = try FileLock(location.lockPath)
    _ = lock
    let reader = try unlock(needsSecret: true)
    var members = header.members
    if let removing { members.removeAll { $0.label == removing } }
    let newKey = VaultKey.generate(vaultID: header.vaultID)
    let wrapped = try Vault.wrap(newKey, members: members, passphrase: header.isPassphraseVault ? reader.passphrase : nil)
    let journal = rekeyJournal
    try Files.makeDirectory(journal, mode: 0o700)
    try Files.writeAtomically(wrapped, to: journal + "/identity.age", mode: 0o600)
    var plan: [String: JSONValue] = [
      "op": .string("rekey"), "vault": .string(location.name), "old_epoch": .int(header.epoch),
      "new_epoch": .int(header.epoch + 1), "public_key": .string(newKey.publicKey.string), "reason": .string(reason),
      "by": .string(reader.actor),
    ]
    if let removing { plan["removing"] = .string(removing) }
    try Files.writeAtomically(JSON.write(.object(plan)), to: journal + "/plan.json", mode: 0o600)
    try Files.writeAtomically(Array("planned\n".utf8), to: journal + "/state", mode: 0o600)
    CrashPoint.hit("rekey.journaled")
    var next = newKey
    next.epoch = header.epoch + 1
    try finishRekey(old: reader.key, new: next, plan: plan, wrapped: wrapped)
  }

  /// `rekey --resume`: finishes an interrupted rekey from its journal.
  package func resumeRekey() throws(VaultError) {
    let lock = try FileLock(location.lockPath)
    _ = lock
    let journal = rekeyJournal
    guard Files.exists(journal + "/state") else { throw .failed("no interrupted rekey of vault '\(location.name)'; nothing to resume") }
    let plan = try JSON.parseFile(journal + "/plan.json")
    guard let newEpoch = plan["new_epoch"]?.uint.flatMap({ UInt32(exactly: $0) }), let newPublic = plan["public_key"]?.string else {
      throw .malformed(file: journal + "/plan.json", detail: "missing new_epoch or public_key")
    }
    let wrapped = try Files.read(journal + "/identity.age", limit: 1 << 20)
    let newOpened = try openIdentityFile(wrapped, shown: journal + "/identity.age")
    var newKey = try VaultKey(
      secret: newOpened.secret, vaultID: header.vaultID, expected: try? Age.X25519Recipient(string: newPublic), file: journal + "/identity.age")
    newKey.epoch = newEpoch
    // The old key: from identity.age, unless that file was already replaced.
    let current = try openIdentityFile(try Files.read(location.identityPath, limit: 1 << 20), shown: location.relative(location.identityPath))
    var oldKey: VaultKey? = nil
    if current.secret.bytes != newOpened.secret.bytes {
      var key = try makeKey(current.secret, file: location.relative(location.identityPath))
      key.epoch = header.epoch
      oldKey = key
    }
    reader = Reader(key: oldKey ?? newKey, actor: newOpened.actor, passphrase: newOpened.passphrase)
    try finishRekey(old: oldKey, new: newKey, plan: plan, wrapped: wrapped)
  }

  private func finishRekey(old: VaultKey?, new: VaultKey, plan: [String: JSONValue], wrapped: [UInt8]) throws(VaultError) {
    let removing = plan["removing"]?.string
    let now = Timestamp.format(Timestamp.now())
    for name in recordNames {
      guard var record = try record(name) else { continue }
      let file = location.relative(location.secretPath(name))
      var changed = false
      var kept: [SecretVersion] = []
      for version in record.versions {
        if version.epoch == new.epoch {
          kept.append(version)
          continue
        }
        guard let old else { throw .failed("\(file) still has version \(version.seq) in epoch \(version.epoch) but the old key is gone; restore identity.age from git and resume") }
        let verified = record.verifies(version, key: old)
        let value: SecretBytes
        do { value = try record.open(version, key: old, file: file) } catch {
          Diagnostics.warn("\(file) version \(version.seq) does not open (\(error)); it is dropped by the rekey (git history keeps it)")
          changed = true
          continue
        }
        var resealed = try record.seal(
          value, publicKey: new.publicKey, vaultID: new.vaultID, seq: version.seq, epoch: new.epoch, by: version.by,
          rotated: version.rotated, now: Timestamp.parse(version.created) ?? Timestamp.now())
        resealed.extra = version.extra
        kept.append(resealed)
        if verified {
          record.versions = kept
          try record.signVersion(at: kept.count - 1, key: new)
          kept = record.versions
        }
        changed = true
      }
      if old.map({ record.metaMAC != nil && MAC.verify(record.metaMAC, $0, .mac, record.metaMACInput(vaultID: $0.vaultID)) }) ?? false {
        changed = true
      }
      record.versions = kept
      if changed {
        if record.metaMAC != nil { try record.signMeta(new) }
        if let deleted = record.deleted {
          record.deleted?.mac = try MAC.text(
            new, .mac, SecretRecord.tombstoneInput(vaultID: new.vaultID, name: name, lastSeq: deleted.lastSeq, at: Timestamp.parse(deleted.at) ?? 0))
        }
        if let removing, !record.versions.isEmpty {
          record.exposures.append(.object(["kind": .string("former-member"), "found": .string(now), "member": .string(removing)]))
        }
        try write(record)
        CrashPoint.hit("rekey.record")
      }
    }
    try Files.writeAtomically(wrapped, to: location.identityPath, mode: 0o644)
    CrashPoint.hit("rekey.identity")
    if let removing { header.members.removeAll { $0.label == removing } }
    if header.epoch != new.epoch {
      header.epoch = new.epoch
      header.publicKey = new.publicKey.string
      header.epochs.append(EpochEntry(epoch: new.epoch, at: now, reason: plan["reason"]?.string ?? "rekey", by: plan["by"]?.string ?? "?"))
    }
    try header.sign(new)
    try writeHeader()
    CrashPoint.hit("rekey.header")
    let journal = rekeyJournal
    Files.remove(journal + "/state")
    Files.remove(journal + "/plan.json")
    Files.remove(journal + "/identity.age")
    rmdir(journal)
    reader = Reader(key: new, actor: reader?.actor ?? "?", passphrase: reader?.passphrase)
    try audit.append(
      AuditEvent(op: removing == nil ? "rekey" : "member.rm", names: removing.map { [$0] } ?? []), epoch: new.epoch, key: new,
      actorKey: reader?.actor)
  }
}

extension JSON {
  /// A JSON object from a file (journals' plan.json).
  package static func parseFile(_ path: String) throws(VaultError) -> [String: JSONValue] {
    do {
      guard let object = try JSON.parse(try Files.read(path, limit: 1 << 20)).object else {
        throw VaultError.malformed(file: path, detail: "not a JSON object")
      }
      return object
    } catch let error as VaultError {
      throw error
    } catch {
      throw .malformed(file: path, detail: "\(error)")
    }
  }
}
