import ArgumentParser
import Foundation
import Git2
import GitSource

struct Hook: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Install or remove the pre-commit hook that runs `hush scan --staged`.",
    subcommands: [Install.self, Uninstall.self])

  struct Install: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write the repository's pre-commit hook (honours core.hooksPath).",
      discussion: "An existing hook that is not hush's is refused, or with --force kept and run after hush's scan.")

    @Flag(help: "Keep an existing pre-commit hook and chain to it.")
    var force = false

    func run() async throws {
      let repository: Repository
      do { repository = try Repository.openFromEnvironment() } catch { throw OperationalError("\(error)") }
      let result: HookInstaller.Result
      do { result = try HookInstaller.install(repository, force: force) } catch { throw OperationalError("\(error)") }
      switch result {
      case .installed(let path): print("installed \(path)")
      case .updated(let path): print("updated \(path)")
      case .installedChained(let path, let chained):
        print("installed \(path); your previous hook is kept as \(chained) and runs after hush's scan")
      default: break
      }
      // A repository with a vault also gets this clone's diff and merge drivers for vault files.
      if let context = try? VaultContext(vault: nil, identity: nil),
        FileManager.default.fileExists(atPath: context.location.hushDirectory + "/vaults")
      {
        installGitDrivers(context)
      }
    }
  }

  struct Uninstall: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Remove hush's hook, restoring a hook it chained to.")

    func run() async throws {
      let repository: Repository
      do { repository = try Repository.openFromEnvironment() } catch { throw OperationalError("\(error)") }
      let result: HookInstaller.Result
      do { result = try HookInstaller.uninstall(repository) } catch { throw OperationalError("\(error)") }
      switch result {
      case .removed(let path): print("removed \(path)")
      case .restored(let path): print("restored your previous hook at \(path)")
      default: break
      }
    }
  }
}
