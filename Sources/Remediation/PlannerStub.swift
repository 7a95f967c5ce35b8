// TEMPORARY compile stub; replaced by the fix branch.
package enum FileType: String, Sendable { case python, javascript, typescript, go, swift, java, kotlin, ruby, shell, dotenv, dockerCompose, githubActions, kubernetesSecret, springYAML, yaml, json, properties, springProperties, npmrc, terraform, dockerfile, other }
package struct Occurrence: Sendable {
  package var range: Range<Int>; package var ruleID: String; package var tags: [String]
  package init(range: Range<Int>, ruleID: String, tags: [String]) { self.range = range; self.ruleID = ruleID; self.tags = tags }
}
package struct Edit: Sendable, Equatable { package var range: Range<Int>; package var replacement: [UInt8] }
package enum Disposition: Sendable, Equatable { case rewrite, manual(String), neverTouch(String), fixture(String) }
package struct Plan: Sendable {
  package var fileType: FileType; package var variable: String; package var secretName: String; package var disposition: Disposition
  package var edits: [Edit]; package var notes: [String]; package var extraFiles: [String: [UInt8]]
}
package enum Style: String, Sendable { case strict, lenient }
package enum Planner {
  package static func fileType(path: String, content: [UInt8], projectFiles: Set<String> = []) -> FileType { fatalError() }
  package static func disposition(path: String, content: [UInt8]) -> Disposition? { fatalError() }
  package static func variableName(for occ: Occurrence, content: [UInt8]) -> String { fatalError() }
  package static func secretName(variable: String, ruleID: String, isProviderToken: Bool) -> String { fatalError() }
  package static func plan(path: String, content: [UInt8], occurrence: Occurrence, style: Style, variable: String? = nil, secretName: String? = nil, projectFiles: Set<String> = []) -> Plan { fatalError() }
  package static func apply(_ edits: [Edit], to content: [UInt8]) -> [UInt8] { fatalError() }
}
