// The unsealed agent (VAULT.md §8): one process per vault holds S in locked, non-dumpable memory and answers
// `status`, `open`, `mac`, `verify` and `seal` over a 0600 Unix socket to processes of the same user. It never
// exports S. Messages are u32be-length-prefixed JSON. TTL, idle time, `seal`, SIGTERM and SIGHUP wipe S.
import Age
import Crypto
import Foundation
import Runtime
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

extension KeySources {
  /// `$XDG_RUNTIME_DIR/hush`, else a 0700 `hush-<uid>` directory under `$TMPDIR`.
  package var runtimeDirectory: String { RuntimeDirectory.base(environment: environment).path }

  package func agentSocket(vaultID: String) -> String { runtimeDirectory + "/agent-\(vaultID).sock" }
}

enum AgentWire {
  static func send(_ fd: Int32, _ object: [String: JSONValue]) -> Bool {
    let body = JSON.compact(.object(object))
    var frame = [UInt8(body.count >> 24 & 0xff), UInt8(body.count >> 16 & 0xff), UInt8(body.count >> 8 & 0xff), UInt8(body.count & 0xff)]
    frame += body
    var offset = 0
    while offset < frame.count {
      let written = frame[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      if written < 0 {
        if errno == EINTR { continue }
        return false
      }
      offset += written
    }
    return true
  }

  static func receive(_ fd: Int32) -> [String: JSONValue]? {
    func readExactly(_ count: Int) -> [UInt8]? {
      var out = [UInt8](repeating: 0, count: count)
      var offset = 0
      while offset < count {
        let got = out[offset...].withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if got < 0 && errno == EINTR { continue }
        if got <= 0 { return nil }
        offset += got
      }
      return out
    }
    guard let header = readExactly(4) else { return nil }
    let length = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
    guard length <= 2 << 20, let body = readExactly(length) else { return nil }
    return (try? JSON.parse(body))?.object
  }
}

/// The client side: one connection per request.
package struct AgentClient: Sendable {
  package let socket: String
  package init(socket: String) { self.socket = socket }

  func request(_ object: [String: JSONValue]) throws(VaultError) -> [String: JSONValue] {
    let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw .failed("cannot reach the agent: \(Files.errorText(errno))") }
    defer { close(fd) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let path = Array(socket.utf8CString)
    guard path.count <= MemoryLayout.size(ofValue: address.sun_path) else { throw .failed("agent socket path too long: \(socket)") }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      for (index, byte) in path.enumerated() { raw[index] = UInt8(bitPattern: byte) }
    }
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard connected == 0 else { throw .failed("the agent is not running (\(Files.errorText(errno))); run: hush vault unseal") }
    guard AgentWire.send(fd, object), let reply = AgentWire.receive(fd) else { throw .failed("the agent did not answer; run: hush vault unseal") }
    if let error = reply["error"]?.string { throw .failed("agent: \(error)") }
    return reply
  }

  package func status() -> [String: JSONValue]? { try? request(["op": .string("status")]) }

  func code(_ purpose: KeyPurpose, _ message: [UInt8]) throws(VaultError) -> [UInt8] {
    let reply = try request(["op": .string("mac"), "key": .string(purpose.rawValue), "message": .string(Base64URL.encode(message))])
    guard let code = reply["code"]?.string.flatMap(Base64URL.decode), code.count == 32 else { throw .failed("agent: malformed reply") }
    return code
  }

  func verify(_ purpose: KeyPurpose, code: [UInt8], message: [UInt8]) throws(VaultError) -> Bool {
    let reply = try request([
      "op": .string("verify"), "key": .string(purpose.rawValue), "message": .string(Base64URL.encode(message)),
      "code": .string(Base64URL.encode(code)),
    ])
    return reply["valid"]?.bool ?? false
  }

  func open(enc: [UInt8], ct: [UInt8], aad: [UInt8], info: [UInt8]) throws(VaultKey.OpenFailure) -> [UInt8] {
    let reply: [String: JSONValue]
    do {
      reply = try request([
        "op": .string("open"), "enc": .string(Base64URL.encode(enc)), "ct": .string(Base64URL.encode(ct)),
        "aad": .string(Base64URL.encode(aad)), "info": .string(Base64URL.encode(info)),
      ])
    } catch {
      if case .failed(let message) = error, message.contains("low-order") { throw .lowOrderPoint }
      throw .integrity
    }
    guard let plain = reply["plaintext"]?.string.flatMap(Base64URL.decode) else { throw .integrity }
    return plain
  }

  package func seal() -> Bool { (try? request(["op": .string("seal")])) != nil }
}

/// The agent process.
package enum AgentServer {
  /// Set by SIGTERM, SIGHUP and SIGINT; atomic, because the handler runs on whichever thread takes the signal.
  static let stopRequested = Atomic<Int32>(0)

  /// Serves until TTL, idle time, `seal` or a signal; S is wiped on every way out.
  package static func serve(secret: SecretBytes, vaultID: String, actor: String, socket: String, ttl: UInt64, idle: UInt64) -> Int32 {
    // Locked in memory, never in a core dump.
    _ = setDumpable(4 /* PR_SET_DUMPABLE */, 0, 0, 0, 0)
    var limit = rlimit(rlim_cur: 0, rlim_max: 0)
    setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &limit)
    var buffer = secret.bytes
    buffer.withUnsafeBytes { _ = mlock($0.baseAddress, $0.count) }
    defer {
      SecretBytes.wipe(&buffer)
      unlink(socket)
    }
    let keys: [String: SecretBytes] = [:]
    _ = keys
    let handler: @convention(c) (Int32) -> Void = { _ in AgentServer.stopRequested.store(1, ordering: .relaxed) }
    for sig in [SIGTERM, SIGHUP, SIGINT] {
      var action = sigaction()
      action.__sigaction_handler.sa_handler = handler
      sigemptyset(&action.sa_mask)
      sigaction(sig, &action, nil)
    }
    signal(SIGPIPE, SIG_IGN)
    let directory = String(socket[..<socket.lastIndex(of: "/")!])
    mkdir(directory, 0o700)
    chmod(directory, 0o700)
    unlink(socket)
    let listener = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard listener >= 0 else { return 2 }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let path = Array(socket.utf8CString)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      for (index, byte) in path.enumerated() where index < raw.count { raw[index] = UInt8(bitPattern: byte) }
    }
    let previous = umask(0o077)
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    umask(previous)
    guard bound == 0, listen(listener, 16) == 0 else { return 2 }
    chmod(socket, 0o600)
    let started = Timestamp.now()
    var lastUse = started
    let key = SecretBytes(buffer)
    let publicKey = (try? Age.X25519Identity(rawRepresentation: buffer))?.recipient.string ?? ""
    while stopRequested.load(ordering: .relaxed) == 0 {
      let now = Timestamp.now()
      if now >= started + ttl || now >= lastUse + idle { break }
      let wait = min(started + ttl, lastUse + idle) - now
      var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
      let ready = poll(&poller, 1, Int32(min(wait, 60) * 1000))
      if ready <= 0 { continue }
      let client = accept(listener, nil, nil)
      if client < 0 { continue }
      defer { close(client) }
      // Only processes of our own user.
      var credentials = PeerCredentials()
      var length = socklen_t(MemoryLayout<PeerCredentials>.size)
      guard getsockopt(client, SOL_SOCKET, 17 /* SO_PEERCRED */, &credentials, &length) == 0, credentials.uid == getuid() else { continue }
      var timeout = timeval(tv_sec: 5, tv_usec: 0)
      setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
      guard let request = AgentWire.receive(client), let op = request["op"]?.string else { continue }
      lastUse = Timestamp.now()
      var reply: [String: JSONValue] = [:]
      switch op {
      case "status":
        reply = [
          "vault_id": .string(vaultID), "public_key": .string(publicKey), "actor": .string(actor),
          "expires": .string(Timestamp.format(min(started + ttl, lastUse + idle))),
        ]
      case "mac", "verify":
        guard let purpose = request["key"]?.string.flatMap(KeyPurpose.init(rawValue:)),
          let message = request["message"]?.string.flatMap(Base64URL.decode)
        else {
          reply = ["error": .string("malformed request")]
          break
        }
        let derived = VaultKey.derive(key, vaultID: vaultID, purpose)
        if op == "mac" {
          reply = ["code": .string(Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: message, using: derived))))]
        } else {
          let code = request["code"]?.string.flatMap(Base64URL.decode) ?? []
          reply = ["valid": .bool(HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: message, using: derived))]
        }
      case "open":
        guard let enc = request["enc"]?.string.flatMap(Base64URL.decode), let ct = request["ct"]?.string.flatMap(Base64URL.decode),
          let aad = request["aad"]?.string.flatMap(Base64URL.decode), let info = request["info"]?.string.flatMap(Base64URL.decode)
        else {
          reply = ["error": .string("malformed request")]
          break
        }
        do {
          reply = ["plaintext": .string(Base64URL.encode(try VaultKey.open(secret: key, enc: enc, ct: ct, aad: aad, info: info)))]
        } catch .lowOrderPoint {
          reply = ["error": .string("low-order enc")]
        } catch {
          reply = ["error": .string("integrity")]
        }
      case "seal":
        _ = AgentWire.send(client, ["sealed": .bool(true)])
        return 0
      default:
        reply = ["error": .string("unknown op")]
      }
      _ = AgentWire.send(client, reply)
    }
    return 0
  }
}

/// `struct ucred` of <sys/socket.h> (hidden behind _GNU_SOURCE in Glibc's module map).
struct PeerCredentials {
  var pid: Int32 = 0
  var uid: UInt32 = 0
  var gid: UInt32 = 0
}

/// prctl(2), which Glibc's module map does not export; called with its five word-sized arguments.
@_silgen_name("prctl") func setDumpable(_ option: Int32, _ a: UInt, _ b: UInt, _ c: UInt, _ d: UInt) -> Int32
