import Durable

/// Atomic file replacement (see `Durable.write`), with the scanner's error type.
package enum AtomicFile {
  package static func write(_ bytes: [UInt8], to path: String, mode: UInt32 = 0o600) throws(SourceError) {
    do { try Durable.write(bytes, to: path, mode: mode) } catch {
      let hint = error.creating ? "; check that the directory exists and is writable" : ""
      throw SourceError(path: Array(path.utf8), message: "cannot write: \(FileSystem.errorText(error.code))\(hint)")
    }
  }
}
