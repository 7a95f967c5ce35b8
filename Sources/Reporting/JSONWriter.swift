internal import ScanEngine

/// A minimal JSON writer that keeps keys in the order written, so reports are byte-for-byte stable.
struct JSONWriter {
  private(set) var bytes: [UInt8] = []
  private var needsComma: [Bool] = [false]
  private let indentUnit: Int
  private var depth = 0

  init(pretty: Bool = true) { indentUnit = pretty ? 2 : 0 }

  mutating func beginObject(_ key: String? = nil) { open(key, "{") }
  mutating func endObject() { close("}") }
  mutating func beginArray(_ key: String? = nil) { open(key, "[") }
  mutating func endArray() { close("]") }

  mutating func string(_ key: String?, _ value: String) {
    element(key)
    JSONWriter.appendQuoted(value, to: &bytes)
  }
  mutating func int(_ key: String?, _ value: Int) {
    element(key)
    bytes += Array(String(value).utf8)
  }
  mutating func number(_ key: String?, _ value: Double) {
    element(key)
    bytes += Array(JSONWriter.formatted(value).utf8)
  }

  /// Three decimals, deterministic, no exponent.
  static func formatted(_ value: Double) -> String {
    let scaled = (value * 1000).rounded()
    let whole = Int(scaled) / 1000
    let fraction = abs(Int(scaled) % 1000)
    var text = "\(whole)"
    if fraction != 0 {
      var digits = String(fraction)
      while digits.count < 3 { digits = "0" + digits }
      while digits.hasSuffix("0") { digits.removeLast() }
      text += "." + digits
    }
    return text
  }
  mutating func bool(_ key: String?, _ value: Bool) {
    element(key)
    bytes += Array((value ? "true" : "false").utf8)
  }
  mutating func null(_ key: String?) {
    element(key)
    bytes += Array("null".utf8)
  }

  private mutating func open(_ key: String?, _ bracket: Character) {
    element(key)
    bytes.append(bracket.asciiValue!)  // brackets are ASCII
    needsComma.append(false)
    depth += 1
  }

  private mutating func close(_ bracket: Character) {
    let hadElements = needsComma.removeLast()
    depth -= 1
    if hadElements { newline() }
    bytes.append(bracket.asciiValue!)  // brackets are ASCII
  }

  private mutating func element(_ key: String?) {
    if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
    needsComma[needsComma.count - 1] = true
    if depth > 0 { newline() }
    if let key {
      JSONWriter.appendQuoted(key, to: &bytes)
      bytes.append(UInt8(ascii: ":"))
      if indentUnit > 0 { bytes.append(UInt8(ascii: " ")) }
    }
  }

  private mutating func newline() {
    guard indentUnit > 0 else { return }
    bytes.append(0x0A)
    bytes += [UInt8](repeating: 0x20, count: depth * indentUnit)
  }

  static func appendQuoted(_ string: String, to bytes: inout [UInt8]) {
    bytes += Array(JSONString.quoted(string).utf8)
  }
}
