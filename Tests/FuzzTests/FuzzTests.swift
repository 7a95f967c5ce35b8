// A seeded random-input harness (issue 10): every parser that reads untrusted bytes gets mutated copies of
// the seed corpus in Tests/Fuzz/<target>/. The only failure is a crash or a hang, which ends the test
// process. `HUSH_FUZZ_SECONDS=60 swift test --filter FuzzTests` (scripts/fuzz.sh) runs each target for a
// minute; the default is a short smoke run inside the normal suite. `HUSH_FUZZ_SEED` repeats a run.
import Age
import Foundation
import RulePack
import ScanEngine
import TestSupport
import Testing
import Triage
@testable import Vault

/// xorshift64*: deterministic, so a seed reproduces a run.
struct FuzzRandom {
  var state: UInt64
  init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }
  mutating func next() -> UInt64 {
    state ^= state >> 12
    state ^= state << 25
    state ^= state >> 27
    return state &* 0x2545_F491_4F6C_DD1D
  }
  mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }
}

enum Fuzz {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz").path
  static let tokens: [[UInt8]] = ["\"", "'", "'''", "{", "}", "[", "]", "[[", "]]", "=", ":", ",", "\n", "\r\n", "\\", "\\u0000", "\u{0}", "==", "-----BEGIN ", "hush://", "../", "@", "?as=file", "&mode=", "0x", "%41", "\u{FFFD}", "\u{7F}", "9999999999999999999999", "-1", "null", "true", "age1", "AGE-SECRET-KEY-1", "-> X25519 ", "-> scrypt ", "--- ", "ghp_", "password = \"", "\t", " ", "#"].map { Array($0.utf8) }

  static var seconds: Double { Double(ProcessInfo.processInfo.environment["HUSH_FUZZ_SECONDS"] ?? "") ?? 0 }
  static var seed: UInt64 { UInt64(ProcessInfo.processInfo.environment["HUSH_FUZZ_SEED"] ?? "") ?? 0x6875_7368 }

  static func seeds(_ target: String) -> [[UInt8]] {
    let directory = root + "/" + target
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    var paths = names.sorted().map { directory + "/" + $0 }
    // gitleaks' own configuration seeds the rule loader from ../shared/fixtures where that exists; it is
    // another project's file, kept out of this repository.
    if target == "rules" { paths.append(sharedFile("fixtures/gitleaks-default.toml").path) }
    let files = paths.compactMap { FileManager.default.contents(atPath: $0).map(Array.init) }
    return files.isEmpty ? [[]] : files
  }

  static func mutate(_ input: [UInt8], _ random: inout FuzzRandom, corpus: [[UInt8]]) -> [UInt8] {
    var bytes = input
    for _ in 0...random.below(4) {
      switch random.below(8) {
      case 0 where !bytes.isEmpty:  // flip a bit
        let index = random.below(bytes.count)
        bytes[index] ^= UInt8(1 << random.below(8))
      case 1:  // insert a token
        let token = tokens[random.below(tokens.count)]
        bytes.insert(contentsOf: token, at: random.below(bytes.count + 1))
      case 2 where !bytes.isEmpty:  // delete a run
        let start = random.below(bytes.count)
        bytes.removeSubrange(start..<min(bytes.count, start + 1 + random.below(32)))
      case 3 where !bytes.isEmpty:  // truncate
        bytes.removeLast(random.below(bytes.count))
      case 4 where !bytes.isEmpty:  // duplicate a run
        let start = random.below(bytes.count)
        let run = Array(bytes[start..<min(bytes.count, start + 1 + random.below(64))])
        bytes.insert(contentsOf: run, at: random.below(bytes.count + 1))
      case 5:  // splice another seed
        let other = corpus[random.below(corpus.count)]
        if !other.isEmpty {
          let start = random.below(other.count)
          bytes.insert(contentsOf: other[start..<min(other.count, start + 1 + random.below(256))], at: random.below(bytes.count + 1))
        }
      case 6 where !bytes.isEmpty:  // random byte
        bytes[random.below(bytes.count)] = UInt8(truncatingIfNeeded: random.next())
      default:
        bytes.append(UInt8(truncatingIfNeeded: random.next()))
      }
    }
    return bytes
  }

  /// Runs `body` on the seeds, then on mutations for the configured time (or `smoke` inputs); returns execs.
  @discardableResult
  static func run(_ target: String, smoke: Int = 300, _ body: ([UInt8]) -> Void) -> Int {
    let corpus = seeds(target)
    // A stable per-target stream (String.hashValue is randomized per process).
    var random = FuzzRandom(seed: seed ^ target.utf8.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 })
    for input in corpus { body(input) }
    var execs = corpus.count
    let deadline = Date().addingTimeInterval(seconds)
    while seconds > 0 ? Date() < deadline : execs < smoke {
      body(mutate(corpus[random.below(corpus.count)], &random, corpus: corpus))
      execs += 1
    }
    print("fuzz \(target): \(execs) execs, seed \(seed), 0 crashes")
    return execs
  }
}

@Suite("Fuzz targets", .serialized)
struct FuzzTests {
  @Test("rule-pack loader (TOML, gitleaks files)")
  func rules() {
    Fuzz.run("rules", smoke: 200) { bytes in _ = try? RuleFile(parsing: bytes, file: "fuzz.toml") }
  }

  @Test("engine on arbitrary bytes with the whole default pack")
  func engine() throws {
    let rules = try RuleSet(rules: BuiltinRules.definitions, globalAllowlists: BuiltinRules.allowlists, compileEagerly: false)
    let scanner = Scanner(rules: rules)
    Fuzz.run("engine", smoke: 200) { bytes in
      _ = scanner.scan(Chunk(bytes: bytes, provenance: Provenance(path: Array("fuzz.txt".utf8))))
    }
  }

  @Test("vault record and header parsers")
  func vault() {
    Fuzz.run("vault-record") { bytes in
      if let record = try? SecretRecord.parse(bytes, file: "fuzz.json") { _ = record.serialized() }
    }
    Fuzz.run("vault-header") { bytes in
      if let header = try? VaultHeader.parse(bytes, file: "vault.json") { _ = header.serialized() }
    }
  }

  @Test("age identity parser and decryption")
  func age() {
    let identity = (try? Age.X25519Identity.parseFile(String(decoding: FileManager.default.contents(atPath: Fuzz.root + "/age/identity.txt") ?? Data(), as: UTF8.self))) ?? []
    Fuzz.run("age") { bytes in
      _ = try? Age.X25519Identity.parseFile(String(decoding: bytes, as: UTF8.self))
      _ = try? Age.stanzaTypes(of: bytes)
      _ = try? Age.decrypt(bytes, identities: identity)
    }
  }

  @Test("reference parser")
  func reference() {
    Fuzz.run("reference", smoke: 2000) { bytes in _ = try? SecretReference.parse(String(decoding: bytes, as: UTF8.self)) }
  }

  @Test("baseline and ignore-file parsers")
  func triage() {
    Fuzz.run("baseline") { bytes in _ = try? Baseline.parse(Data(bytes), file: "baseline.json") }
    let today = Day("2026-12-03")!
    Fuzz.run("ignore") { bytes in _ = try? IgnoreFile.parse(String(decoding: bytes, as: UTF8.self), file: ".hush/ignore", today: today) }
  }
}
