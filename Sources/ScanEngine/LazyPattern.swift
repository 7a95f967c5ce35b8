internal import PCRE2

/// A rule's regex, compiled and JIT-compiled on first use, once, by whichever worker needs it first.
/// A pre-commit scan touches a handful of rules; compiling the other two hundred would be most of
/// its start-up time.
final class LazyPattern: Sendable {
  let source: String
  private let compiled: Locked<CompiledPattern?>

  init(source: String, compiled: CompiledPattern?) {
    self.source = source
    self.compiled = Locked(compiled)
  }

  /// The compiled pattern, or nil when it does not compile (only possible for rule sets built with
  /// `compileEagerly: false`, which are the tested built-in pack).
  func get() -> CompiledPattern? {
    compiled.withLock { pattern in
      if let pattern { return pattern }
      pattern = try? CompiledPattern(source)
      return pattern
    }
  }

  var isCompiled: Bool { compiled.withLock { $0 != nil } }
}
