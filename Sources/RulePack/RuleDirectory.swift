#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Musl)
  internal import Musl
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// Names of the `.toml` files directly in `directory`, sorted.
package func tomlFiles(in directory: String) throws(RulePackError) -> [String] {
  guard let dir = opendir(directory) else {
    throw RulePackError(file: directory, message: "cannot open directory: \(String(cString: strerror(errno)))")
  }
  defer { closedir(dir) }
  var names: [String] = []
  while let entry = readdir(dir) {
    let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
      String(decoding: raw.bindMemory(to: UInt8.self).prefix { $0 != 0 }, as: UTF8.self)
    }
    if name.hasSuffix(".toml"), !name.hasPrefix(".") { names.append(name) }
  }
  return names.sorted()
}

/// Whether `path` is a directory.
package func isDirectory(_ path: String) -> Bool {
  var info = stat()
  return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
}
