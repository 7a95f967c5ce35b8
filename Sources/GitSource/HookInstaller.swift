package import Git2

#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// Installs and removes Hush's pre-commit hook without losing a hook the user had.
package enum HookInstaller {
  /// Marks a hook as Hush's own.
  static let marker = "hush-managed-hook"
  /// Where a user's previous hook is kept; Hush's hook runs it after a clean scan.
  static let chainedName = "pre-commit.hush-chained"

  package enum Result: Sendable, Equatable {
    case installed(path: String)
    case updated(path: String)
    case installedChained(path: String, chained: String)
    case removed(path: String)
    case restored(path: String)
  }

  /// The hooks directory git uses: `core.hooksPath` (relative paths are relative to the working
  /// tree's root, `~/` to the home directory), else `hooks/` in the common git directory.
  package static func hooksDirectory(_ repository: Repository) throws(GitError) -> String {
    if var configured = try repository.configString("core.hooksPath"), !configured.isEmpty {
      if configured.hasPrefix("~/"), let home = getenv("HOME") {
        configured = String(cString: home) + configured.dropFirst()
      }
      if configured.hasPrefix("/") { return configured }
      return (repository.workdir ?? repository.gitDirectory) + configured
    }
    let common = repository.commonDirectory
    return (common.hasSuffix("/") ? common : common + "/") + "hooks"
  }

  package static func install(_ repository: Repository, force: Bool) throws(HookError) -> Result {
    let directory: String
    do { directory = try hooksDirectory(repository) } catch { throw HookError("\(error)") }
    mkdir(directory, 0o755)
    let path = directory + "/pre-commit"
    let chained = directory + "/" + chainedName
    var result = Result.installed(path: path)
    if let existing = readSmallFile(path) {
      if existing.contains(marker) {
        result = .updated(path: path)
      } else {
        guard force else {
          throw HookError("a pre-commit hook that is not hush's already exists at \(path); rerun with --force to keep it and run it after hush's scan")
        }
        guard access(chained, F_OK) != 0 else {
          throw HookError("\(chained) already exists; move it away first so no hook is lost")
        }
        guard rename(path, chained) == 0 else {
          throw HookError("cannot move \(path) to \(chained): \(String(cString: strerror(errno)))")
        }
        chmod(chained, 0o755)
        result = .installedChained(path: path, chained: chained)
      }
    }
    do { try AtomicFile.write(Array(PreCommitHook.script.utf8), to: path, mode: 0o755) } catch {
      throw HookError("\(error)")
    }
    return result
  }

  package static func uninstall(_ repository: Repository) throws(HookError) -> Result {
    let directory: String
    do { directory = try hooksDirectory(repository) } catch { throw HookError("\(error)") }
    let path = directory + "/pre-commit"
    let chained = directory + "/" + chainedName
    guard let existing = readSmallFile(path) else { throw HookError("no pre-commit hook at \(path)") }
    guard existing.contains(marker) else {
      throw HookError("the pre-commit hook at \(path) is not hush's; left it untouched")
    }
    if access(chained, F_OK) == 0 {
      guard rename(chained, path) == 0 else {
        throw HookError("cannot restore \(chained): \(String(cString: strerror(errno)))")
      }
      return .restored(path: path)
    }
    guard unlink(path) == 0 else { throw HookError("cannot remove \(path): \(String(cString: strerror(errno)))") }
    return .removed(path: path)
  }

  static func readSmallFile(_ path: String) -> String? {
    guard case .content(let bytes)? = try? FileReader.read(Array(path.utf8), maxSize: 1 << 20) else { return nil }
    return String(decoding: bytes, as: UTF8.self)
  }
}

package struct HookError: Error, Sendable, CustomStringConvertible {
  package var description: String
  init(_ description: String) { self.description = description }
}
