import Foundation
import Testing

@testable import Remediation

let fake = "FAKEfakeFAKE1234567890abcd"

/// Plans the first occurrence of `secret` in `source` and applies the plan's edits.
func rewrite(
  _ path: String, _ source: String, secret: String = fake, style: Style = .strict, tags: [String] = [],
  rule: String = "generic-password", projectFiles: Set<String> = [], bytes: [UInt8]? = nil
) -> (plan: Plan, output: String) {
  let content = bytes ?? Array(source.utf8)
  let needle = Array(secret.utf8)
  var at = -1
  var i = 0
  while i + needle.count <= content.count {
    if Array(content[i..<(i + needle.count)]) == needle { at = i; break }
    i += 1
  }
  precondition(at >= 0, "secret not in source")
  let occ = Occurrence(range: at..<(at + needle.count), ruleID: rule, tags: tags)
  let plan = Planner.plan(path: path, content: content, occurrence: occ, style: style, projectFiles: projectFiles)
  let out = Planner.apply(plan.edits, to: content)
  return (plan, String(decoding: out, as: UTF8.self))
}

/// Runs a syntax checker on `source` written to a temp file, when the tool exists; nil when it does not.
func syntaxCheck(_ tool: [String], ext: String, _ source: String) -> Bool? {
  let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
  guard let exe = paths.map({ "\($0)/\(tool[0])" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
    print("notice: \(tool[0]) not installed, syntax check skipped")
    return nil
  }
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hush-remediation-\(UUID().uuidString)")
  try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: dir) }
  let file = dir.appendingPathComponent("check.\(ext)")
  try? Data(source.utf8).write(to: file)
  let p = Process()
  p.executableURL = URL(fileURLWithPath: exe)
  p.arguments = Array(tool.dropFirst()) + [file.path]
  p.currentDirectoryURL = dir
  p.standardOutput = FileHandle.nullDevice
  p.standardError = FileHandle.nullDevice
  do { try p.run() } catch {
    print("notice: \(tool[0]) could not start (\(error)), syntax check skipped")
    return nil
  }
  p.waitUntilExit()
  return p.terminationStatus == 0
}

func expectSyntax(_ tool: [String], ext: String, _ source: String, sourceLocation: SourceLocation = #_sourceLocation) {
  if let ok = syntaxCheck(tool, ext: ext, source) {
    #expect(ok, "\(tool[0]) rejected:\n\(source)", sourceLocation: sourceLocation)
  }
}

@Test func syntaxCheckerRejectsBrokenInput() {
  // Proves the syntax checks above can fail: a broken rewrite would be caught.
  if let ok = syntaxCheck(["python3", "-m", "py_compile"], ext: "py", "x = os.environ[\"A\"\n") { #expect(!ok) }
  if let ok = syntaxCheck(["node", "--check"], ext: "js", "const a = `${process.env.A`;\n") { #expect(!ok) }
  if let ok = syntaxCheck(["bash", "-n"], ext: "sh", "echo 'a\n") { #expect(!ok) }
  if let ok = syntaxCheck(["python3", "-m", "py_compile"], ext: "py", "x = 1\n") { #expect(ok) } else { print("notice: python3 checks did not run") }
}
