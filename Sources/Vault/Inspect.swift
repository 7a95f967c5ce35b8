// Read-only views of a vault: `list`, `verify [--against]`, `stale` (VAULT.md §9, §14).

package struct SecretStatus: Sendable {
  package var name: String
  package var env: String
  package var kind: String
  package var seq: UInt32?
  /// verified, unverified, conflict, deleted
  package var status: String
  package var lastRotation: String?
  package var due: String?
  package var versions: Int
}

package struct StaleItem: Sendable, Equatable {
  /// overdue, expiring, exposed, unverified, conflict, unreferenced, dangling
  package var category: String
  package var name: String
  package var detail: String
}

extension Vault {
  /// Name, variable, kind, current `seq`, status, last rotation and due date; never values. Anyone can list:
  /// without a key, a version that carries a MAC is shown as verified (a reader's `verify` checks it).
  package func list() throws(VaultError) -> [SecretStatus] {
    let key = reader?.key
    var out: [SecretStatus] = []
    for name in recordNames {
      guard let record = try record(name) else { continue }
      let current = record.current(key: key, requireVerified: true)
      var status = "verified"
      if !record.conflictedSeqs.isEmpty {
        status = "conflict"
      } else if record.deleted != nil && record.versions.isEmpty {
        status = "deleted"
      } else if current == nil || record.versions.contains(where: { $0.seq > current!.seq }) {
        status = "unverified"
      }
      let rotation = lastRotation(record)
      var due: String?
      if let rotation, let every = Timestamp.duration(record.meta["rotate_every"] ?? header.policy.rotateEveryDefault),
        let at = Timestamp.parse(rotation)
      {
        due = Timestamp.format(at + every)
      }
      out.append(
        SecretStatus(
          name: name, env: record.env, kind: record.kind.rawValue, seq: (current ?? record.versions.max { $0.seq < $1.seq })?.seq,
          status: status, lastRotation: rotation, due: due, versions: record.versions.count))
    }
    return out
  }

  private func lastRotation(_ record: SecretRecord) -> String? {
    record.versions.filter { !$0.isDeposit }.max { $0.seq < $1.seq }?.created ?? record.versions.max { $0.seq < $1.seq }?.created
  }

  /// Formats and limits (anyone), MACs (readers), and, given the files at an earlier commit, that history only
  /// moves forward: `seq` never decreases, records do not vanish without a tombstone, and `public_key` and
  /// `vault_id` do not change without a new epoch.
  package func verify(against earlier: (header: [UInt8]?, records: [String: [UInt8]])? = nil) -> [String] {
    var problems: [String] = []
    let key = reader?.key
    if let key {
      if !header.verifyMAC(key) {
        let pending = pendingMembers(key)
        if pending.isEmpty {
          problems.append("vault.json: the header MAC does not verify; it was edited without the vault key")
        } else {
          problems.append("vault.json: members changed without the vault key: pending \(pending.map { "'\($0.label)' \($0.recipient)" }.joined(separator: ", "))")
        }
      }
    }
    for member in header.members {
      do { _ = try Vault.parseRecipient(member.recipient) } catch {
        problems.append("vault.json: member '\(member.label)': \(error)")
      }
    }
    if !header.isPassphraseVault, header.members.isEmpty { problems.append("vault.json: no members") }
    var current: [String: SecretRecord] = [:]
    for name in recordNames {
      let file = location.relative(location.secretPath(name))
      let record: SecretRecord
      do {
        guard let parsed = try self.record(name) else { continue }
        record = parsed
      } catch {
        problems.append("\(error)")
        continue
      }
      current[name] = record
      if let problem = validateSecretName(name) { problems.append("\(file): \(problem)") }
      for seq in record.conflictedSeqs { problems.append("\(file): two versions with seq \(seq) (conflict)") }
      for version in record.versions where version.epoch > header.epoch {
        problems.append("\(file): version \(version.seq) is from epoch \(version.epoch), after the vault's \(header.epoch)")
      }
      guard let key else { continue }
      for version in record.versions where !version.isDeposit {
        if version.epoch == header.epoch && !record.verifies(version, key: key) {
          problems.append("\(file): version \(version.seq) MAC does not verify")
        } else if version.epoch == header.epoch {
          do { _ = try record.open(version, key: key, file: file) } catch { problems.append("\(error)") }
        }
      }
      if record.metaMAC != nil && !MAC.verify(record.metaMAC, key, .mac, record.metaMACInput(vaultID: key.vaultID)) {
        problems.append("\(file): meta_mac does not verify (meta edited without the vault key)")
      }
      if record.deleted != nil && !record.tombstoneVerifies(key) {
        problems.append("\(file): the tombstone's MAC does not verify")
      }
    }
    if let earlier {
      if let bytes = earlier.header, let old = try? VaultHeader.parse(bytes, file: "vault.json") {
        if old.vaultID != header.vaultID { problems.append("vault.json: vault_id changed from \(old.vaultID)") }
        if old.publicKey != header.publicKey && header.epoch <= old.epoch {
          problems.append("vault.json: public_key changed without a new epoch (a swapped key would make deposits readable by someone else)")
        }
        if header.epoch < old.epoch { problems.append("vault.json: epoch went back from \(old.epoch) to \(header.epoch)") }
        let added = header.members.filter { member in !old.members.contains { $0.recipient == member.recipient } }
        if key == nil, !added.isEmpty, header.mac == old.mac {
          problems.append("vault.json: members \(added.map(\.label).joined(separator: ", ")) were added but the header MAC did not change")
        }
      }
      for (name, bytes) in earlier.records {
        guard let old = try? SecretRecord.parse(bytes, file: name) else { continue }
        guard let now = current[name] else {
          problems.append("secrets/\(name).json vanished without a tombstone (hush vault rm leaves one)")
          continue
        }
        if now.highestSeq < old.highestSeq {
          problems.append("secrets/\(name).json: seq went back from \(old.highestSeq) to \(now.highestSeq) (a rollback)")
        }
        if old.deleted != nil && now.deleted == nil && now.highestSeq <= old.highestSeq {
          problems.append("secrets/\(name).json: the tombstone was removed")
        }
      }
    }
    return problems
  }

  /// Overdue, expiring within 14 days, exposed and not rotated since, unverified, conflicts, and, given the
  /// references found in tracked files and env.toml, unreferenced secrets and dangling references.
  package func stale(references: [String: [String]]?, now: UInt64 = Timestamp.now()) throws(VaultError) -> [StaleItem] {
    var items: [StaleItem] = []
    var live = Set<String>()
    for status in try list() {
      guard let record = try record(status.name) else { continue }
      if status.status == "deleted" { continue }
      live.insert(status.name)
      if status.status == "conflict" { items.append(StaleItem(category: "conflict", name: status.name, detail: "two versions share a seq; run: hush vault accept \(status.name) --pick RID")) }
      if record.versions.contains(where: \.isDeposit) {
        items.append(StaleItem(category: "unverified", name: status.name, detail: "a deposit waits for review; run: hush vault accept \(status.name)"))
      }
      if let due = status.due, let dueAt = Timestamp.parse(due), dueAt < now {
        items.append(StaleItem(category: "overdue", name: status.name, detail: "rotation was due \(due)"))
      }
      if let expires = record.meta["expires"], let at = Timestamp.parse(expires), at < now + 14 * 86400 {
        items.append(StaleItem(category: "expiring", name: status.name, detail: at < now ? "expired \(expires)" : "expires \(expires)"))
      }
      let lastRotated = record.versions.filter(\.rotated).compactMap { Timestamp.parse($0.created) }.max() ?? 0
      for exposure in record.exposures {
        guard let object = exposure.object else { continue }
        let found = object["found"]?.string.flatMap(Timestamp.parse) ?? 0
        if found >= lastRotated {
          let kind = object["kind"]?.string ?? "exposure"
          items.append(StaleItem(category: "exposed", name: status.name, detail: "\(kind) since \(object["found"]?.string ?? "?"); rotate it at the provider, then: hush vault rotate \(status.name)"))
          break
        }
      }
    }
    if let references {
      let referenced = Set(references.keys)
      for name in live.sorted() where !referenced.contains(name) {
        items.append(StaleItem(category: "unreferenced", name: name, detail: "no reference in tracked files or env.toml"))
      }
      for (name, places) in references.sorted(by: { $0.key < $1.key }) where !live.contains(name) {
        items.append(StaleItem(category: "dangling", name: name, detail: "referenced in \(places.prefix(3).joined(separator: ", ")) but not in vault '\(location.name)'"))
      }
    }
    return items
  }
}

extension Vault {
  /// The secret whose current or retained value is `value` (a reader compares inside the vault; nothing is
  /// hashed without a key).
  package func secretHolding(_ value: [UInt8]) throws(VaultError) -> String? {
    let reader = try unlock()
    for name in recordNames {
      guard let record = try record(name) else { continue }
      for version in record.versions where version.epoch == header.epoch && record.verifies(version, key: reader.key) {
        if let opened = try? record.open(version, key: reader.key, file: name), opened.bytes == value { return name }
      }
    }
    return nil
  }

  /// Adds an exposure (e.g. found in git history) to a secret, once per commit; `stale` reports it until a
  /// rotation newer than it.
  package func recordExposure(_ name: String, exposure: [String: JSONValue]) throws(VaultError) -> Bool {
    let lock = try FileLock(location.lockPath)
    _ = lock
    let reader = try unlock()
    guard var record = try record(name) else { return false }
    if record.exposures.contains(where: { $0.object?["commit"] == exposure["commit"] && $0.object?["kind"] == exposure["kind"] }) { return false }
    record.exposures.append(.object(exposure))
    try write(record)
    try audit.append(AuditEvent(op: "fix", names: [name]), epoch: header.epoch, key: reader.key, actorKey: reader.actor)
    return true
  }
}
