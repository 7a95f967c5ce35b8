package import ScanEngine

/// The default rule pack, embedded so `hush` works when copied alone. `BuiltinRules+Generated.swift`
/// is written from `Rules/*.toml` by `swift run generate-builtin-rules`; a test fails when it is stale.
package enum BuiltinRules {}
