/// A case-insensitive (ASCII) multi-keyword search over raw bytes: an Aho-Corasick automaton compiled
/// to a dense DFA over byte classes, so the scan costs one table lookup per byte.
///
/// It may report a keyword the rule then does not match; it never misses an occurrence.
package struct Prefilter: Sendable {
  /// A keyword occurrence: `keyword` indexes the keyword list; `end` is the offset just past it.
  package struct Hit: Sendable, Equatable {
    package var keyword: Int
    package var end: Int
  }

  package let keywords: [[UInt8]]
  private let classOf: [UInt8]
  private let classCount: Int
  private let transitions: [UInt32]
  /// Keywords ending at each state (via failure links too); empty for most states.
  private let outputs: [[Int32]]
  private let hasOutput: [Bool]

  /// - Parameter keywords: the keywords; compared after ASCII lowercasing. Empty keywords are ignored.
  package init(keywords: [String]) {
    let lowered = keywords.map { Array($0.utf8).map(Prefilter.lower) }
    self.keywords = lowered

    // Byte classes: one per distinct byte used in a keyword (upper case folded), 0 for the rest.
    var classOf = [UInt8](repeating: 0, count: 256)
    var nextClass = 1
    for keyword in lowered {
      for byte in keyword where classOf[Int(byte)] == 0 {
        // More than 255 distinct bytes cannot occur: there are only 256 byte values and 0 is shared.
        classOf[Int(byte)] = UInt8(truncatingIfNeeded: nextClass)
        nextClass += 1
      }
    }
    for upper in UInt8(ascii: "A")...UInt8(ascii: "Z") { classOf[Int(upper)] = classOf[Int(upper + 32)] }
    let classCount = nextClass
    self.classOf = classOf
    self.classCount = classCount

    // Trie.
    var goto: [[Int32]] = [[Int32](repeating: -1, count: classCount)]
    var outputs: [[Int32]] = [[]]
    for (index, keyword) in lowered.enumerated() where !keyword.isEmpty {
      var state = 0
      for byte in keyword {
        let cls = Int(classOf[Int(byte)])
        if goto[state][cls] < 0 {
          goto[state][cls] = Int32(goto.count)
          goto.append([Int32](repeating: -1, count: classCount))
          outputs.append([])
        }
        state = Int(goto[state][cls])
      }
      outputs[state].append(Int32(index))
    }

    // Failure links in breadth-first order, folded into a full transition table.
    var fail = [Int](repeating: 0, count: goto.count)
    var table = [UInt32](repeating: 0, count: goto.count * classCount)
    var queue: [Int] = []
    for cls in 0..<classCount {
      let next = goto[0][cls]
      if next >= 0 {
        table[cls] = UInt32(next)
        queue.append(Int(next))
      }
    }
    var head = 0
    while head < queue.count {
      let state = queue[head]
      head += 1
      outputs[state] += outputs[fail[state]]
      for cls in 0..<classCount {
        let next = goto[state][cls]
        if next >= 0 {
          fail[Int(next)] = Int(table[fail[state] * classCount + cls])
          table[state * classCount + cls] = UInt32(next)
          queue.append(Int(next))
        } else {
          table[state * classCount + cls] = table[fail[state] * classCount + cls]
        }
      }
    }
    self.transitions = table
    self.outputs = outputs
    self.hasOutput = outputs.map { !$0.isEmpty }
  }

  /// Calls `body` for every keyword occurrence, in order of end offset.
  package func forEachHit(in bytes: UnsafeBufferPointer<UInt8>, _ body: (Hit) -> Void) {
    guard !keywords.isEmpty else { return }
    transitions.withUnsafeBufferPointer { table in
      classOf.withUnsafeBufferPointer { classes in
        hasOutput.withUnsafeBufferPointer { flags in
          var state = 0
          let width = classCount
          for offset in 0..<bytes.count {
            state = Int(table[state &* width &+ Int(classes[Int(bytes[offset])])])
            if flags[state] {
              for keyword in outputs[state] { body(Hit(keyword: Int(keyword), end: offset + 1)) }
            }
          }
        }
      }
    }
  }

  package func hits(in bytes: [UInt8]) -> [Hit] {
    var result: [Hit] = []
    bytes.withUnsafeBufferPointer { buffer in forEachHit(in: buffer) { result.append($0) } }
    return result
  }

  static func lower(_ byte: UInt8) -> UInt8 {
    byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
  }
}
