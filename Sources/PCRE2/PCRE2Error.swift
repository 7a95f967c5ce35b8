internal import CPCRE2

/// An error reported by PCRE2: a pattern that does not compile, or a match that hit a resource limit.
package struct PCRE2Error: Error, Sendable, Equatable, CustomStringConvertible {
  /// PCRE2's negative error code (or positive compile error code).
  package var code: Int32
  /// For compile errors, the byte offset in the pattern where PCRE2 stopped.
  package var offset: Int?
  /// PCRE2's own message for `code`.
  package var message: String

  package var description: String {
    if let offset { return "pattern does not compile at offset \(offset): \(message)" }
    return message
  }

  /// True when a match stopped because of `match_limit`, `depth_limit`, `heap_limit` or the JIT stack:
  /// the pattern is too expensive on this subject, not wrong.
  package var isResourceLimit: Bool {
    code == PCRE2_ERROR_MATCHLIMIT || code == PCRE2_ERROR_DEPTHLIMIT
      || code == PCRE2_ERROR_HEAPLIMIT || code == PCRE2_ERROR_JIT_STACKLIMIT
  }

  init(code: Int32, offset: Int? = nil) {
    self.code = code
    self.offset = offset
    self.message = PCRE2Error.message(for: code)
  }

  static func message(for code: Int32) -> String {
    var buffer = [UInt8](repeating: 0, count: 256)
    let written = buffer.withUnsafeMutableBufferPointer { pcre2_get_error_message_8(code, $0.baseAddress, 256) }
    guard written > 0 else { return "pcre2 error \(code)" }
    return String(decoding: buffer[0..<Int(written)], as: UTF8.self)
  }
}
