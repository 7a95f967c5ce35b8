import Foundation
import Testing
import TestSupport

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Suite struct RulesCommandTests {
  @Test("rules list shows at least 120 built-in rules, as text and JSON")
  func list() throws {
    let dir = try TempDirectory()
    let text = try runHush(["rules", "list"], in: dir.url)
    #expect(text.status == 0)
    let count = Int(text.stdout.split(separator: "\n").last?.split(separator: " ").first ?? "") ?? 0
    #expect(count >= 120)
    let json = try runHush(["rules", "list", "--format", "json"], in: dir.url)
    let object = try jsonObject(json.stdoutBytes)
    #expect((object["rules"] as? [Any])?.count == count)
  }

  @Test("rules check passes on the project's own pack")
  func checkOwnPack() throws {
    let result = try runHush(["rules", "check", "--require-examples", "Rules"], in: packageRoot)
    #expect(result.status == 0, "\(result.stdout)")
    #expect(result.stdout.contains("all passed"))
  }

  @Test("rules check reports a failing example and a firing negative, exit 1")
  func checkFailures() throws {
    let dir = try TempDirectory()
    try dir.write("mine.toml", """
      [[rules]]
      id = "acme-api-token"
      regex = '''\\b(acme_[a-z0-9]{32})\\b'''
      keywords = ["acme_"]
      examples = [{ text = "k=acme_short", secret = "acme_short" }]
      negatives = ["k=\(acmeSecret)"]
      """)
    let result = try runHush(["rules", "check", "mine.toml"], in: dir.url)
    #expect(result.status == 1)
    #expect(result.stdout.contains("example 1: produced no finding"))
    #expect(result.stdout.contains("negative 1 produced a finding"))
    #expect(!result.stdout.contains(acmeSecret))
  }

  @Test("rules check rejects an example without its rule's keywords")
  func checkKeywords() throws {
    let dir = try TempDirectory()
    try dir.write("mine.toml", """
      [[rules]]
      id = "acme-api-token"
      regex = '''\\b(acme_[a-z0-9]{32})\\b'''
      keywords = ["acmekey"]
      examples = ["k=\(acmeSecret)"]
      """)
    let result = try runHush(["rules", "check", "mine.toml"], in: dir.url)
    #expect(result.status == 1)
    #expect(result.stdout.contains("contains none of the rule's keywords"))
  }
}
