// Writes Sources/RulePack/BuiltinRules+Generated.swift from Rules/*.toml, so the default pack is
// embedded in the binary. Run from the package root: `swift run generate-builtin-rules`.
import Foundation
import RulePack

let root = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : FileManager.default.currentDirectoryPath
let rulesDirectory = root + "/Rules"
let output = root + "/Sources/RulePack/BuiltinRules+Generated.swift"
do {
  let files = try BuiltinRules.loadRuleDirectory(rulesDirectory)
  let source = BuiltinRules.generatedSource(from: files)
  try Data(source.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
  print("wrote \(output): \(files.reduce(0) { $0 + $1.rules.count }) rules from \(files.count) files")
} catch {
  FileHandle.standardError.write(Data("error: \(error)\n".utf8))
  exit(2)
}
