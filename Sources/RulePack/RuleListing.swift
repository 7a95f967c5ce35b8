package import ScanEngine

/// `hush rules list --format json`: one object per rule, keys in a fixed order.
package enum RuleListing {
  package static func json(_ rules: [RuleDefinition]) -> [UInt8] {
    var out = "{\n  \"rules\": ["
    for (index, rule) in rules.enumerated() {
      out += index == 0 ? "\n" : ",\n"
      out += "    {\"id\": \(quoted(rule.id)), \"description\": \(quoted(rule.description)), "
      out += "\"keywords\": [\(rule.keywords.map(quoted).joined(separator: ", "))], "
      out += "\"tags\": [\(rule.tags.map(quoted).joined(separator: ", "))]"
      if let entropy = rule.entropy { out += ", \"entropy\": \(entropy)" }
      out += "}"
    }
    out += rules.isEmpty ? "],\n" : "\n  ],\n"
    out += "  \"count\": \(rules.count)\n}\n"
    return Array(out.utf8)
  }

  static func quoted(_ text: String) -> String { JSONString.quoted(text) }
}
