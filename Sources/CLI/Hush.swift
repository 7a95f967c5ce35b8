// The `hush` command: ArgumentParser glue. Each subcommand parses options, calls library code, maps
// the result to output and an exit code.
import ArgumentParser
import Runtime
import Vault

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

let hushVersion = "0.1.0"

@main
struct Hush: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hush",
    abstract: "Find secrets in code and history, and keep them out.",
    discussion: """
      Exit codes: 0 nothing found, 1 findings, 2 operational error (partial results are still \
      printed), 64 usage error.
      """,
    version: hushVersion,
    subcommands: [Scan.self, BaselineCommand.self, Rules.self, Hook.self, VaultCommand.self, Run.self, Render.self, Redact.self, FixCommand.self, Undo.self]
  )

  /// Runs the command, mapping our errors to exit code 2 with a one-line message. ArgumentParser's
  /// own default for unknown errors is 1, which would read as "findings".
  static func main() async {
    do {
      // gitleaks' `--redact` takes an optional percentage; ArgumentParser options need a value.
      let arguments = CommandLine.arguments.dropFirst().map { $0 == "--redact" ? "--redact=100" : $0 }
      // `hush scan ...` (the pre-commit hook's call) is parsed by `Scan` alone: building the whole
      // command tree costs several milliseconds of reflection on every commit.
      if arguments.first == "scan", !arguments.contains(where: { $0 == "-h" || $0 == "--help" || $0 == "--version" }) {
        do {
          var scan = try Scan.parse(Array(arguments.dropFirst()))
          try await scan.run()
        } catch let error as OperationalError {
          throw error
        } catch {
          Scan.exit(withError: error)
        }
        return
      }
      var command = try parseAsRoot(Array(arguments))
      if var asyncCommand = command as? AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch let error as OperationalError {
      printError(error.message)
      Glibc.exit(2)
    } catch let error as VaultError {
      printError(error.description)
      if case .usage = error { Glibc.exit(64) }
      Glibc.exit(2)
    } catch {
      exit(withError: error)
    }
  }
}

/// An error the user can fix: a missing file, a broken rule. Printed as one line; exit code 2.
struct OperationalError: Error {
  var message: String
  init(_ message: String) { self.message = message }
}

func printError(_ message: String) {
  writeAll(2, Array("error: \(message)\n".utf8))
}

func printWarning(_ message: String) {
  writeAll(2, Array("warning: \(message)\n".utf8))
}

func writeAll(_ fd: Int32, _ bytes: [UInt8]) { Runtime.writeAll(fd, bytes) }
