/// A rule file or configuration that cannot be used: the file and, where known, the line and column.
package struct RulePackError: Error, Sendable, CustomStringConvertible {
  package var file: String
  package var line: Int?
  package var column: Int?
  package var message: String

  package init(file: String, line: Int? = nil, column: Int? = nil, message: String) {
    self.file = file
    self.line = line
    self.column = column
    self.message = message
  }

  package var description: String {
    var location = file
    if let line { location += ":\(line)" }
    if let column { location += ":\(column)" }
    return "\(location): \(message)"
  }
}
