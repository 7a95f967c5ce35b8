// One vault on disk: `.hush/vaults/<name>/` (VAULT.md §4–§8), and the operations on it.
package import Age

package struct VaultLocation: Sendable {
  /// The directory that holds `.hush/` (the work tree's top).
  package var root: String
  package var name: String
  /// The git directory (per worktree) for journals; nil outside git, then `.hush/.txn` is used.
  package var gitDirectory: String?

  package init(root: String, name: String, gitDirectory: String?) {
    self.root = root
    self.name = name
    self.gitDirectory = gitDirectory
  }

  package var hushDirectory: String { root + "/.hush" }
  package var directory: String { hushDirectory + "/vaults/" + name }
  package var headerPath: String { directory + "/vault.json" }
  package var identityPath: String { directory + "/identity.age" }
  package var secretsDirectory: String { directory + "/secrets" }
  package var lockPath: String { hushDirectory + "/.lock" }
  package var journalRoot: String { (gitDirectory.map { $0 + "/hush" } ?? hushDirectory + "/.txn") + "/txn" }
  package func secretPath(_ name: String) -> String { secretsDirectory + "/" + name + ".json" }
  /// A path relative to the root, for messages.
  package func relative(_ path: String) -> String {
    path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
  }
}

/// What an opened vault knows about its caller.
package struct Reader: Sendable {
  package var key: VaultKey
  /// `fp:` of the member identity that opened it, or `passphrase`.
  package var actor: String
  package var passphrase: SecretBytes?
}

package final class Vault {
  package let location: VaultLocation
  package internal(set) var header: VaultHeader
  package let sources: KeySources
  package let audit: AuditLog
  package internal(set) var reader: Reader?

  package init(location: VaultLocation, sources: KeySources, auditPolicy: AuditPolicy) throws(VaultError) {
    // Whoever opens a vault may hold S, an identity or a value: no core dump of this process, and no
    // attaching to it without privilege. (Not inherited by `hush run`'s child: exec resets it.)
    _ = setDumpable(4 /* PR_SET_DUMPABLE */, 0, 0, 0, 0)
    self.location = location
    self.sources = sources
    guard Files.exists(location.headerPath) else {
      if Files.isDirectory(location.hushDirectory + "/vaults") {
        let names = Files.list(location.hushDirectory + "/vaults", suffix: "vault.json").map { String($0.dropLast("/vault.json".count)) }
        throw .failed("no vault '\(location.name)' in \(location.relative(location.hushDirectory)) (vaults: \(names.joined(separator: ", "))); pass --vault NAME")
      }
      throw .failed("no vault here; run: hush vault init")
    }
    header = try VaultHeader.parse(try Files.read(location.headerPath, limit: 1 << 20, followLinks: false), file: location.relative(location.headerPath))
    guard header.name == location.name else {
      throw .malformed(file: location.relative(location.headerPath), detail: "name is '\(header.name)' but the directory is '\(location.name)'")
    }
    audit = AuditLog(stateDirectory: sources.stateDirectory, vaultID: header.vaultID, policy: auditPolicy)
  }

  package var actor: String { reader?.actor ?? "deposit" }

  // MARK: Opening

  /// Opens S with the first identity (or passphrase) that unwraps `identity.age`, and checks it against P
  /// and the header MAC.
  @discardableResult
  package func unlock(allowPendingMembers: Bool = false, needsSecret: Bool = false) throws(VaultError) -> Reader {
    if let reader, !needsSecret || (try? reader.key.secret(for: "")) != nil { return reader }
    try refuseInterruptedRekey()
    // An unsealed agent holding this vault's key answers first, unless the operation needs S itself.
    if !needsSecret, let agentReader = agentReader() {
      if !header.verifyMAC(agentReader.key) && !allowPendingMembers {
        throw .integrity(file: location.relative(location.headerPath), detail: pendingMembersDescription(agentReader.key))
      }
      reader = agentReader
      return agentReader
    }
    let opened = try openIdentityFile(try Files.read(location.identityPath, limit: 1 << 20, followLinks: false), shown: location.relative(location.identityPath))
    var key = try makeKey(opened.secret, file: location.relative(location.identityPath))
    key.epoch = header.epoch
    let result = Reader(key: key, actor: opened.actor, passphrase: opened.passphrase)
    if !header.verifyMAC(result.key) && !allowPendingMembers {
      throw .integrity(file: location.relative(location.headerPath), detail: pendingMembersDescription(result.key))
    }
    reader = result
    return result
  }

  /// The agent for this vault, if one runs and holds the key of the published P.
  func agentReader() -> Reader? {
    let client = AgentClient(socket: sources.agentSocket(vaultID: header.vaultID))
    guard Files.exists(client.socket), let status = client.status(), status["public_key"]?.string == header.publicKey,
      let publicKey = try? Age.X25519Recipient(string: header.publicKey)
    else { return nil }
    var key = VaultKey(agent: client, publicKey: publicKey, vaultID: header.vaultID)
    key.epoch = header.epoch
    return Reader(key: key, actor: status["actor"]?.string ?? "agent", passphrase: nil)
  }

  /// Unwraps an `identity.age` (the vault's, or a journal's) with the caller's identities or passphrase.
  func openIdentityFile(_ file: [UInt8], shown: String) throws(VaultError) -> (secret: SecretBytes, actor: String, passphrase: SecretBytes?) {
    let types: [String]
    do { types = try Age.stanzaTypes(of: file) } catch { throw .malformed(file: shown, detail: "\(error)") }
    if types == ["scrypt"] {
      let passphrase: SecretBytes
      if let known = reader?.passphrase {
        passphrase = known
      } else {
        passphrase = try sources.passphrase("passphrase for vault '\(location.name)': ")
      }
      do {
        return (SecretBytes(try Age.decrypt(file, passphrase: passphrase.bytes, maxLogN: 22)), "passphrase", passphrase)
      } catch Age.AgeError.noMatch {
        throw .noIdentity("the passphrase does not open vault '\(location.name)'")
      } catch Age.AgeError.workFactorTooHigh(let logN, let max) {
        throw .malformed(file: shown, detail: "scrypt work factor \(logN) is above the limit \(max)")
      } catch {
        throw .integrity(file: shown, detail: "\(error)")
      }
    }
    let candidates = try IdentityLoader.candidates(sources)
    for (identity, _) in candidates.identities {
      do {
        return (SecretBytes(try Age.decrypt(file, identities: [identity])), recipientFingerprint(identity.recipient.string), nil)
      } catch Age.AgeError.noMatch {
        continue
      } catch Age.AgeError.lowOrderPoint {
        throw .lowOrderPoint("a stanza share in \(shown)")
      } catch {
        throw .integrity(file: shown, detail: "\(error)")
      }
    }
    let members = header.members.map { "\($0.label) \(recipientFingerprint($0.recipient))" }.joined(separator: ", ")
    let tried = candidates.tried.map { line in line.contains(" key") ? line + ", not a member" : line }
    throw .noIdentity("no identity opens vault '\(location.name)' (members: \(members)); tried: \(tried.joined(separator: ", "))")
  }

  func makeKey(_ secret: SecretBytes, file: String) throws(VaultError) -> VaultKey {
    let expected: Age.X25519Recipient
    do { expected = try Age.X25519Recipient(string: header.publicKey) } catch {
      throw .malformed(file: location.relative(location.headerPath), detail: "public_key is not an age1 recipient")
    }
    var key = try VaultKey(secret: secret, vaultID: header.vaultID, expected: expected, file: file)
    key.epoch = header.epoch
    return key
  }

  /// Names the members that break the header MAC, when removing them makes it verify.
  package func pendingMembers(_ key: VaultKey) -> [Member] {
    if header.verifyMAC(key) { return [] }
    let all = header.members
    for size in 1...min(3, all.count) where all.count >= size {
      for subset in combinations(all.indices.map { $0 }, size) {
        var trial = header
        trial.members = all.enumerated().filter { !subset.contains($0.offset) }.map(\.element)
        if trial.verifyMAC(key) { return subset.map { all[$0] } }
      }
    }
    return []
  }

  private func pendingMembersDescription(_ key: VaultKey) -> String {
    let pending = pendingMembers(key)
    if pending.isEmpty { return "the header MAC does not verify" }
    let list = pending.map { "'\($0.label)' \($0.recipient)" }.joined(separator: ", ")
    return "members changed without the vault key: pending \(list); a reader runs: hush vault member approve (or removes them)"
  }

  // MARK: Records

  package var recordNames: [String] {
    Files.list(location.secretsDirectory, suffix: ".json").map { String($0.dropLast(5)) }
  }

  package func record(_ name: String) throws(VaultError) -> SecretRecord? {
    // Every lookup by name checks it first: `../vault` would otherwise name a file beside the records.
    if let problem = validateSecretName(name) { throw .usage(problem) }
    let path = location.secretPath(name)
    guard Files.exists(path) else { return nil }
    let shown = location.relative(path)
    let record = try SecretRecord.parse(try Files.read(path, limit: SecretRecord.maxFileBytes + 1, followLinks: false), file: shown)
    guard record.name == name else { throw .malformed(file: shown, detail: "name is '\(record.name)' but the file is for '\(name)'") }
    return record
  }

  func write(_ record: SecretRecord) throws(VaultError) {
    let path = location.secretPath(record.name)
    try Files.makeDirectory(String(path[..<path.lastIndex(of: "/")!]), mode: 0o755)
    try Files.writeAtomically(record.serialized(), to: path, mode: 0o600)
  }

  package func writeHeader() throws(VaultError) {
    try Files.writeAtomically(header.serialized(), to: location.headerPath, mode: 0o644)
  }

  /// Resolves a reference to its value, refusing missing, deleted, unverified and conflicted secrets. Every
  /// resolution is audited (`op` is read, run or render), names and versions only.
  package func read(_ reference: SecretReference, op: String = "read", cmd: String? = nil) throws(VaultError) -> (value: SecretBytes, version: SecretVersion, record: SecretRecord) {
    let reader = try unlock()
    do {
      let result = try resolve(reference, reader: reader)
      try audit.append(AuditEvent(op: op, names: [reference.name], versions: [result.version.seq], cmd: cmd), epoch: header.epoch, key: reader.key, actorKey: reader.actor)
      return result
    } catch {
      if case .audit = error { throw error }
      try? audit.append(AuditEvent(op: op, names: [reference.name], cmd: cmd, result: "error"), epoch: header.epoch, key: reader.key, actorKey: reader.actor)
      throw error
    }
  }

  private func resolve(_ reference: SecretReference, reader: Reader) throws(VaultError) -> (value: SecretBytes, version: SecretVersion, record: SecretRecord) {
    guard let record = try record(reference.name) else {
      throw .failed("\(reference) names no secret in vault '\(location.name)'; see: hush vault list")
    }
    let file = location.relative(location.secretPath(record.name))
    if record.deleted != nil && record.versions.isEmpty {
      throw .failed("\(reference) was removed from vault '\(location.name)' (\(record.deleted!.at))")
    }
    if !record.conflictedSeqs.isEmpty {
      throw .failed("\(reference) is in conflict (two versions with seq \(record.conflictedSeqs.map(String.init).joined(separator: ", "))); a reader runs: hush vault accept \(reference.name) --pick RID")
    }
    // A version that claims a MAC which does not verify was changed without the vault key.
    for version in record.versions where !version.isDeposit && version.epoch == header.epoch && !record.verifies(version, key: reader.key) {
      throw .integrity(file: file, detail: "version \(version.seq)")
    }
    let version: SecretVersion?
    switch reference.version {
    case .current: version = record.current(key: reader.key, requireVerified: header.policy.requireVerified)
    case .previous: version = record.previous(key: reader.key, requireVerified: header.policy.requireVerified)
    case .seq(let seq):
      version = record.versions.first { $0.seq == seq && (!header.policy.requireVerified || record.verifies($0, key: reader.key)) }
    }
    guard let version else {
      if record.versions.contains(where: \.isDeposit) && header.policy.requireVerified {
        throw .failed("\(reference) has only unverified deposits; a reader reviews them with: hush vault accept \(reference.name)")
      }
      throw .failed("\(reference) has no such version in vault '\(location.name)'; see: hush vault list")
    }
    guard version.epoch == header.epoch else {
      throw .failed("\(reference) version \(version.seq) was sealed in epoch \(version.epoch), the vault is at \(header.epoch); run: hush vault rekey --resume")
    }
    let value = try record.open(version, key: reader.key, file: file)
    return (value, version, record)
  }

  // MARK: Writing secrets

  package struct SetOptions {
    package var kind: SecretKind = .string
    package var env: String?
    package var rotateEvery: String?
    package var owner: String?
    package var provider: String?
    package var detector: String?
    package var rotated = false
    package init() {}
  }

  /// Adds a version: MAC'd when the caller is a reader, an unverified deposit otherwise.
  @discardableResult
  package func set(_ name: String, value: SecretBytes, options: SetOptions) throws(VaultError) -> SecretVersion {
    if let problem = validateSecretName(name) { throw .usage(problem) }
    if let env = options.env, !validateEnvironmentName(env) {
      throw .usage("'\(env)' is not an environment variable name; use letters, digits and _")
    }
    if let every = options.rotateEvery, Timestamp.duration(every) == nil {
      throw .usage("--rotate-every \(every) is not a duration; use e.g. 90d, 12w or 24h")
    }
    let lock = try FileLock(location.lockPath)
    _ = lock
    try refuseInterruptedRekey()
    // A reader MACs; anyone else deposits (if the policy allows).
    let reader = try? unlock()
    if reader == nil && header.policy.deposit != "allow" {
      throw .failed("vault '\(location.name)' does not accept deposits (policy.deposit = deny); ask a member to set \(name)")
    }
    var record = try self.record(name) ?? SecretRecord(name: name, kind: options.kind, env: options.env ?? defaultEnvironmentName(name))
    if record.kind != options.kind && record.versions.count > 0 && !(options.kind == .string) {
      throw .usage("\(name) is a \(record.kind.rawValue) secret; its kind never changes")
    }
    let env = options.env ?? record.meta["env"] ?? defaultEnvironmentName(name)
    for other in recordNames where other != name {
      if let existing = try? self.record(other), existing.env == env, existing.deleted == nil || !existing.versions.isEmpty {
        throw .usage("secrets '\(other)' and '\(name)' would both be the variable \(env); pass --env VAR")
      }
    }
    var meta = record.meta
    meta["env"] = env
    if let value = options.rotateEvery { meta["rotate_every"] = value }
    if let value = options.owner { meta["owner"] = value }
    if let value = options.provider { meta["provider"] = value }
    if let value = options.detector { meta["detector"] = value }
    let metaChanged = meta != record.meta
    record.meta = meta
    let publicKey: Age.X25519Recipient
    do { publicKey = try Age.X25519Recipient(string: header.publicKey) } catch {
      throw .malformed(file: location.relative(location.headerPath), detail: "public_key is not an age1 recipient")
    }
    var version = try record.seal(
      value, publicKey: publicKey, vaultID: header.vaultID, seq: record.highestSeq + 1, epoch: header.epoch,
      by: reader?.actor ?? "deposit", rotated: options.rotated)
    record.deleted = nil
    record.versions.append(version)
    if let reader {
      let index = record.versions.count - 1
      try record.signVersion(at: index, key: reader.key)
      version = record.versions[index]
      if metaChanged || record.metaMAC == nil { try record.signMeta(reader.key) }
      prune(&record, key: reader.key)
      // Verify before write: the new version opens with S and gives the value back.
      let check = try record.open(version, key: reader.key, file: name)
      guard check.bytes == value.bytes else { throw .failed("internal check failed: the sealed value did not round-trip; nothing was written") }
    } else if metaChanged {
      record.metaMAC = nil
    }
    // Depositors cannot open: re-parse what will be written and compare the ciphertext bytes.
    let reparsed = try SecretRecord.parse(record.serialized(), file: name)
    guard reparsed.versions.contains(where: { $0.enc == version.enc && $0.ct == version.ct }) else {
      throw .failed("internal check failed: the record did not re-parse; nothing was written")
    }
    try write(record)
    try audit.append(
      AuditEvent(op: reader == nil ? "deposit" : (options.rotated ? "rotate" : "set"), names: [name], versions: [version.seq]),
      epoch: header.epoch, key: reader?.key, actorKey: reader?.actor)
    return version
  }

  /// Readers keep `max_versions`: the current, `@previous` and spares; git history keeps the rest.
  private func prune(_ record: inout SecretRecord, key: VaultKey) {
    let limit = Int(header.policy.maxVersions)
    let verified = record.versions.filter { record.verifies($0, key: key) }.sorted { $0.seq > $1.seq }
    guard verified.count > limit else { return }
    let drop = Set(verified.dropFirst(limit).map(\.rid))
    record.versions.removeAll { drop.contains($0.rid) }
  }

  /// `rotate --finish`: drops every version but the current one.
  package func finishRotation(_ name: String) throws(VaultError) {
    let lock = try FileLock(location.lockPath)
    _ = lock
    let reader = try unlock()
    guard var record = try record(name) else { throw .failed("no secret '\(name)' in vault '\(location.name)'") }
    guard let current = record.current(key: reader.key, requireVerified: true) else {
      throw .failed("\(name) has no verified version; run: hush vault accept \(name)")
    }
    record.versions.removeAll { $0.seq < current.seq && !$0.isDeposit }
    try write(record)
    try audit.append(AuditEvent(op: "rotate", names: [name], versions: [current.seq]), epoch: header.epoch, key: reader.key, actorKey: reader.actor)
  }

  /// Leaves a tombstone: the versions leave the file (not git history).
  package func remove(_ name: String) throws(VaultError) {
    let lock = try FileLock(location.lockPath)
    _ = lock
    let reader = try unlock()
    guard var record = try record(name) else { throw .failed("no secret '\(name)' in vault '\(location.name)'; see: hush vault list") }
    let now = Timestamp.now()
    let lastSeq = record.highestSeq
    let mac = try MAC.text(reader.key, .mac, SecretRecord.tombstoneInput(vaultID: header.vaultID, name: name, lastSeq: lastSeq, at: now))
    record.deleted = Tombstone(at: Timestamp.format(now), by: reader.actor, lastSeq: lastSeq, mac: mac)
    record.versions = []
    try write(record)
    try audit.append(AuditEvent(op: "rm", names: [name], versions: [lastSeq]), epoch: header.epoch, key: reader.key, actorKey: reader.actor)
  }

  /// MACs the unverified versions of a secret (after the caller has reviewed them); `pick` resolves a conflict
  /// by keeping that version and dropping the others with its `seq`.
  package func accept(_ name: String, pick: String?) throws(VaultError) -> [SecretVersion] {
    let lock = try FileLock(location.lockPath)
    _ = lock
    let reader = try unlock()
    guard var record = try record(name) else { throw .failed("no secret '\(name)' in vault '\(location.name)'") }
    if let pick {
      guard let chosen = record.versions.first(where: { $0.ridText == pick }) else {
        throw .usage("\(name) has no version with rid \(pick); see: hush vault accept \(name)")
      }
      record.versions.removeAll { $0.seq == chosen.seq && $0.rid != chosen.rid }
    } else if !record.conflictedSeqs.isEmpty {
      let rids = record.versions.filter { record.conflictedSeqs.contains($0.seq) }.map(\.ridText).joined(separator: ", ")
      throw .failed("\(name) is in conflict; choose one version: hush vault accept \(name) --pick RID (rids: \(rids))")
    }
    var accepted: [SecretVersion] = []
    for index in record.versions.indices where !record.verifies(record.versions[index], key: reader.key) {
      // Opening proves the ciphertext is well-formed under this vault, name and version.
      _ = try record.open(record.versions[index], key: reader.key, file: location.relative(location.secretPath(name)))
      try record.signVersion(at: index, key: reader.key)
      accepted.append(record.versions[index])
    }
    try record.signMeta(reader.key)
    prune(&record, key: reader.key)
    try write(record)
    try audit.append(
      AuditEvent(op: "accept", names: [name], versions: accepted.map(\.seq)), epoch: header.epoch, key: reader.key, actorKey: reader.actor)
    return accepted
  }

  // MARK: Helpers

  func refuseInterruptedRekey() throws(VaultError) {
    if Files.exists(rekeyJournal + "/state") {
      throw .failed("a rekey of vault '\(location.name)' was interrupted; run: hush vault rekey --resume")
    }
  }

  package var rekeyJournal: String { location.journalRoot + "/rekey-" + header.vaultID }
}

func combinations(_ items: [Int], _ size: Int) -> [[Int]] {
  if size == 0 { return [[]] }
  guard items.count >= size else { return [] }
  var out: [[Int]] = []
  for (index, item) in items.enumerated() {
    for rest in combinations(Array(items[(index + 1)...]), size - 1) { out.append([item] + rest) }
  }
  return out
}
