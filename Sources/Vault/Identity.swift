// Finding the member identity that opens a vault (VAULT.md §7), and passphrases.
package import Age
import Runtime

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where identities and passphrases come from: the process environment and options, injectable for tests.
package struct KeySources: Sendable {
  package var environment: [String: String]
  package var identityPath: String?
  /// Reads a passphrase: the TTY when there is one, else nil.
  package var askHidden: @Sendable (String) -> SecretBytes?

  package init(environment: [String: String], identityPath: String? = nil, askHidden: @escaping @Sendable (String) -> SecretBytes? = Terminal.readHidden) {
    self.environment = environment
    self.identityPath = identityPath
    self.askHidden = askHidden
  }

  package var home: String { environment["HOME"] ?? "/" }

  /// `$XDG_CONFIG_HOME/hush/identity.txt` (also on macOS).
  package var defaultIdentityPath: String {
    let base = environment["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? home + "/.config"
    return base + "/hush/identity.txt"
  }

  package var stateDirectory: String {
    let base = environment["XDG_STATE_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? home + "/.local/state"
    return base + "/hush"
  }

  package func display(_ path: String) -> String {
    path.hasPrefix(home + "/") && home != "/" ? "~" + path.dropFirst(home.count) : path
  }

  /// The passphrase from `HUSH_PASSPHRASE` (with a warning) or the TTY.
  package func passphrase(_ prompt: String) throws(VaultError) -> SecretBytes {
    if let value = environment["HUSH_PASSPHRASE"] {
      Diagnostics.warn("using the passphrase from HUSH_PASSPHRASE; other processes of this user can read the environment")
      return SecretBytes(Array(value.utf8))
    }
    guard let typed = askHidden(prompt), typed.count > 0 else {
      throw .noIdentity("a passphrase is needed and there is no terminal to ask on; set HUSH_PASSPHRASE")
    }
    return typed
  }
}

/// The identities found, with a line per source for the error that lists every place looked.
package struct IdentityCandidates {
  package var identities: [(identity: Age.X25519Identity, source: String)] = []
  package var tried: [String] = []
}

package enum IdentityLoader {
  /// Strips `\r`, surrounding whitespace and quotes.
  static func clean(_ text: String) -> String {
    var value = text.replacingAll("\r", with: "").trimmingCharacters(in: " \t\n")
    if value.count >= 2, let first = value.first, first == value.last, first == "\"" || first == "'" {
      value = String(value.dropFirst().dropLast()).trimmingCharacters(in: " \t\n")
    }
    return value
  }

  /// Parses identity text, naming the common mistakes.
  static func parse(_ text: String, source: String, isVariable: Bool, sources: KeySources) throws(VaultError) -> [Age.X25519Identity] {
    let value = clean(text)
    if value.hasPrefix("age1") && !value.contains("\n") {
      throw .noIdentity("\(source) holds a recipient (age1…), which is a public key; it needs the AGE-SECRET-KEY-1… line")
    }
    if isVariable, value.hasPrefix("/") || value.hasPrefix("~") || value.hasPrefix("./") || (!value.contains("AGE-") && value.contains("/")) {
      throw .noIdentity("\(source) holds a path, not a key; put the path in HUSH_IDENTITY_FILE")
    }
    if value.hasPrefix("age-encryption.org/v1") || value.hasPrefix("-----BEGIN AGE ENCRYPTED FILE-----") {
      // A passphrase-protected identity file.
      let passphrase = try sources.passphrase("passphrase for \(source): ")
      do {
        let inner = try Age.decrypt(Array(value.utf8) + [10], passphrase: passphrase.bytes)
        return try parse(String(decoding: inner, as: UTF8.self), source: source, isVariable: false, sources: sources)
      } catch let error as VaultError {
        throw error
      } catch {
        throw .noIdentity("the passphrase does not open \(source)")
      }
    }
    do {
      return try Age.X25519Identity.parseFile(value)
    } catch {
      throw .noIdentity("\(source) does not hold an age identity (AGE-SECRET-KEY-1… lines); check the file or variable")
    }
  }

  /// Every identity from the four sources, in order.
  package static func candidates(_ sources: KeySources) throws(VaultError) -> IdentityCandidates {
    var found = IdentityCandidates()
    func add(_ identities: [Age.X25519Identity], _ source: String) {
      for identity in identities { found.identities.append((identity, source)) }
      let fps = identities.map { recipientFingerprint($0.recipient.string) }.joined(separator: ", ")
      found.tried.append("\(source): \(identities.count) key\(identities.count == 1 ? "" : "s"), \(fps)")
    }
    if let value = sources.environment["HUSH_IDENTITY"], !value.isEmpty {
      add(try parse(value, source: "HUSH_IDENTITY", isVariable: true, sources: sources), "HUSH_IDENTITY")
    } else {
      found.tried.append("HUSH_IDENTITY unset")
    }
    let files: [(String?, String)] = [
      (sources.environment["HUSH_IDENTITY_FILE"].flatMap { $0.isEmpty ? nil : $0 }, "HUSH_IDENTITY_FILE"),
      (sources.identityPath, "--identity"),
    ]
    for (path, label) in files {
      guard let path else {
        found.tried.append(label == "--identity" ? "--identity not given" : "\(label) unset")
        continue
      }
      let expanded = path.hasPrefix("~/") ? sources.home + path.dropFirst(1) : path
      guard Files.exists(expanded) else {
        throw .noIdentity("\(label) names \(path), which does not exist; check the path")
      }
      try checkPermissions(expanded, sources: sources)
      let text = String(decoding: try Files.read(expanded, limit: 1 << 20), as: UTF8.self)
      add(try parse(text, source: sources.display(expanded), isVariable: false, sources: sources), sources.display(expanded))
    }
    let defaultPath = sources.defaultIdentityPath
    if Files.exists(defaultPath) {
      try checkPermissions(defaultPath, sources: sources)
      let text = String(decoding: try Files.read(defaultPath, limit: 1 << 20), as: UTF8.self)
      add(try parse(text, source: sources.display(defaultPath), isVariable: false, sources: sources), sources.display(defaultPath))
    } else {
      found.tried.append("\(sources.display(defaultPath)) absent")
    }
    return found
  }

  /// Refuses an identity file that group or others can read (`HUSH_ALLOW_INSECURE_PERMS=1` overrides).
  static func checkPermissions(_ path: String, sources: KeySources) throws(VaultError) {
    guard let mode = Files.mode(path), mode & 0o077 != 0, sources.environment["HUSH_ALLOW_INSECURE_PERMS"] != "1" else { return }
    let shown = sources.display(path)
    throw .noIdentity("identity file \(shown) is readable by group or others; run: chmod 600 \(shown)")
  }
}

/// Warnings and notes on standard error, prefixed `hush:`.
package enum Diagnostics {
  package static func warn(_ message: String) { note("warning: " + message) }
  package static func note(_ message: String) {
    let line = Array(("hush: " + message + "\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
  }
}

/// Hidden input on the controlling terminal.
package enum Terminal {
  package static func isTTY(_ fd: Int32) -> Bool { isatty(fd) == 1 }

  /// Prompts on /dev/tty with echo off; nil without a terminal.
  @Sendable package static func readHidden(_ prompt: String) -> SecretBytes? {
    let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var saved = termios()
    guard tcgetattr(fd, &saved) == 0 else { return nil }
    var quiet = saved
    quiet.c_lflag &= ~tcflag_t(ECHO)
    tcsetattr(fd, TCSAFLUSH, &quiet)
    defer { tcsetattr(fd, TCSAFLUSH, &saved) }
    let promptBytes = Array(prompt.utf8)
    _ = promptBytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    var value = [UInt8]()
    var byte: UInt8 = 0
    while read(fd, &byte, 1) == 1, byte != 10 { value.append(byte) }
    _ = write(fd, "\n", 1)
    if value.last == 13 { value.removeLast() }
    let secret = SecretBytes(value)
    SecretBytes.wipe(&value)
    return secret
  }
}

extension String {
  func replacingAll(_ target: String, with replacement: String) -> String {
    split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
  }
}
