import Age
import Testing

@testable import Vault

@Suite struct ShamirTests {
  static let vaultID = "hv1-7m2q4t0f8c1kq3x9d6w0"

  static func randomSecret() -> [UInt8] {
    var rng = SystemRandomNumberGenerator()
    return (0..<32).map { _ in rng.next() }
  }

  /// All k-element subsets of 0..<n.
  static func subsets(_ n: Int, _ k: Int) -> [[Int]] {
    if k == 0 { return [[]] }
    if n < k { return [] }
    return subsets(n - 1, k) + subsets(n - 1, k - 1).map { $0 + [n - 1] }
  }

  @Test func gf256MatchesTheAESField() {
    // FIPS-197 §4.2: {57} • {83} = {c1}, {57} • {13} = {fe}.
    #expect(Shamir.mul(0x57, 0x83) == 0xc1)
    #expect(Shamir.mul(0x57, 0x13) == 0xfe)
    for a in 0...255 {
      let a = UInt8(a)
      #expect(Shamir.mul(a, 1) == a)
      #expect(Shamir.mul(a, 0) == 0)
      if a != 0 { #expect(Shamir.mul(a, Shamir.inverse(a)) == 1) }
    }
    #expect(Shamir.inverse(0) == 0)
  }

  @Test func everyThresholdSubsetOfA3Of5SplitReconstructs() throws {
    let secret = Self.randomSecret()
    let shares = try Shamir.split(secret: secret, threshold: 3, shares: 5)
    #expect(shares.map(\.index) == [1, 2, 3, 4, 5])
    for k in 3...5 {
      for subset in Self.subsets(5, k) {
        // Any order: the shares are read "hidden, any order".
        let chosen = subset.reversed().map { shares[$0] }
        let same = try Shamir.combine(chosen) == secret  // a Bool, so a failure never prints the secret
        #expect(same, "subset \(subset.map { $0 + 1 })")
      }
    }
  }

  @Test func fewerThanThresholdSharesGiveADifferentValue() throws {
    let secret = Self.randomSecret()
    let shares = try Shamir.split(secret: secret, threshold: 3, shares: 5)
    for subset in Self.subsets(5, 2) {
      let different = try Shamir.combine(subset.map { shares[$0] }) != secret
      #expect(different, "subset \(subset.map { $0 + 1 })")
    }
    #expect(throws: Shamir.ShamirError.tooFewShares(1)) { try Shamir.combine([shares[0]]) }
  }

  @Test func sharesAreFreshlyRandom() throws {
    let secret = Self.randomSecret()
    let a = try Shamir.split(secret: secret, threshold: 2, shares: 3)
    let b = try Shamir.split(secret: secret, threshold: 2, shares: 3)
    let different = zip(a, b).allSatisfy { $0.data != $1.data }
    #expect(different)
    let leaks = a.contains { $0.data == secret }
    #expect(!leaks)
  }

  @Test func duplicateIndexIsRejected() throws {
    let shares = try Shamir.split(secret: Self.randomSecret(), threshold: 2, shares: 3)
    #expect(throws: Shamir.ShamirError.duplicateIndex(2)) { try Shamir.combine([shares[1], shares[0], shares[1]]) }
    var zero = shares[0]
    zero.index = 0
    #expect(throws: Shamir.ShamirError.self) { try Shamir.combine([zero, shares[1]]) }
    var short = shares[0]
    short.data.removeLast()
    #expect(throws: Shamir.ShamirError.self) { try Shamir.combine([short, shares[1]]) }
  }

  @Test func parameterLimits() throws {
    let secret = Self.randomSecret()
    for (t, n) in [(1, 3), (0, 3), (4, 3), (2, 256), (-1, 5)] {
      #expect(throws: Shamir.ShamirError.self, "T=\(t) N=\(n)") { try Shamir.split(secret: secret, threshold: t, shares: n) }
    }
    #expect(throws: Shamir.ShamirError.self) { try Shamir.split(secret: [1, 2, 3], threshold: 2, shares: 3) }
    let all = try Shamir.split(secret: secret, threshold: 255, shares: 255)
    #expect(all.last?.index == 255)
    let same = try Shamir.combine(all) == secret
    #expect(same)
    let pair = try Shamir.split(secret: secret, threshold: 2, shares: 2)
    let samePair = try Shamir.combine(pair) == secret
    #expect(samePair)
  }

  @Test func stringFormRoundTrips() throws {
    let secret = Self.randomSecret()
    let shares = try Shamir.split(secret: secret, threshold: 2, shares: 3)
    let texts = shares.map { Shamir.encode(vaultID: Self.vaultID, index: $0.index, data: $0.data) }
    #expect(texts[2].hasPrefix("HUSH-SHARE-1-hv1-7m2q4t0f8c1kq3x9d6w0-3-share1"))
    for (text, share) in zip(texts, shares) {
      let decoded = try Shamir.decode(text)
      #expect(decoded.vaultID == Self.vaultID)
      #expect(decoded.index == share.index)
      let same = decoded.data == share.data
      #expect(same)
      let padded = try Shamir.decode("  \(text)\r\n")
      #expect(padded.index == share.index)
    }
    let combined = try Shamir.combine(encoded: [texts[2], texts[0]])
    #expect(combined.vaultID == Self.vaultID)
    let same = combined.secret == secret
    #expect(same)
  }

  @Test func mismatchedVaultIDIsRejected() throws {
    let shares = try Shamir.split(secret: Self.randomSecret(), threshold: 2, shares: 3)
    let a = Shamir.encode(vaultID: Self.vaultID, index: shares[0].index, data: shares[0].data)
    let b = Shamir.encode(vaultID: "hv1-0000000000000000000z", index: shares[1].index, data: shares[1].data)
    #expect(throws: Shamir.ShamirError.differentVaults) { try Shamir.combine(encoded: [a, b]) }
  }

  @Test func malformedStringsAreRejectedWithoutEchoingThem() throws {
    let share = try Shamir.split(secret: Self.randomSecret(), threshold: 2, shares: 2)[0]
    let good = Shamir.encode(vaultID: Self.vaultID, index: 1, data: share.data)
    let data = String(good.split(separator: "-").last!)
    let otherHRP = Bech32.encode(hrp: "age", data: share.data)
    let short = Bech32.encode(hrp: "share", data: Array(share.data.dropLast()))
    let bad = [
      "", "HUSH-SHARE-2-\(Self.vaultID)-1-\(data)", "hush-share-1-\(Self.vaultID)-1-\(data)",
      "HUSH-SHARE-1-\(Self.vaultID)-0-\(data)", "HUSH-SHARE-1-\(Self.vaultID)-256-\(data)",
      "HUSH-SHARE-1-\(Self.vaultID)-01-\(data)", "HUSH-SHARE-1-\(Self.vaultID)-+1-\(data)",
      "HUSH-SHARE-1--1-\(data)", "HUSH-SHARE-1-\(Self.vaultID)-1-", "HUSH-SHARE-1-\(data)",
      "HUSH-SHARE-1-\(Self.vaultID)-1-\(data.dropLast())\(data.hasSuffix("q") ? "p" : "q")", "HUSH-SHARE-1-\(Self.vaultID)-1-\(otherHRP)",
      "HUSH-SHARE-1-\(Self.vaultID)-1-\(short)",
    ]
    for text in bad {
      do {
        _ = try Shamir.decode(text)
        Issue.record("accepted a malformed share")
      } catch let error as Shamir.ShamirError {
        #expect(!error.description.contains(data))
      }
    }
  }
}
