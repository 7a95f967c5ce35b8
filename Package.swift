// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
  .swiftLanguageMode(.v6),
  .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
  name: "hush",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "hush", targets: ["CLI"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
  ],
  targets: [
    // MARK: - C libraries
    .systemLibrary(
      name: "CPCRE2", pkgConfig: "libpcre2-8",
      providers: [.apt(["libpcre2-dev"]), .brew(["pcre2"])]),
    .systemLibrary(
      name: "CLibgit2", pkgConfig: "libgit2",
      providers: [.apt(["libgit2-dev"]), .brew(["libgit2"])]),

    // MARK: - Thin safe layers
    .target(name: "PCRE2", dependencies: ["CPCRE2"], swiftSettings: swiftSettings),
    .target(name: "Git2", dependencies: ["CLibgit2"], swiftSettings: swiftSettings),
    .target(name: "TOML", swiftSettings: swiftSettings),
    .target(name: "Durable", swiftSettings: swiftSettings),

    // MARK: - Libraries
    .target(name: "ScanEngine", dependencies: ["PCRE2"], swiftSettings: swiftSettings),
    .target(name: "RulePack", dependencies: ["ScanEngine", "TOML"], swiftSettings: swiftSettings),
    .target(name: "GitSource", dependencies: ["Git2", "ScanEngine", "Durable"], swiftSettings: swiftSettings),
    .target(name: "Reporting", dependencies: ["ScanEngine"], swiftSettings: swiftSettings),
    .target(name: "Triage", dependencies: ["ScanEngine"], swiftSettings: swiftSettings),
    // The age v1 file format (c2sp.org/age) over swift-crypto primitives: X25519 and scrypt stanzas.
    .target(
      name: "Age",
      dependencies: [
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "CryptoExtras", package: "swift-crypto"),
      ],
      swiftSettings: swiftSettings),
    // The remediation vault (../shared/VAULT.md): records, header, identities, members, audit log.
    .target(
      name: "Vault",
      dependencies: [
        "Age", "Durable", "Runtime",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "CryptoExtras", package: "swift-crypto"),
      ],
      swiftSettings: swiftSettings),

    // `hush fix`: the rewrite planner (per file type) and the journaled transaction over vault and sources.
    .target(name: "Remediation", swiftSettings: swiftSettings),
    .target(
      name: "Fix",
      dependencies: ["Remediation", "Vault", "Git2", "Runtime", "Durable", .product(name: "Crypto", package: "swift-crypto")],
      swiftSettings: swiftSettings),
    // Secrets at run time: output masking, .env files, templates, the child process of `hush run`.
    .target(name: "Runtime", swiftSettings: swiftSettings),

    // MARK: - Executables
    .executableTarget(
      name: "CLI",
      dependencies: [
        "ScanEngine", "RulePack", "GitSource", "Git2", "Reporting", "Triage", "Age", "Vault", "TOML", "Runtime", "Fix", "Remediation",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: swiftSettings),
    .executableTarget(
      name: "generate-builtin-rules", dependencies: ["RulePack"], swiftSettings: swiftSettings),
    // libFuzzer targets (scripts/libfuzzer.sh); a normal build replays saved inputs.
    .executableTarget(
      name: "hush-fuzz", dependencies: ["RulePack", "ScanEngine", "Triage", "Vault", "Age"], swiftSettings: swiftSettings),

    // MARK: - Tests
    .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: swiftSettings),
    .testTarget(name: "PCRE2Tests", dependencies: ["PCRE2"], swiftSettings: swiftSettings),
    .testTarget(name: "TOMLTests", dependencies: ["TOML"], swiftSettings: swiftSettings),
    .testTarget(name: "ScanEngineTests", dependencies: ["ScanEngine"], swiftSettings: swiftSettings),
    .testTarget(
      name: "RulePackTests", dependencies: ["RulePack", "ScanEngine", "TestSupport"],
      resources: [], swiftSettings: swiftSettings),
    .testTarget(
      name: "ReportingTests", dependencies: ["Reporting", "ScanEngine"], swiftSettings: swiftSettings),
    .testTarget(name: "Git2Tests", dependencies: ["Git2"], swiftSettings: swiftSettings),
    .testTarget(name: "GitSourceTests", dependencies: ["GitSource"], swiftSettings: swiftSettings),
    .testTarget(name: "TriageTests", dependencies: ["Triage", "ScanEngine"], swiftSettings: swiftSettings),
    // Vectors/ (the age testkit) is read through #filePath, not as a resource bundle.
    .testTarget(
      name: "FuzzTests", dependencies: ["Age", "Vault", "RulePack", "ScanEngine", "Triage", "TestSupport"], exclude: [], swiftSettings: swiftSettings),
    .testTarget(name: "RuntimeTests", dependencies: ["Runtime"], swiftSettings: swiftSettings),
    .testTarget(name: "RemediationTests", dependencies: ["Remediation"], swiftSettings: swiftSettings),
    .testTarget(
      name: "AgeTests", dependencies: ["Age"], exclude: ["Vectors"], swiftSettings: swiftSettings),
    .testTarget(
      name: "VaultTests", dependencies: ["Vault", "Age", "TestSupport"], exclude: ["Vectors"], swiftSettings: swiftSettings),
    .testTarget(
      name: "EndToEndTests", dependencies: ["CLI", "TestSupport"], swiftSettings: swiftSettings),
  ]
)
