// libFuzzer entry point (issue 10): the same parsers as Tests/FuzzTests, coverage-guided.
//
//   scripts/libfuzzer.sh [SECONDS]        builds with -sanitize=fuzzer,address and runs every target
//   .build/debug/hush-fuzz TARGET FILE…   (a normal build) replays inputs, e.g. a crash libFuzzer saved
//
// HUSH_FUZZ_TARGET names the target under libFuzzer: rules, engine, vault-record, vault-header, age,
// reference, baseline, ignore.
import Age
import Foundation
import RulePack
import ScanEngine
import Triage
import Vault

enum FuzzTarget: String, CaseIterable {
  case rules, engine, vaultRecord = "vault-record", vaultHeader = "vault-header", age, reference, baseline, ignore
}

/// The whole default pack, built once.
nonisolated(unsafe) let scanner: ScanEngine.Scanner? = {
  guard let rules = try? RuleSet(rules: BuiltinRules.definitions, globalAllowlists: BuiltinRules.allowlists, compileEagerly: false) else { return nil }
  return ScanEngine.Scanner(rules: rules)
}()

/// The seed corpus's identity, so the age target reaches decryption. Read from the corpus, found from
/// this source file's path, rather than written here: a key literal in Sources/ is what `hush scan` flags.
let identities: [Age.X25519Identity] = {
  let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../Tests/Fuzz/age/identity.txt").standardizedFileURL
  guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
  return (try? Age.X25519Identity.parseFile(text)) ?? []
}()

func fuzz(_ target: FuzzTarget, _ bytes: [UInt8]) {
  switch target {
  case .rules: _ = try? RuleFile(parsing: bytes, file: "fuzz.toml")
  case .engine: _ = scanner?.scan(Chunk(bytes: bytes, provenance: Provenance(path: Array("fuzz.txt".utf8))))
  case .vaultRecord: if let record = try? SecretRecord.parse(bytes, file: "fuzz.json") { _ = record.serialized() }
  case .vaultHeader: if let header = try? VaultHeader.parse(bytes, file: "vault.json") { _ = header.serialized() }
  case .age:
    _ = try? Age.X25519Identity.parseFile(String(decoding: bytes, as: UTF8.self))
    _ = try? Age.stanzaTypes(of: bytes)
    _ = try? Age.decrypt(bytes, identities: identities)
  case .reference: _ = try? SecretReference.parse(String(decoding: bytes, as: UTF8.self))
  case .baseline: _ = try? Baseline.parse(Data(bytes), file: "baseline.json")
  case .ignore: _ = try? IgnoreFile.parse(String(decoding: bytes, as: UTF8.self), file: ".hush/ignore", today: Day("2026-12-03")!)
  }
}

let selected: FuzzTarget? = ProcessInfo.processInfo.environment["HUSH_FUZZ_TARGET"].flatMap(FuzzTarget.init(rawValue:))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  guard let selected else {
    FileHandle.standardError.write(Data("set HUSH_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
    exit(64)
  }
  fuzz(selected, data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
  return 0
}

#if LIBFUZZER
  // SwiftPM links an executable's entry point as `<module>_main`; libFuzzer's driver takes over there.
  @_silgen_name("LLVMFuzzerRunDriver")
  func runDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
  ) -> Int32

  @_cdecl("hush_fuzz_main")
  public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var vector = argv
    return runDriver(&count, &vector) { data, size in fuzzOneInput(data, size) }
  }
#else
  /// Without libFuzzer: `hush-fuzz TARGET FILE…` runs each file through the target once.
  @main
  struct Replay {
    static func main() {
      let arguments = CommandLine.arguments.dropFirst()
      guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write(Data("usage: hush-fuzz TARGET FILE…  (targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")))\n".utf8))
        exit(64)
      }
      for path in arguments.dropFirst() {
        guard let data = FileManager.default.contents(atPath: path) else {
          FileHandle.standardError.write(Data("error: cannot read \(path)\n".utf8))
          exit(2)
        }
        fuzz(target, Array(data))
        print("\(target.rawValue) \(path): ok")
      }
    }
  }
#endif
