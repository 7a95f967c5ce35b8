// The local audit log (VAULT.md §15): JSON lines, hash-chained, MAC'd with A when the vault key is open.
// Tamper-evident, not tamper-proof: whoever owns the file can rewrite it whole, which `audit anchor` exposes.
import Crypto
import Durable

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

package struct AuditPolicy: Sendable {
  /// Operations fail when the log cannot be written.
  package var required = true
  /// Names are logged as HMAC(A, name).
  package var hashNames = false
  package init(required: Bool = true, hashNames: Bool = false) {
    self.required = required
    self.hashNames = hashNames
  }
}

package struct AuditEvent: Sendable {
  package var op: String
  package var names: [String] = []
  package var versions: [UInt32] = []
  package var cmd: String?
  package var result = "ok"
  package init(op: String, names: [String] = [], versions: [UInt32] = [], cmd: String? = nil, result: String = "ok") {
    self.op = op
    self.names = names
    self.versions = versions
    self.cmd = cmd
    self.result = result
  }
}

package struct AuditLog {
  package let path: String
  package let vaultID: String
  package let policy: AuditPolicy

  package init(stateDirectory: String, vaultID: String, policy: AuditPolicy) {
    path = stateDirectory + "/audit/" + vaultID + ".jsonl"
    self.vaultID = vaultID
    self.policy = policy
  }

  static func hash(_ line: [UInt8]) -> String {
    "sha256:" + SHA256.hash(data: line).map { String($0, radix: 16).leftPadded(2) }.joined()
  }

  /// Appends one event. `key` is nil for depositors (no MAC, and no names under `hashNames`).
  package func append(_ event: AuditEvent, epoch: UInt32, key: VaultKey?, actorKey: String?) throws(VaultError) {
    do {
      try write(event, epoch: epoch, key: key, actorKey: actorKey)
    } catch {
      if policy.required {
        // A read fails closed: no value leaves. Changes are logged after they are made, so say it was made
        // (a retry would make it twice).
        let done = ["read", "run", "render"].contains(event.op) ? "" : "\(event.op) \(event.names.joined(separator: ", ")) is done, but "
        throw .audit("\(done)cannot write the audit log \(path) (\(error)); fix the directory or set [audit] required = false in .hush/config.toml")
      }
      Diagnostics.warn("audit log not written (\(error)); continuing because [audit] required = false")
    }
  }

  private func write(_ event: AuditEvent, epoch: UInt32, key: VaultKey?, actorKey: String?) throws(VaultError) {
    let directory = String(path[..<path.lastIndex(of: "/")!])
    try Files.makeDirectory(directory, mode: 0o700)
    if let code = Fault.injected(for: path, at: .create) { throw .failed(Files.errorText(code)) }
    let fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw .failed(Files.errorText(errno)) }
    defer { close(fd) }
    fchmod(fd, 0o600)
    guard flock(fd, LOCK_EX) == 0 else { throw .failed(Files.errorText(errno)) }
    defer { flock(fd, LOCK_UN) }
    var existing = try Files.read(path, limit: 256 << 20)
    // A line without its newline is an append that was killed midway: the event it began never completed
    // (reads log before they return a value), so it is cut rather than left to break the chain forever.
    if let end = existing.lastIndex(of: 10).map({ $0 + 1 }) ?? (existing.isEmpty ? nil : 0), end < existing.count {
      guard ftruncate(fd, off_t(end)) == 0 else { throw .failed(Files.errorText(errno)) }
      Diagnostics.warn("the audit log \(path) ended in an incomplete line (an interrupted write); it was cut")
      existing.removeSubrange(end...)
    }
    let size = existing.count
    var lines = existing.split(separator: 10, omittingEmptySubsequences: true).map(Array.init)
    var batch: [[UInt8]] = []
    if lines.isEmpty {
      var genesis: [String: JSONValue] = [
        "op": .string("genesis"), "vault_id": .string(vaultID), "nonce": .string(Base64URL.encode(randomBytes(16))),
      ]
      genesis["seq"] = .int(0)
      genesis["ts"] = .string(Timestamp.format(Timestamp.now()))
      genesis["prev"] = .string("sha256:" + String(repeating: "0", count: 64))
      let line = AuditLog.seal(genesis, key: key)
      batch.append(line)
      lines.append(line)
    }
    let last = lines.last!
    let previous = (try? JSON.parse(last))?.object
    let seq = (previous?["seq"]?.uint ?? 0) + 1
    var fields: [String: JSONValue] = [
      "seq": .int(seq), "ts": .string(Timestamp.format(Timestamp.now())), "epoch": .int(epoch), "op": .string(event.op),
      "vault_id": .string(vaultID), "result": .string(event.result), "prev": .string(AuditLog.hash(last)),
      "actor": .object([
        "uid": .int(getuid()), "user": .string(Self.userName()), "host": .string(Self.hostName()),
        "key": actorKey.map(JSONValue.string) ?? .null,
      ]),
    ]
    if !event.versions.isEmpty { fields["versions"] = .array(event.versions.map { .int($0) }) }
    if let cmd = event.cmd { fields["cmd"] = .string(cmd) }
    if !event.names.isEmpty {
      if policy.hashNames {
        if let key {
          fields["names"] = .array(try event.names.map { name throws(VaultError) in .string(try MAC.text(key, .audit, Array(name.utf8))) })
        }
      } else {
        fields["names"] = .array(event.names.map(JSONValue.string))
      }
    }
    batch.append(AuditLog.seal(fields, key: key))
    var bytes = [UInt8]()
    for line in batch { bytes += line + [10] }
    // A failed append (a full disk) is rolled back, so the log never keeps half an event.
    func rollBack(_ code: Int32) -> VaultError {
      _ = ftruncate(fd, off_t(size))
      return .failed(Files.errorText(code))
    }
    var offset = 0
    while offset < bytes.count {
      let end = offset < bytes.count / 2 ? bytes.count / 2 : bytes.count
      let written = bytes[offset..<end].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
      if written < 0 {
        if errno == EINTR { continue }
        throw rollBack(errno)
      }
      offset += written
      if offset == bytes.count / 2 {
        CrashPoint.hit("append:audit.partial")
        if let code = Fault.injected(for: path, at: .data) { throw rollBack(code) }
      }
    }
    guard fsync(fd) == 0 else { throw rollBack(errno) }
  }

  /// Compact sorted JSON with `mac` as the last member: HMAC(A, the line without it).
  static func seal(_ fields: [String: JSONValue], key: VaultKey?) -> [UInt8] {
    let body = JSON.compact(.object(fields))
    guard let key else { return body }
    guard let mac = try? MAC.text(key, .audit, body) else { return body }
    var line = Array(body.dropLast())
    line += Array(",\"mac\":\"\(mac)\"}".utf8)
    return line
  }

  /// Splits a line into the MAC'd body and its MAC, if it has one.
  static func unseal(_ line: [UInt8]) -> (body: [UInt8], mac: String?) {
    let marker = Array(",\"mac\":\"".utf8)
    guard line.count > marker.count + 2, line.last == 125, line[line.count - 2] == 34 else { return (line, nil) }
    var index = line.count - marker.count - 2
    while index >= 0 {
      if Array(line[index..<index + marker.count]) == marker {
        let mac = String(decoding: line[(index + marker.count)..<(line.count - 2)], as: UTF8.self)
        return (Array(line[..<index]) + [125], mac)
      }
      index -= 1
    }
    return (line, nil)
  }

  package struct Verification {
    package var lines = 0
    package var macsChecked = 0
    package var problems: [String] = []
    package var head: String?
  }

  /// Walks the chain: every `prev` is the hash of the line before, `seq` counts up, MACs verify with `key`.
  package func verify(key: VaultKey?) throws(VaultError) -> Verification {
    var result = Verification()
    guard Files.exists(path) else { return result }
    let bytes = try Files.read(path, limit: 256 << 20)
    var previous: [UInt8]?
    var expectedSeq: UInt64 = 0
    for (index, line) in bytes.split(separator: 10, omittingEmptySubsequences: true).map(Array.init).enumerated() {
      let number = index + 1
      result.lines += 1
      guard let object = (try? JSON.parse(line))?.object else {
        result.problems.append("line \(number): not a JSON object")
        previous = line
        continue
      }
      let prev = object["prev"]?.string
      if let previous {
        if prev != AuditLog.hash(previous) { result.problems.append("line \(number): prev does not match line \(number - 1): the log was edited") }
      } else if object["op"]?.string != "genesis" && object["op"]?.string != "continue" {
        result.problems.append("line 1: the log does not open with a genesis line")
      }
      if object["seq"]?.uint != expectedSeq { result.problems.append("line \(number): seq is not \(expectedSeq)") }
      expectedSeq += 1
      if object["vault_id"]?.string != vaultID { result.problems.append("line \(number): another vault's line") }
      let (body, mac) = AuditLog.unseal(line)
      if let key {
        if let mac {
          if MAC.verify(mac, key, .audit, body) {
            result.macsChecked += 1
          } else if object["epoch"]?.uint == nil || object["epoch"]?.uint == UInt64(epochOf(key)) {
            result.problems.append("line \(number): MAC does not verify: the line was edited")
          }
        } else if object["op"]?.string != "deposit" && object["op"]?.string != "genesis" {
          result.problems.append("line \(number): no MAC on a \(object["op"]?.string ?? "?") line")
        }
      }
      previous = line
    }
    result.head = previous.map(AuditLog.hash)
    return result
  }

  /// Lines MAC'd under an older epoch's A cannot be checked with the current key; they are chain-checked only.
  private func epochOf(_ key: VaultKey) -> UInt32 { key.epoch }

  static func userName() -> String {
    if let pw = getpwuid(getuid()), let name = pw.pointee.pw_name { return String(cString: name) }
    return String(getuid())
  }

  static func hostName() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    gethostname(&buffer, 255)
    return String(cString: buffer)
  }
}
