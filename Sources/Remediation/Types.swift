// The rewrite planner of `hush fix` (VAULT.md §11, §12 step 1): bytes in, edits out. No I/O, no vault, no git.
//
// Use: `Planner.plan(path:content:occurrence:style:)` per finding (or `Planner.plans` for a file's findings, then
// `Planner.combinedEdits` to merge them: shared imports are kept once), check `disposition`, write
// `Planner.apply(edits, to: content)` and merge `extraFiles`, `envMappings` (into env.toml) and `renameTo`; show
// `notes` to the user. Edits only replace byte ranges, so BOM, CRLF, indentation and the final newline survive.

/// What kind of file a literal lives in; decides the replacement form (VAULT.md §11 table rows).
package enum FileType: String, Sendable {
  case python, javascript, typescript, go, swift, java, kotlin, ruby, shell, dotenv, dockerCompose, githubActions,
    kubernetesSecret, springYAML, yaml, json, properties, springProperties, npmrc, terraform, dockerfile, other
}

/// One found secret: the byte range of the literal's value (without its quotes) and the rule that found it.
package struct Occurrence: Sendable {
  package var range: Range<Int>
  package var ruleID: String
  /// May contain `env:NAME`, the rule's conventional variable name.
  package var tags: [String]

  package init(range: Range<Int>, ruleID: String, tags: [String] = []) {
    self.range = range
    self.ruleID = ruleID
    self.tags = tags
  }
}

/// A replacement of a byte range. Edits of one plan never overlap; `Planner.apply` applies them bottom-up.
package struct Edit: Sendable, Equatable {
  package var range: Range<Int>
  package var replacement: [UInt8]

  package init(range: Range<Int>, replacement: [UInt8]) {
    self.range = range
    self.replacement = replacement
  }

  package init(range: Range<Int>, _ text: String) {
    self.init(range: range, replacement: Array(text.utf8))
  }
}

package enum Disposition: Sendable, Equatable {
  /// The edits replace the literal with a reference.
  case rewrite
  /// Cannot be rewritten safely; the reason, one line.
  case manual(String)
  /// Browser bundle, lock file, minified, vendored, generated: propose an allowlist entry instead.
  case neverTouch(String)
  /// Tests, fixtures, `*.example`: propose an allowlist entry or a fake value instead.
  case fixture(String)
}

package enum Style: String, Sendable {
  /// Fail fast when the variable is missing (the default).
  case strict
  /// Fall back to an empty value.
  case lenient
}

package struct Plan: Sendable {
  package var fileType: FileType
  /// The environment variable, e.g. `DB_PASSWORD`.
  package var variable: String
  /// The vault name, e.g. `db-password`.
  package var secretName: String
  package var disposition: Disposition
  /// Edits on this file: the literal's replacement plus extra edits such as `import os`.
  package var edits: [Edit]
  /// Human notes: "add repository secret DB_PASSWORD", rename-and-render advice, snippets.
  package var notes: [String]
  /// Companion files (path relative to the repository, like `path`) → content to create or append (caller merges),
  /// e.g. the `variables.tf` block or a `.gitignore` line for a rendered template.
  package var extraFiles: [String: [UInt8]]
  /// `env.toml` mappings this rewrite needs so that `hush run` hands the value back: variable → `hush://name`.
  package var envMappings: [String: String]
  /// Set when the file must become a template: the new path (`config.json` → `config.json.tpl`).
  package var renameTo: String?
  /// True when the value only leaves the file (a comment) and nothing refers to `secretName`: a vault record is
  /// optional.
  package var removesValueOnly: Bool

  package init(
    fileType: FileType, variable: String, secretName: String, disposition: Disposition, edits: [Edit] = [],
    notes: [String] = [], extraFiles: [String: [UInt8]] = [:], envMappings: [String: String] = [:],
    renameTo: String? = nil, removesValueOnly: Bool = false
  ) {
    self.fileType = fileType
    self.variable = variable
    self.secretName = secretName
    self.disposition = disposition
    self.edits = edits
    self.notes = notes
    self.extraFiles = extraFiles
    self.envMappings = envMappings
    self.renameTo = renameTo
    self.removesValueOnly = removesValueOnly
  }

  /// The vault reference, `hush://name`.
  package var reference: String { "hush://\(secretName)" }
}
