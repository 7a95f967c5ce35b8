internal import CPCRE2

/// The ranges of one match: group 0 is the whole match; unset groups are `nil`.
package struct Match: Sendable, Equatable {
  package var groups: [Range<Int>?]
  package var range: Range<Int> { groups[0]! }  // group 0 is always set on a successful match
  package func range(group: Int) -> Range<Int>? { group < groups.count ? groups[group] : nil }
}

/// Per-thread match state: PCRE2 match data, a match context carrying the resource limits, and a JIT
/// stack larger than PCRE2's 32 KiB default.
///
/// Not `Sendable`: pcre2api(3) forbids sharing match data between threads. Each worker owns one.
package final class MatchBuffer {
  /// Limits applied to every match so one expensive pattern cannot hang a scan. With the JIT,
  /// `matchLimit` bounds the work of one `pcre2_match` call; the interpreter also honours `depthLimit`.
  package struct Limits: Sendable {
    package var matchLimit: UInt32
    package var depthLimit: UInt32
    package init(matchLimit: UInt32 = 2_000_000, depthLimit: UInt32 = 10_000) {
      self.matchLimit = matchLimit
      self.depthLimit = depthLimit
    }
  }

  private var matchData: OpaquePointer
  private let context: OpaquePointer
  private let jitStack: OpaquePointer?
  private var capacity: Int

  /// - Parameter captureCapacity: the largest `captureCount` of the patterns this buffer will run.
  package init(captureCapacity: Int, limits: Limits = Limits()) {
    capacity = captureCapacity + 1
    // Allocation failures here mean the process is out of memory; there is nothing to recover.
    guard let data = pcre2_match_data_create_8(UInt32(capacity), nil),
      let ctx = pcre2_match_context_create_8(nil)
    else { fatalError("pcre2: out of memory creating match data") }
    matchData = data
    context = ctx
    pcre2_set_match_limit_8(ctx, limits.matchLimit)
    pcre2_set_depth_limit_8(ctx, limits.depthLimit)
    jitStack = pcre2_jit_stack_create_8(64 * 1024, 2 * 1024 * 1024, nil)
    if let jitStack { pcre2_jit_stack_assign_8(ctx, nil, UnsafeMutableRawPointer(jitStack)) }
  }

  deinit {
    if let jitStack { pcre2_jit_stack_free_8(jitStack) }
    pcre2_match_context_free_8(context)
    pcre2_match_data_free_8(matchData)
  }

  /// Finds the first match of `pattern` in `subject` that starts at or after `start` and, when given,
  /// at or before `startLimit`. The match itself may extend past `startLimit`.
  ///
  /// - Returns: the match, or `nil` when there is none.
  /// - Throws: `PCRE2Error` when a resource limit was hit (`isResourceLimit`) or PCRE2 failed.
  package func match(
    _ pattern: CompiledPattern, in subject: UnsafeBufferPointer<UInt8>, from start: Int,
    startLimit: Int? = nil
  ) throws(PCRE2Error) -> Match? {
    guard start <= subject.count else { return nil }
    if pattern.captureCount + 1 > capacity {
      // A pattern compiled after this buffer was made may have more groups: grow the match data.
      guard let bigger = pcre2_match_data_create_8(UInt32(pattern.captureCount + 1), nil) else {
        fatalError("pcre2: out of memory creating match data")
      }
      pcre2_match_data_free_8(matchData)
      matchData = bigger
      capacity = pattern.captureCount + 1
    }
    pcre2_set_offset_limit_8(context, startLimit ?? cpcre2_unset())
    // An empty subject has no base address; PCRE2 accepts any non-null pointer with length 0.
    let empty: [UInt8] = [0]
    let rc = empty.withUnsafeBufferPointer { fallback in
      pcre2_match_8(
        pattern.code, subject.baseAddress ?? fallback.baseAddress, subject.count, start, 0, matchData,
        context)
    }
    if rc == PCRE2_ERROR_NOMATCH { return nil }
    if rc < 0 { throw PCRE2Error(code: rc) }
    let pairs = Int(pcre2_get_ovector_count_8(matchData))
    guard let ovector = pcre2_get_ovector_pointer_8(matchData) else { return nil }
    let unset = cpcre2_unset()
    let groupCount = min(pattern.captureCount + 1, pairs)
    var groups: [Range<Int>?] = []
    groups.reserveCapacity(groupCount)
    for group in 0..<groupCount {
      let lower = ovector[2 * group]
      let upper = ovector[2 * group + 1]
      groups.append(lower == unset || upper < lower ? nil : lower..<upper)
    }
    return Match(groups: groups)
  }
}
