import Crypto
import Foundation
import Testing

@testable import Age

func sha256Hex(_ bytes: [UInt8]) -> String {
  SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
}

func hexBytes(_ hex: String) -> [UInt8] {
  var out: [UInt8] = []
  var it = hex.makeIterator()
  while let hi = it.next(), let lo = it.next() { out.append(UInt8(String([hi, lo]), radix: 16)!) }
  return out
}

/// Runs an `Age` call and returns its AgeError; records an issue if it succeeds or throws anything else.
@discardableResult
func expectAgeError(
  _ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> [UInt8]
) -> Age.AgeError? {
  do {
    _ = try body()
    Issue.record("\(what): decrypted, expected an AgeError", sourceLocation: sourceLocation)
    return nil
  } catch let error as Age.AgeError {
    return error
  } catch {
    Issue.record("\(what): threw a non-AgeError \(type(of: error))", sourceLocation: sourceLocation)
    return nil
  }
}

/// python3 as a subprocess. Inputs and outputs travel through temporary files and environment variables, never argv
/// (argv is visible to other users in `ps`); stdout and stderr go to files too, so no pipe can fill up.
enum Python {
  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  struct Run {
    let status: Int32
    let stdout: String
    let stderr: String
  }

  static func run(_ script: String, environment: [String: String] = [:]) throws -> Run {
    let dir = try TemporaryDirectory()
    let scriptURL = dir.url.appendingPathComponent("script.py")
    try Data(script.utf8).write(to: scriptURL)
    let out = dir.url.appendingPathComponent("stdout")
    let err = dir.url.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", scriptURL.path]
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    do {
      try process.run()
    } catch {
      throw Failure(description: "cannot start python3 (\(error)); install python3")
    }
    process.waitUntilExit()
    return Run(
      status: process.terminationStatus,
      stdout: String(decoding: (try? Data(contentsOf: out)) ?? Data(), as: UTF8.self),
      stderr: String(decoding: (try? Data(contentsOf: err)) ?? Data(), as: UTF8.self))
  }

  /// zlib-decompresses (the testkit stores its large vectors compressed; Foundation on Linux has no zlib API).
  static func zlibDecompress(_ data: [UInt8]) throws -> [UInt8] {
    let dir = try TemporaryDirectory()
    let input = dir.url.appendingPathComponent("in")
    let output = dir.url.appendingPathComponent("out")
    try Data(data).write(to: input)
    let run = try run(
      """
      import os, zlib
      data = open(os.environ["HUSH_TEST_IN"], "rb").read()
      open(os.environ["HUSH_TEST_OUT"], "wb").write(zlib.decompress(data))
      """, environment: ["HUSH_TEST_IN": input.path, "HUSH_TEST_OUT": output.path])
    guard run.status == 0 else { throw Failure(description: "python3 zlib failed: \(run.stderr)") }
    return Array(try Data(contentsOf: output))
  }
}

/// A fresh 0700 directory, removed on deinit.
final class TemporaryDirectory {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("hush-age-\(UUID().uuidString)")
    try FileManager.default.createDirectory(
      at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
  }

  deinit { try? FileManager.default.removeItem(at: url) }
}
