// Finding the vault a command works on: the work tree, the vault name, the audit policy, the key sources.
import ArgumentParser
import Foundation
import TOML
import Vault

/// `--vault` and `--identity`, which every `hush vault` command takes.
struct VaultOptions: ParsableArguments {
  @Option(name: .long, help: "The vault (default: $HUSH_VAULT, else [vault] default in .hush/config.toml, else 'default').")
  var vault: String?

  @Option(name: .long, help: "An age identity file to try after HUSH_IDENTITY and HUSH_IDENTITY_FILE.")
  var identity: String?

  func context() throws -> VaultContext { try VaultContext(vault: vault, identity: identity) }
}

struct VaultContext {
  var location: VaultLocation
  var sources: KeySources
  var auditPolicy: AuditPolicy

  init(vault: String?, identity: String?) throws {
    let environment = ProcessInfo.processInfo.environment
    let cwd = FileManager.default.currentDirectoryPath
    // The work tree's top: the nearest directory above with .git (a directory, or a file naming the git
    // directory of a linked worktree), else the nearest with .hush/. Found by hand: loading libgit2 costs
    // more than everything else `hush run` does before starting the child.
    var root = cwd
    var gitDirectory: String?
    var probe = URL(fileURLWithPath: cwd).standardizedFileURL
    var hushRoot: String?
    while true {
      let git = probe.appendingPathComponent(".git").path
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: git, isDirectory: &isDirectory) {
        root = probe.path
        if isDirectory.boolValue {
          gitDirectory = git
        } else if let text = try? String(contentsOfFile: git, encoding: .utf8), text.hasPrefix("gitdir: ") {
          let target = text.dropFirst(8).trimmingCharacters(in: .whitespacesAndNewlines)
          gitDirectory = target.hasPrefix("/") ? target : probe.appendingPathComponent(target).standardizedFileURL.path
        }
        break
      }
      if hushRoot == nil, FileManager.default.fileExists(atPath: probe.appendingPathComponent(".hush").path) { hushRoot = probe.path }
      if probe.path == "/" {
        root = hushRoot ?? cwd
        break
      }
      probe.deleteLastPathComponent()
    }
    let config = VaultContext.readConfig(root + "/.hush/config.toml")
    let name = vault ?? environment["HUSH_VAULT"].flatMap { $0.isEmpty ? nil : $0 } ?? config.defaultVault ?? "default"
    if validateSecretName(name) != nil || name.contains("/") {
      throw VaultError.usage("vault name '\(name)': use lowercase letters, digits, '.', '_' and '-'")
    }
    location = VaultLocation(root: root, name: name, gitDirectory: gitDirectory)
    sources = KeySources(environment: environment, identityPath: identity)
    auditPolicy = config.audit
    // A root-owned /etc/hush/audit.toml forces the policy for every repository on the machine.
    if let forced = VaultContext.forcedAudit() { auditPolicy = forced }
  }

  func open() throws -> Vault { try Vault(location: location, sources: sources, auditPolicy: auditPolicy) }

  struct Config {
    var defaultVault: String?
    var audit = AuditPolicy()
  }

  static func readConfig(_ path: String) -> Config {
    var config = Config()
    guard let data = FileManager.default.contents(atPath: path), let table = try? TOMLParser.parse(Array(data)) else { return config }
    config.defaultVault = table["vault"]?.tableValue?["default"]?.stringValue
    if let audit = table["audit"]?.tableValue {
      if let required = audit["required"]?.boolValue { config.audit.required = required }
      if let hashNames = audit["hashNames"]?.boolValue { config.audit.hashNames = hashNames }
    }
    return config
  }

  static func forcedAudit() -> AuditPolicy? {
    let path = "/etc/hush/audit.toml"
    var info = stat()
    guard stat(path, &info) == 0, info.st_uid == 0, let data = FileManager.default.contents(atPath: path),
      let table = try? TOMLParser.parse(Array(data))
    else { return nil }
    let audit = table["audit"]?.tableValue
    return AuditPolicy(required: audit?["required"]?.boolValue ?? true, hashNames: audit?["hashNames"]?.boolValue ?? false)
  }
}
