/// A rule as written in a rule file, before compilation: plain data in gitleaks' schema.
package struct RuleDefinition: Sendable, Equatable {
  /// Stable forever: fingerprints, baselines and ignore files refer to it.
  package var id: String
  package var description: String
  /// PCRE2 pattern run over the chunk's bytes; `nil` for a path-only rule.
  package var regex: String?
  /// Capture group holding the secret; 0 means the first non-empty group, else the whole match.
  package var secretGroup: Int
  /// The candidate is kept only if its Shannon entropy exceeds this (bits per byte); `nil`: no check.
  package var entropy: Double?
  /// Lowercase literals; the regex runs only near one of them. Empty: the rule always runs.
  package var keywords: [String]
  /// A regex on the chunk's path that gates the rule; alone (no `regex`) it reports the file.
  package var path: String?
  package var tags: [String]
  package var allowlists: [AllowlistDefinition]
  /// Hush's `confidence` key; nil derives it (see `baseConfidence`).
  package var confidence: Confidence?

  package init(
    id: String, description: String = "", regex: String? = nil, secretGroup: Int = 0,
    entropy: Double? = nil, keywords: [String] = [], path: String? = nil, tags: [String] = [],
    allowlists: [AllowlistDefinition] = [], confidence: Confidence? = nil
  ) {
    self.confidence = confidence
    self.id = id
    self.description = description
    self.regex = regex
    self.secretGroup = secretGroup
    self.entropy = entropy
    self.keywords = keywords
    self.path = path
    self.tags = tags
    self.allowlists = allowlists
  }
}

/// An allowlist in gitleaks' schema. Each non-empty criterion is a check; with `.or` any check that
/// holds suppresses the finding, with `.and` all of them must hold.
package struct AllowlistDefinition: Sendable, Equatable {
  package enum Condition: String, Sendable { case or = "OR", and = "AND" }
  package enum Target: String, Sendable { case secret, match, line }

  package var description: String
  package var condition: Condition
  package var regexTarget: Target
  package var regexes: [String]
  /// Substrings of the secret, compared case-insensitively.
  package var stopwords: [String]
  /// Regexes on the chunk's path.
  package var paths: [String]
  /// Commit ids (full or a prefix of at least 7 characters).
  package var commits: [String]
  /// For global allowlists: the rules it applies to; empty means all.
  package var targetRules: [String]

  package init(
    description: String = "", condition: Condition = .or, regexTarget: Target = .secret,
    regexes: [String] = [], stopwords: [String] = [], paths: [String] = [], commits: [String] = [],
    targetRules: [String] = []
  ) {
    self.description = description
    self.condition = condition
    self.regexTarget = regexTarget
    self.regexes = regexes
    self.stopwords = stopwords
    self.paths = paths
    self.commits = commits
    self.targetRules = targetRules
  }

  package var isEmpty: Bool { regexes.isEmpty && stopwords.isEmpty && paths.isEmpty && commits.isEmpty }
}
