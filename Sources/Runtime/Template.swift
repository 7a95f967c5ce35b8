// `{{ hush://… }}` placeholders (the `op inject` syntax): inner spaces optional; any other `{{` is copied.

package enum Template {
  package struct Placeholder: Equatable {
    package var range: Range<Int>
    package var reference: String
  }

  /// Placeholders in byte order.
  package static func placeholders(_ bytes: [UInt8]) -> [Placeholder] {
    var out: [Placeholder] = []
    var index = 0
    let open: [UInt8] = [123, 123]
    while index + 1 < bytes.count {
      guard bytes[index] == open[0], bytes[index + 1] == open[1] else {
        index += 1
        continue
      }
      var cursor = index + 2
      while cursor < bytes.count, bytes[cursor] == 32 || bytes[cursor] == 9 { cursor += 1 }
      let scheme = Array("hush://".utf8)
      guard cursor + scheme.count <= bytes.count, Array(bytes[cursor..<cursor + scheme.count]) == scheme else {
        index += 2
        continue
      }
      let start = cursor
      while cursor < bytes.count, bytes[cursor] > 32, bytes[cursor] != 125 { cursor += 1 }
      let end = cursor
      while cursor < bytes.count, bytes[cursor] == 32 || bytes[cursor] == 9 { cursor += 1 }
      guard cursor + 1 < bytes.count, bytes[cursor] == 125, bytes[cursor + 1] == 125 else {
        index += 2
        continue
      }
      out.append(Placeholder(range: index..<cursor + 2, reference: String(decoding: bytes[start..<end], as: UTF8.self)))
      index = cursor + 2
    }
    return out
  }

  /// Replaces each placeholder with its value (all resolved before the call).
  package static func render(_ bytes: [UInt8], values: [String: [UInt8]]) -> [UInt8] {
    var out: [UInt8] = []
    var last = 0
    for placeholder in placeholders(bytes) {
      out += bytes[last..<placeholder.range.lowerBound]
      out += values[placeholder.reference] ?? []
      last = placeholder.range.upperBound
    }
    out += bytes[last...]
    return out
  }
}
