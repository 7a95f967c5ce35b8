@testable import ScanEngine

func scan(_ text: String, rules: [RuleDefinition], globals: [AllowlistDefinition] = [], path: String = "file.txt") throws -> [Finding] {
  let set = try RuleSet(rules: rules, globalAllowlists: globals)
  return Scanner(rules: set).scan(Chunk(bytes: Array(text.utf8), provenance: Provenance(path: Array(path.utf8))))
}

let acme = RuleDefinition(
  id: "acme-api-token", description: "Acme API token", regex: #"\b(acme_[a-z0-9]{32})\b"#, secretGroup: 1,
  entropy: 3.0, keywords: ["acme_"], tags: ["acme"])
let acmeSecret = "acme_4f9c2b7d1e8a6c3f5b0dfa7c4f1b8e2d"
