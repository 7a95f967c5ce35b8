// git's diff and merge drivers for vault files (VAULT.md §16). They see ciphertext JSON only and never write
// plaintext; the merge fails only on JSON it cannot parse.
import Crypto

package enum GitDrivers {
  /// textconv: one line per version (name, seq, created, by, verified or not, length bucket, ciphertext hash).
  package static func textconv(_ bytes: [UInt8], file: String) -> String {
    guard let record = try? SecretRecord.parse(bytes, file: file) else { return String(decoding: bytes, as: UTF8.self) }
    var lines = ["secret \(record.name) (\(record.kind.rawValue), env \(record.env))"]
    for key in SecretRecord.metaKeys where key != "kind" && key != "env" {
      if let value = record.meta[key] { lines.append("  \(key): \(value)") }
    }
    for version in record.versions.sorted(by: { $0.seq > $1.seq }) {
      let digest = SHA256.hash(data: version.enc + version.ct).prefix(4).map { String($0, radix: 16).leftPadded(2) }.joined()
      lines.append(
        "  seq \(version.seq) \(version.created) by \(version.by) \(version.isDeposit ? "unverified" : "mac") epoch \(version.epoch) ≤\(version.lengthBucket) bytes ct:\(digest) rid:\(version.ridText)\(version.rotated ? " rotated" : "")")
    }
    if let deleted = record.deleted { lines.append("  deleted \(deleted.at) by \(deleted.by) after seq \(deleted.lastSeq)") }
    for exposure in record.exposures { lines.append("  exposure \(String(decoding: JSON.compact(exposure), as: UTF8.self))") }
    return lines.joined(separator: "\n") + "\n"
  }

  package struct MergeResult {
    package var bytes: [UInt8]
    package var notes: [String]
  }

  /// Three-way merge of a secret record or a vault header.
  package static func merge(base: [UInt8], ours: [UInt8], theirs: [UInt8], path: String) throws(VaultError) -> MergeResult {
    // identity.age: keep ours; the merged vault.json lists both sides' members, pending approval, and
    // `hush vault member approve` rewraps S for them.
    if path.hasSuffix("identity.age") { return MergeResult(bytes: ours, notes: []) }
    if path.hasSuffix("vault.json") { return try mergeHeader(base: base, ours: ours, theirs: theirs, path: path) }
    let mine = try SecretRecord.parse(ours, file: path)
    let other = try SecretRecord.parse(theirs, file: path)
    let ancestor = base.isEmpty ? nil : try? SecretRecord.parse(base, file: path)
    var merged = mine
    var notes: [String] = []
    // Versions: union by rid. Two versions with one seq stay, a conflict for `accept --pick`.
    for version in other.versions where !merged.versions.contains(where: { $0.rid == version.rid }) {
      merged.versions.append(version)
    }
    if let ancestor {
      // A version one side dropped (pruned or finished rotation) stays dropped.
      let dropped = Set(ancestor.versions.map(\.rid)).subtracting(other.versions.map(\.rid)).union(
        Set(ancestor.versions.map(\.rid)).subtracting(mine.versions.map(\.rid)))
      merged.versions.removeAll { dropped.contains($0.rid) }
    }
    for seq in merged.conflictedSeqs { notes.append("\(path): both branches added seq \(seq); run: hush vault accept \(mine.name) --pick RID") }
    // meta: per field; a field both sides changed differently keeps ours and is reported.
    for key in SecretRecord.metaKeys {
      let was = ancestor?.meta[key]
      let a = mine.meta[key]
      let b = other.meta[key]
      if a == b { continue }
      if a == was {
        merged.meta[key] = b
      } else if b != was {
        notes.append("\(path): meta.\(key) changed on both branches; kept ours")
      }
    }
    if merged.meta != mine.meta {
      merged.metaMAC = merged.meta == other.meta ? other.metaMAC : nil
    }
    for exposure in other.exposures where !merged.exposures.contains(exposure) { merged.exposures.append(exposure) }
    if let deleted = other.deleted, (merged.deleted?.lastSeq ?? 0) < deleted.lastSeq { merged.deleted = deleted }
    if let deleted = merged.deleted, merged.versions.contains(where: { $0.seq > deleted.lastSeq }) {
      merged.deleted = nil  // set again after the removal on the other branch
    } else if merged.deleted != nil {
      merged.versions.removeAll()
    }
    return MergeResult(bytes: merged.serialized(), notes: notes)
  }

  /// vault.json: ours, with the members of both sides (added on two branches). The MAC then fails until a
  /// reader runs `hush vault member approve`, which rewraps S for the approved list.
  static func mergeHeader(base: [UInt8], ours: [UInt8], theirs: [UInt8], path: String) throws(VaultError) -> MergeResult {
    var mine = try VaultHeader.parse(ours, file: path)
    let other = try VaultHeader.parse(theirs, file: path)
    var notes: [String] = []
    if other.epoch > mine.epoch {
      // The other side rekeyed: its key, epoch and members win; members only we added are pending.
      let onlyOurs = mine.members.filter { member in !other.members.contains { $0.recipient == member.recipient } }
      let ancestor = base.isEmpty ? nil : try? VaultHeader.parse(base, file: path)
      var result = other
      for member in onlyOurs where !(ancestor?.members.contains { $0.recipient == member.recipient } ?? false) {
        result.members.append(member)
        notes.append("\(path): member '\(member.label)' pending approval: a reader runs hush vault member approve")
      }
      return MergeResult(bytes: result.serialized(), notes: notes)
    }
    for member in other.members where !mine.members.contains(where: { $0.recipient == member.recipient }) {
      var added = member
      if mine.members.contains(where: { $0.label == member.label }) { added.label += "-2" }
      mine.members.append(added)
      notes.append("\(path): member '\(added.label)' added on the other branch; a reader runs: hush vault member approve")
    }
    return MergeResult(bytes: mine.serialized(), notes: notes)
  }
}
