// PCRE2: a thin, safe layer over libpcre2-8 for matching bytes.
//
//     let pattern = try CompiledPattern("\\b(acme_[a-z0-9]{32})\\b")
//     let buffer = MatchBuffer(captureCapacity: pattern.captureCount)
//     bytes.withUnsafeBufferPointer { subject in
//       if let m = try? buffer.match(pattern, in: subject, from: 0) { print(m.range(group: 1) as Any) }
//     }
internal import CPCRE2

/// A compiled, JIT-compiled PCRE2 pattern in 8-bit byte mode.
///
/// Thread safety: pcre2api(3) MULTITHREADING says compiled code (including its JIT code) is read-only
/// after compilation and may be shared by threads. The handle is freed only in `deinit`, so the class is
/// `@unchecked Sendable`. Per-match state lives in `MatchBuffer`, which each thread owns.
package final class CompiledPattern: @unchecked Sendable {
  let code: OpaquePointer
  /// The number of capturing groups in the pattern (group 0, the whole match, not counted).
  package let captureCount: Int
  /// Whether JIT compilation succeeded; when it did not, PCRE2's interpreter is used, which is slower.
  package let isJITCompiled: Bool

  /// Compiles `pattern`.
  ///
  /// Options are chosen for gitleaks-style patterns: byte mode (no UTF, no UCP: `\b`, `\w`, `\d` are
  /// ASCII), `$` matches only at the very end (`DOLLAR_ENDONLY`, as in Go's RE2 without `(?m)`), and
  /// `USE_OFFSET_LIMIT` so a search can be confined to a window while the match may extend past it.
  package init(_ pattern: String, caseless: Bool = false) throws(PCRE2Error) {
    var options = UInt32(PCRE2_DOLLAR_ENDONLY) | UInt32(PCRE2_USE_OFFSET_LIMIT)
    if caseless { options |= UInt32(PCRE2_CASELESS) }
    var errorCode: Int32 = 0
    var errorOffset = 0
    let bytes = Array(pattern.utf8)
    let compiled = bytes.withUnsafeBufferPointer { buffer in
      pcre2_compile_8(buffer.baseAddress, buffer.count, options, &errorCode, &errorOffset, nil)
    }
    guard let compiled else { throw PCRE2Error(code: errorCode, offset: errorOffset) }
    code = compiled
    var count: UInt32 = 0
    _ = pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &count)
    captureCount = Int(count)
    isJITCompiled = pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE)) == 0
  }

  deinit { pcre2_code_free_8(code) }
}
