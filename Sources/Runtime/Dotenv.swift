// `.env` files for `hush run --env-file`: KEY=VALUE lines, `export` prefixes, `#` comments, single quotes
// (literal), double quotes (with \n, \", \\ escapes), and unquoted values with trailing comments.

package struct DotenvError: Error, CustomStringConvertible {
  package var file: String
  package var line: Int
  package var message: String
  package var description: String { "\(file):\(line): \(message)" }
}

package enum Dotenv {
  package static func parse(_ text: String, file: String) throws(DotenvError) -> [(key: String, value: String)] {
    var out: [(key: String, value: String)] = []
    for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      var line = Substring(rawLine)
      if line.hasSuffix("\r") { line = line.dropLast() }
      line = line.drop { $0 == " " || $0 == "\t" }
      if line.isEmpty || line.hasPrefix("#") { continue }
      if line.hasPrefix("export ") { line = line.dropFirst(7).drop { $0 == " " } }
      guard let equals = line.firstIndex(of: "=") else {
        throw DotenvError(file: file, line: number + 1, message: "expected KEY=VALUE")
      }
      let key = line[..<equals].trimmingCharacters(in: " \t")
      guard !key.isEmpty, key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }), !key.first!.isNumber else {
        throw DotenvError(file: file, line: number + 1, message: "'\(key)' is not a variable name")
      }
      var value = line[line.index(after: equals)...].drop { $0 == " " || $0 == "\t" }
      if value.hasPrefix("'") {
        guard let close = value.dropFirst().firstIndex(of: "'") else {
          throw DotenvError(file: file, line: number + 1, message: "unterminated single quote")
        }
        out.append((key, String(value[value.index(after: value.startIndex)..<close])))
      } else if value.hasPrefix("\"") {
        var result = ""
        var iterator = value.dropFirst().makeIterator()
        var closed = false
        while let character = iterator.next() {
          if character == "\"" {
            closed = true
            break
          }
          if character == "\\", let next = iterator.next() {
            switch next {
            case "n": result.append("\n")
            case "t": result.append("\t")
            case "r": result.append("\r")
            default: result.append(next)
            }
          } else {
            result.append(character)
          }
        }
        guard closed else { throw DotenvError(file: file, line: number + 1, message: "unterminated double quote") }
        out.append((key, result))
      } else {
        if let hash = value.firstRange(of: " #") { value = value[..<hash.lowerBound] }
        out.append((key, value.trimmingCharacters(in: " \t")))
      }
    }
    return out
  }
}

extension StringProtocol {
  /// Drops leading and trailing characters in `set` (no Foundation needed).
  package func trimmingCharacters(in set: String) -> String {
    var slice = Substring(self)
    while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
    while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
    return String(slice)
  }
}
