// Break-glass recovery (VAULT.md §8): S split into T-of-N Shamir shares; T shares rebuild S, which is checked
// against the published P before it is used to add a new member.
import Age

extension Vault {
  /// Splits S into share strings and records the scheme (not the shares) in vault.json.
  package func split(threshold: Int, shares: Int) throws(VaultError) -> [String] {
    let lock = try FileLock(location.lockPath)
    _ = lock
    let reader = try unlock(needsSecret: true)
    let parts: [(index: UInt8, data: [UInt8])]
    do { parts = try Shamir.split(secret: try reader.key.secret(for: "splitting the vault key").bytes, threshold: threshold, shares: shares) } catch {
      throw .usage("cannot split \(threshold)/\(shares): \(error)")
    }
    header.recovery = Recovery(threshold: UInt8(threshold), shares: UInt8(shares), created: Timestamp.format(Timestamp.now()))
    try header.sign(reader.key)
    try writeHeader()
    try audit.append(AuditEvent(op: "split"), epoch: header.epoch, key: reader.key, actorKey: reader.actor)
    return parts.map { Shamir.encode(vaultID: header.vaultID, index: $0.index, data: $0.data) }
  }

  /// Rebuilds S from share strings and checks it against P; a wrong or mixed set is an integrity error.
  package func recover(shares texts: [String]) throws(VaultError) -> Reader {
    var parts: [(index: UInt8, data: [UInt8])] = []
    for text in texts {
      do {
        let decoded = try Shamir.decode(IdentityLoader.clean(text))
        guard decoded.vaultID == header.vaultID else {
          throw VaultError.usage("share \(decoded.index) belongs to vault \(decoded.vaultID), not \(header.vaultID)")
        }
        parts.append((decoded.index, decoded.data))
      } catch let error as VaultError {
        throw error
      } catch {
        throw .usage("a share is malformed (\(error)); shares look like HUSH-SHARE-1-hv1-…")
      }
    }
    let secret: [UInt8]
    do { secret = try Shamir.combine(parts) } catch { throw .usage("the shares do not combine: \(error)") }
    let key = try makeKey(SecretBytes(secret), file: "the recovery shares")
    guard header.verifyMAC(key) else {
      throw .integrity(file: location.relative(location.headerPath), detail: "the rebuilt key does not verify the header")
    }
    let opened = Reader(key: key, actor: "recovery", passphrase: nil)
    reader = opened
    return opened
  }
}
