// Strict, typed reading of a JSON object that keeps the fields it does not know, so a rewrite preserves them.

struct Fields {
  private var members: [String: JSONValue]
  let file: String
  let context: String

  init(_ value: JSONValue, file: String, context: String) throws(VaultError) {
    guard let members = value.object else { throw .malformed(file: file, detail: "\(context) is not a JSON object") }
    self.members = members
    self.file = file
    self.context = context
  }

  func fail(_ key: String, _ expected: String) -> VaultError {
    .malformed(file: file, detail: "\(context.isEmpty ? "" : context + ".")\(key) must be \(expected)")
  }

  mutating func take(_ key: String) -> JSONValue? { members.removeValue(forKey: key) }

  mutating func string(_ key: String) throws(VaultError) -> String {
    guard let value = take(key)?.string else { throw fail(key, "a string") }
    return value
  }

  mutating func optionalString(_ key: String) throws(VaultError) -> String? {
    guard let value = take(key), !value.isNull else { return nil }
    guard let text = value.string else { throw fail(key, "a string or null") }
    return text
  }

  mutating func uint32(_ key: String) throws(VaultError) -> UInt32 {
    guard let value = take(key)?.uint, let number = UInt32(exactly: value) else { throw fail(key, "a non-negative integer") }
    return number
  }

  mutating func bool(_ key: String) throws(VaultError) -> Bool {
    guard let value = take(key)?.bool else { throw fail(key, "true or false") }
    return value
  }

  mutating func array(_ key: String) throws(VaultError) -> [JSONValue] {
    guard let value = take(key)?.array else { throw fail(key, "an array") }
    return value
  }

  mutating func optionalArray(_ key: String) throws(VaultError) -> [JSONValue] {
    guard let value = take(key), !value.isNull else { return [] }
    guard let items = value.array else { throw fail(key, "an array") }
    return items
  }

  /// Fields not read: kept verbatim and written back.
  var rest: [String: JSONValue] { members }
}

/// `YYYY-MM-DDTHH:MM:SSZ`, the one date spelling in vault files.
package enum Timestamp {
  package static func now() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return UInt64(max(0, spec.tv_sec))
  }

  package static func format(_ seconds: UInt64) -> String {
    var time = time_t(seconds)
    var parts = tm()
    gmtime_r(&time, &parts)
    func two(_ value: Int32) -> String { String(value).leftPadded(2) }
    return "\(String(parts.tm_year + 1900).leftPadded(4))-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
  }

  /// Parses the exact spelling; nil for anything else.
  package static func parse(_ text: String) -> UInt64? {
    let bytes = Array(text.utf8)
    guard bytes.count == 20, bytes[4] == 45, bytes[7] == 45, bytes[10] == 84, bytes[13] == 58, bytes[16] == 58,
      bytes[19] == 90
    else { return nil }
    func number(_ range: Range<Int>) -> Int? {
      var value = 0
      for index in range {
        guard (48...57).contains(bytes[index]) else { return nil }
        value = value * 10 + Int(bytes[index] - 48)
      }
      return value
    }
    guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
      let minute = number(14..<16), let second = number(17..<19), (1...12).contains(month), (1...31).contains(day),
      hour < 24, minute < 60, second < 61, year >= 1970
    else { return nil }
    var parts = tm()
    parts.tm_year = Int32(year - 1900)
    parts.tm_mon = Int32(month - 1)
    parts.tm_mday = Int32(day)
    parts.tm_hour = Int32(hour)
    parts.tm_min = Int32(minute)
    parts.tm_sec = Int32(second)
    let seconds = timegm(&parts)
    guard seconds >= 0, format(UInt64(seconds)) == text else { return nil }
    return UInt64(seconds)
  }

  /// `<n>h|d|w` → seconds.
  package static func duration(_ text: String) -> UInt64? {
    guard let unit = text.last, let count = UInt64(text.dropLast()), count > 0 else { return nil }
    switch unit {
    case "h": return count * 3600
    case "d": return count * 86400
    case "w": return count * 7 * 86400
    case "m": return count * 60
    case "s": return count
    default: return nil
    }
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
