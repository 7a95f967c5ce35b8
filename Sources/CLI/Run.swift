// `hush run`, `hush render`, `hush redact`: secrets reach the program at run time (VAULT.md §10).
import ArgumentParser
import Foundation
import Runtime
import TOML
import Vault

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `.hush/env.toml`: `[vault.NAME]` tables mapping variables to references.
func readEnvToml(_ context: VaultContext) throws -> [(key: String, value: String)] {
  let path = context.location.hushDirectory + "/env.toml"
  guard let data = FileManager.default.contents(atPath: path) else { return [] }
  let table: TOMLTable
  do { table = try TOMLParser.parse(Array(data)) } catch { throw VaultError.failed(".hush/env.toml: \(error); fix the file") }
  guard let section = table["vault"]?.tableValue?[context.location.name]?.tableValue else { return [] }
  var out: [(key: String, value: String)] = []
  for entry in section.entries {
    guard validateEnvironmentName(entry.key) else {
      throw VaultError.failed(".hush/env.toml:\(entry.keyPosition): '\(entry.key)' is not an environment variable name")
    }
    guard let value = entry.node.stringValue else {
      throw VaultError.failed(".hush/env.toml:\(entry.keyPosition): \(entry.key) must be a string such as \"hush://name\"")
    }
    out.append((entry.key, value))
  }
  return out
}

struct Run: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a command with secrets from the vault in its environment.",
    discussion: """
      The child's environment: yours minus every HUSH_* variable, then .hush/env.toml's section for the vault, \
      then --env-file files; every value that is a hush:// reference is resolved. `?as=file` references become \
      paths to 0600 files removed when the command exits. Output is masked when it is not a terminal (CI logs). \
      Exit status: the command's (128+N if killed by signal N); 125 if hush fails before starting it, 126 if \
      the command cannot run, 127 if it is not found.
      """)

  @OptionGroup var options: VaultOptions
  @Option(name: .customLong("env-file"), help: "A .env file whose variables are added (later files win; references resolved).")
  var envFiles: [String] = []
  @Option(help: "Inject only these variables (comma-separated).") var only: String?
  @Option(help: "auto (mask when output is not a terminal), always or never.") var mask: String = "auto"
  @Flag(help: "Replace hush with the command (PID 1 in containers): no masking, no cleanup of as=file files.")
  var exec = false
  @Argument(parsing: .captureForPassthrough, help: "The command and its arguments, after --.") var command: [String] = []

  func run() async throws {
    var argv = command
    if argv.first == "--" { argv.removeFirst() }
    guard !argv.isEmpty else { throw ValidationError("give the command to run: hush run -- CMD [ARGS...]") }
    guard ["auto", "always", "never"].contains(mask) else { throw ValidationError("--mask must be auto, always or never") }
    do {
      try start(argv)
    } catch let error as ChildError {
      printError(error.description)
      Glibc.exit(error.exitCode)
    } catch let error as ExitCode {
      throw error
    } catch VaultError.usage(let message) {
      printError(message)
      Glibc.exit(64)
    } catch {
      // hush's own failure before the command started: 125, as env(1) uses.
      printError("\(error)")
      Glibc.exit(125)
    }
  }

  func start(_ argv: [String]) throws {
    let inherited = ProcessInfo.processInfo.environment
    var environment: [String: String] = inherited.filter { !$0.key.hasPrefix("HUSH_") }
    let context = try options.context()
    for (key, value) in try readEnvToml(context) { environment[key] = value }
    for file in envFiles {
      guard let data = FileManager.default.contents(atPath: file) else { throw VaultError.failed("cannot read --env-file \(file)") }
      for (key, value) in try Dotenv.parse(String(decoding: data, as: UTF8.self), file: file) { environment[key] = value }
    }
    var references = environment.filter { $0.value.hasPrefix("hush://") }
    if let only {
      let wanted = Set(only.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) })
      for name in wanted where references[name] == nil {
        throw VaultError.usage("--only \(name): no variable \(name) holds a hush:// reference")
      }
      for name in references.keys where !wanted.contains(name) {
        environment.removeValue(forKey: name)
        references.removeValue(forKey: name)
      }
    }
    // A command that cannot start is reported before any secret is read.
    _ = try Child(arguments: argv, environment: environment.map { "\($0.key)=\($0.value)" }, masker: nil).resolveCommand()
    var values: [(name: String, value: [UInt8])] = []
    var runtime: RuntimeDirectory?
    if !references.isEmpty {
      let vault = try context.open()
      let basename = argv[0].split(separator: "/").last.map(String.init) ?? argv[0]
      for (variable, text) in references.sorted(by: { $0.key < $1.key }) {
        let reference: SecretReference
        do { reference = try SecretReference.parse(text) } catch { throw VaultError.failed("\(variable): \(error)") }
        let value = try vault.read(reference, op: "run", cmd: basename).value
        values.append((reference.name, value.bytes))
        if reference.asFile {
          if runtime == nil { runtime = try RuntimeDirectory(environment: inherited) }
          environment[variable] = try runtime!.write(name: variable, value: value.bytes, mode: reference.mode)
        } else {
          guard !value.bytes.contains(0), let text = String(validating: value.bytes, as: UTF8.self) else {
            throw VaultError.failed("\(variable): \(reference) is binary and cannot be an environment variable; use \(reference)?as=file")
          }
          environment[variable] = text
        }
      }
    }
    let masking = mask == "always" || (mask == "auto" && (isatty(1) != 1 || isatty(2) != 1))
    var child = Child(
      arguments: argv, environment: environment.map { "\($0.key)=\($0.value)" }.sorted(),
      masker: masking && !values.isEmpty ? Masker(values) : nil)
    if exec {
      Diagnostics.warn("--exec: output is not masked and as=file values are not removed when the command exits")
      try child.exec()
    }
    let status = try child.run()
    runtime?.remove()
    throw ExitCode(status)
  }
}

struct Render: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Fill {{ hush://name }} placeholders in a template from the vault.",
    discussion: "Every reference must resolve, or nothing is written. -o writes atomically (default mode 0600) and refuses a path git tracks and does not ignore.")

  @OptionGroup var options: VaultOptions
  @Argument(help: "The template file.") var template: String
  @Option(name: .shortAndLong, help: "Output file (default: stdout, refused on a terminal).") var output: String?
  @Option(help: "Mode of the output file, octal.") var mode: String = "0600"

  func run() async throws {
    guard let fileMode = UInt32(mode, radix: 8), fileMode <= 0o777 else { throw ValidationError("--mode must be octal, e.g. 0600") }
    guard let data = FileManager.default.contents(atPath: template) else { throw VaultError.failed("cannot read template \(template)") }
    let bytes = Array(data)
    if output == nil && isatty(1) == 1 {
      throw VaultError.usage("refusing to render secrets to a terminal; pass -o FILE or pipe the output")
    }
    let context = try options.context()
    if let output { try refuseTrackedOutput(output, context: context) }
    var values: [String: [UInt8]] = [:]
    let placeholders = Template.placeholders(bytes)
    if !placeholders.isEmpty {
      let vault = try context.open()
      for placeholder in placeholders where values[placeholder.reference] == nil {
        let reference: SecretReference
        do { reference = try SecretReference.parse(placeholder.reference) } catch { throw VaultError.failed("\(template): \(error)") }
        do {
          values[placeholder.reference] = try vault.read(reference, op: "render").value.bytes
        } catch {
          throw VaultError.failed("\(template): \(placeholder.reference) does not resolve: \(error); nothing was written")
        }
      }
    }
    let rendered = Template.render(bytes, values: values)
    if let output {
      try Files.writeAtomically(rendered, to: output.hasPrefix("/") ? output : FileManager.default.currentDirectoryPath + "/" + output, mode: fileMode)
      writeAll(2, Array("rendered \(placeholders.count) reference\(placeholders.count == 1 ? "" : "s") into \(output) (mode \(mode))\n".utf8))
    } else {
      writeAll(1, rendered)
    }
  }

  /// A rendered file that git tracks would leak into the next commit.
  func refuseTrackedOutput(_ output: String, context: VaultContext) throws {
    guard context.location.gitDirectory != nil else { return }
    let directory = URL(fileURLWithPath: output).deletingLastPathComponent().path
    guard FileManager.default.fileExists(atPath: directory) else { return }
    let absolute = URL(fileURLWithPath: output).standardizedFileURL.path
    guard absolute.hasPrefix(context.location.root + "/") else { return }
    let relative = String(absolute.dropFirst(context.location.root.count + 1))
    let tracked = try git(["ls-files", "--error-unmatch", "--", relative], root: context.location.root).status == 0
    let ignored = try git(["check-ignore", "-q", "--no-index", "--", relative], root: context.location.root).status == 0
    if tracked && !ignored {
      throw VaultError.failed("\(output) is tracked by git and not ignored: rendered secrets would be committed; render outside the repository or git rm --cached it and add it to .gitignore")
    }
    if !tracked && !ignored {
      Diagnostics.warn("\(output) is inside the repository and not ignored; add it to .gitignore so it is never committed")
    }
  }
}

struct Redact: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Mask every current value of the vault in stdin, for logs captured outside `hush run`.")

  @OptionGroup var options: VaultOptions

  func run() async throws {
    let vault = try options.context().open()
    let reader = try vault.unlock()
    var values: [(name: String, value: [UInt8])] = []
    for name in vault.recordNames {
      guard let record = try vault.record(name) else { continue }
      for version in [record.current(key: reader.key, requireVerified: true), record.previous(key: reader.key, requireVerified: true)] {
        guard let version, version.epoch == vault.header.epoch else { continue }
        values.append((name, try record.open(version, key: reader.key, file: name).bytes))
      }
    }
    try vault.audit.append(AuditEvent(op: "redact", names: values.map(\.name)), epoch: vault.header.epoch, key: reader.key, actorKey: reader.actor)
    var masker = Masker(values)
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
      if count < 0 && errno == EINTR { continue }
      if count <= 0 { break }
      writeAll(1, masker.feed(Array(buffer[..<count])))
    }
    writeAll(1, masker.finish())
  }
}
