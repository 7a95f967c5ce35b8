// Finding the vault a command works on: the work tree, the vault name, the audit policy, the key sources.
import ArgumentParser
import Foundation
import Git2
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
  var repository: Repository?

  init(vault: String?, identity: String?) throws {
    let environment = ProcessInfo.processInfo.environment
    let cwd = FileManager.default.currentDirectoryPath
    var root = cwd
    var gitDirectory: String?
    repository = try? Repository.discover(from: cwd)
    if let repository, let workdir = repository.workdir {
      root = workdir.hasSuffix("/") ? String(workdir.dropLast()) : workdir
      gitDirectory = repository.gitDirectory.hasSuffix("/") ? String(repository.gitDirectory.dropLast()) : repository.gitDirectory
    } else {
      // Outside git: the nearest directory above that has a .hush/.
      var probe = URL(fileURLWithPath: cwd)
      while probe.path != "/" {
        if FileManager.default.fileExists(atPath: probe.appendingPathComponent(".hush").path) {
          root = probe.path
          break
        }
        probe.deleteLastPathComponent()
      }
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
