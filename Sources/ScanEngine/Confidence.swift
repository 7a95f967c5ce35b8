/// How sure a finding is: vendor-prefixed tokens are `high`, name-based generic matches `medium`,
/// and anything in test, fixture, example or documentation paths one level lower.
/// `--min-confidence` filters on it.
package enum Confidence: String, Sendable, Codable, Comparable, CaseIterable {
  case low, medium, high

  package static func < (a: Confidence, b: Confidence) -> Bool {
    allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!  // every case is in allCases
  }

  /// One level lower, `low` at the bottom.
  package var lowered: Confidence {
    switch self {
    case .high: .medium
    case .medium, .low: .low
    }
  }
}

extension RuleDefinition {
  /// The rule's own confidence: as written, else `medium` for `generic-*` rules and `high` otherwise.
  package var baseConfidence: Confidence {
    confidence ?? (id.hasPrefix("generic-") ? .medium : .high)
  }
}
