import Testing

@testable import ScanEngine

@Suite struct PrefilterTests {
  @Test("finds overlapping keywords, case-insensitively, with end offsets")
  func overlapping() {
    let prefilter = Prefilter(keywords: ["he", "she", "hers", "HIS"])
    let hits = prefilter.hits(in: Array("uSHErs his".utf8))
    let found = hits.map { "\(String(decoding: prefilter.keywords[$0.keyword], as: UTF8.self))@\($0.end)" }
    #expect(found == ["she@4", "he@4", "hers@6", "his@10"])
  }

  @Test("non-ASCII bytes are compared exactly")
  func bytes() {
    let prefilter = Prefilter(keywords: ["ключ"])
    #expect(prefilter.hits(in: Array("КЛЮЧ ключ".utf8)).map(\.end) == [Array("КЛЮЧ ключ".utf8).count])
  }

  @Test("no keywords, no hits")
  func empty() {
    #expect(Prefilter(keywords: []).hits(in: Array("abc".utf8)).isEmpty)
  }
}

@Suite struct PrimitiveTests {
  @Test("SHA-256 matches FIPS 180-4 vectors")
  func sha256() {
    #expect(SHA256.hash(Array("abc".utf8)).hexString == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(SHA256.hash([]).hexString == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
    #expect(SHA256.hash(long).hexString == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
  }

  @Test("Shannon entropy in bits per byte")
  func entropy() {
    #expect(Entropy.shannon(Array("aaaa".utf8)) == 0)
    #expect(abs(Entropy.shannon(Array("0123456789abcdef".utf8)) - 4) < 1e-9)
    #expect(Entropy.shannon([UInt8]()) == 0)
  }

  @Test("redaction shows at most a fifth of the secret and its length")
  func redaction() {
    #expect(Secret(Array("acme_4f9c2b7d1e8a6c3f5b0dfa7c4f1b8e2d".utf8)).redacted == "acme_4f…(37 bytes)")
    #expect(Secret(Array("hunter2".utf8)).redacted == "h…(7 bytes)")
    #expect(Secret(Array("abc".utf8)).redacted == "…(3 bytes)")
    #expect("\(Secret(Array("hunter2".utf8)))" == "h…(7 bytes)")
  }

  @Test("binary content is a NUL in the first 8 KiB")
  func binary() {
    #expect(Chunk.isBinary([0x41, 0x00]))
    #expect(!Chunk.isBinary([UInt8](repeating: 0x41, count: 8192) + [0]))
  }
}
