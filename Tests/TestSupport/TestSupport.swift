// Test helpers: temporary directories and git repositories, and running the built `hush`.
public import Foundation

/// The result of running a command.
public struct ToolResult: Sendable {
  public var status: Int32
  public var stdout: String
  public var stderr: String
  public var stdoutBytes: Data
}

/// The `hush` binary built beside the test bundle (`swift test` builds it: EndToEndTests depends on CLI).
public func hushBinary() -> String {
  var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  // On Linux the bundle is `.build/debug/<pkg>PackageTests.xctest`; on macOS it is a directory deeper.
  for _ in 0..<4 {
    let candidate = directory.appendingPathComponent("hush").path
    if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    directory = directory.deletingLastPathComponent()
  }
  return "hush"
}

/// A file under `../shared/` beside the package: the fixtures and schemas kept outside this repository.
public func sharedFile(_ path: String) -> URL {
  URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("shared").appendingPathComponent(path)
}

/// Runs `hush` with `arguments` in `directory`, feeding `stdin`.
@discardableResult
public func runHush(_ arguments: [String], in directory: URL, stdin: Data? = nil, environment: [String: String] = [:]) throws -> ToolResult {
  try run(hushBinary(), arguments, in: directory, stdin: stdin, environment: environment)
}

@discardableResult
public func run(_ executable: String, _ arguments: [String], in directory: URL, stdin: Data? = nil, environment: [String: String] = [:]) throws -> ToolResult {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
  process.arguments = executable.hasPrefix("/") ? arguments : [executable] + arguments
  process.currentDirectoryURL = directory
  var env = ProcessInfo.processInfo.environment
  env["NO_COLOR"] = "1"
  for (key, value) in environment { env[key] = value }
  process.environment = env
  let out = Pipe()
  let err = Pipe()
  let input = Pipe()
  process.standardOutput = out
  process.standardError = err
  process.standardInput = input
  try process.run()
  // Read both pipes concurrently so a full pipe cannot deadlock the child.
  let group = DispatchGroup()
  nonisolated(unsafe) var outData = Data()
  nonisolated(unsafe) var errData = Data()
  group.enter()
  DispatchQueue.global().async {
    outData = out.fileHandleForReading.readDataToEndOfFile()
    group.leave()
  }
  group.enter()
  DispatchQueue.global().async {
    errData = err.fileHandleForReading.readDataToEndOfFile()
    group.leave()
  }
  if let stdin { input.fileHandleForWriting.write(stdin) }
  try? input.fileHandleForWriting.close()
  process.waitUntilExit()
  group.wait()
  return ToolResult(
    status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
    stderr: String(decoding: errData, as: UTF8.self), stdoutBytes: outData)
}

/// A temporary directory, removed when the value is deinitialised.
public final class TempDirectory: @unchecked Sendable {
  public let url: URL
  public init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("hush-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }
  deinit { try? FileManager.default.removeItem(at: url) }

  /// Writes `text` to `path` (relative), creating directories.
  @discardableResult
  public func write(_ path: String, _ text: String) throws -> URL {
    try write(path, Data(text.utf8))
  }

  @discardableResult
  public func write(_ path: String, _ data: Data) throws -> URL {
    let file = url.appendingPathComponent(path)
    try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try data.write(to: file)
    return file
  }

  public var path: String { url.path }
}

/// A temporary git repository driven through the `git` CLI.
public final class TempRepo: @unchecked Sendable {
  public let directory: TempDirectory
  public var url: URL { directory.url }

  public init() throws {
    directory = try TempDirectory()
    try git("init", "-q", "-b", "main")
    try git("config", "user.name", "Hush Test")
    try git("config", "user.email", "test@hush.invalid")
    try git("config", "commit.gpgsign", "false")
  }

  @discardableResult
  public func git(_ arguments: String...) throws -> ToolResult {
    let result = try run("git", arguments, in: url)
    if result.status != 0 {
      throw TestFailure("git \(arguments.joined(separator: " ")) failed: \(result.stderr)")
    }
    return result
  }

  @discardableResult
  public func write(_ path: String, _ text: String) throws -> URL { try directory.write(path, text) }

  public func commitAll(_ message: String) throws {
    try git("add", "-A")
    try git("commit", "-q", "-m", message)
  }
}

public struct TestFailure: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}

/// Decodes a JSON report into a dictionary.
public func jsonObject(_ data: Data) throws -> [String: Any] {
  guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
    throw TestFailure("report is not a JSON object")
  }
  return object
}
