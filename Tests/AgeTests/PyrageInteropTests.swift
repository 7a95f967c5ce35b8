import Foundation
import Testing

@testable import Age

/// Interoperability with rage (a second, independent age implementation) through its Python binding pyrage.
/// Keys and passphrases reach Python through environment variables, files through temporary files: never argv.
/// These tests fail, not skip, when pyrage is missing: CI installs it (.ci/run).
@Suite(.serialized) struct PyrageInteropTests {
  static func requirePyrage() throws {
    let probe = try Python.run("import pyrage\n")
    if probe.status != 0 {
      throw Python.Failure(
        description: "pyrage is not importable: run `python3 -m pip install pyrage` (stderr: \(probe.stderr))")
    }
  }

  /// Runs `script` with HUSH_TEST_IN holding `input` and returns what it writes to HUSH_TEST_OUT.
  static func pyrage(_ script: String, input: [UInt8], secrets: [String: String]) throws -> [UInt8] {
    try requirePyrage()
    let dir = try TemporaryDirectory()
    let inURL = dir.url.appendingPathComponent("in.age")
    let outURL = dir.url.appendingPathComponent("out")
    try Data(input).write(to: inURL)
    let prelude = """
      import os, pyrage
      data = open(os.environ["HUSH_TEST_IN"], "rb").read()
      def emit(b):
          open(os.environ["HUSH_TEST_OUT"], "wb").write(b)

      """
    var environment = secrets
    environment["HUSH_TEST_IN"] = inURL.path
    environment["HUSH_TEST_OUT"] = outURL.path
    let run = try Python.run(prelude + script, environment: environment)
    guard run.status == 0 else {
      // The script's own stderr: a Python traceback, which shows code lines, not the environment.
      throw Python.Failure(description: "pyrage script failed (\(run.status)): \(run.stderr)")
    }
    return Array(try Data(contentsOf: outURL))
  }

  @Test("pyrage decrypts our X25519 file", arguments: [true, false])
  func pyrageDecryptsX25519(armor: Bool) throws {
    let identity = Age.X25519Identity.generate()
    let plaintext = payload(70_000)
    let others = (0..<2).map { _ in Age.X25519Identity.generate().recipient }
    let file = try Age.encrypt(plaintext, to: others + [identity.recipient], armor: armor)
    let decrypted = try Self.pyrage(
      """
      identity = pyrage.x25519.Identity.from_str(os.environ["HUSH_TEST_IDENTITY"])
      emit(pyrage.decrypt(data, [identity]))
      """, input: file, secrets: ["HUSH_TEST_IDENTITY": identity.string])
    let same = decrypted == plaintext
    #expect(same)
  }

  @Test("pyrage decrypts our scrypt file", arguments: [true, false])
  func pyrageDecryptsScrypt(armor: Bool) throws {
    let passphrase = "interop passphrase \(UUID().uuidString)"
    let plaintext = payload(1000)
    let file = try Age.encrypt(plaintext, passphrase: Array(passphrase.utf8), logN: 12, armor: armor)
    let decrypted = try Self.pyrage(
      """
      emit(pyrage.passphrase.decrypt(data, os.environ["HUSH_TEST_PASSPHRASE"]))
      """, input: file, secrets: ["HUSH_TEST_PASSPHRASE": passphrase])
    let same = decrypted == plaintext
    #expect(same)
  }

  @Test("we decrypt pyrage's X25519 file", arguments: [true, false])
  func weDecryptPyrageX25519(armor: Bool) throws {
    let identity = Age.X25519Identity.generate()
    let plaintext = payload(140_000)
    let file = try Self.pyrage(
      """
      recipient = pyrage.x25519.Recipient.from_str(os.environ["HUSH_TEST_RECIPIENT"])
      emit(pyrage.encrypt(data, [recipient], armored=\(armor ? "True" : "False")))
      """, input: plaintext, secrets: ["HUSH_TEST_RECIPIENT": identity.recipient.string])
    // rage adds a random "grease" stanza, which we must ignore.
    #expect(try Age.stanzaTypes(of: file).filter { $0 == "X25519" }.count == 1)
    let same = try Age.decrypt(file, identities: [identity]) == plaintext
    #expect(same)
  }

  /// Armored only: rage picks logN by timing (19 here), which costs ~15 s in a debug build, so once is enough.
  @Test("we decrypt pyrage's scrypt file")
  func weDecryptPyrageScrypt() throws {
    let passphrase = "interop passphrase \(UUID().uuidString)"
    let plaintext = payload(1000)
    // rage picks the work factor by timing (about a second of scrypt), which stays under our maxLogN of 22.
    let file = try Self.pyrage(
      """
      emit(pyrage.passphrase.encrypt(data, os.environ["HUSH_TEST_PASSPHRASE"], armored=True))
      """, input: plaintext, secrets: ["HUSH_TEST_PASSPHRASE": passphrase])
    #expect(try Age.stanzaTypes(of: file) == ["scrypt"])
    let same = try Age.decrypt(file, passphrase: Array(passphrase.utf8)) == plaintext
    #expect(same)
    #expect(throws: Age.AgeError.noMatch) { try Age.decrypt(file, passphrase: Array("wrong".utf8)) }
  }
}
