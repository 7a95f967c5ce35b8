// Running the child of `hush run`: spawn with a built environment, forward signals, pass output through the
// masker, return the child's status (128 + N when killed by signal N), as `env(1)` does.
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

import Synchronization

/// The child's pid for the signal handlers (a C handler cannot capture context); atomic, because the
/// handler runs on whichever thread takes the signal.
private let forwardedChild = Atomic<Int32>(0)

package enum ChildError: Error, CustomStringConvertible {
  case notFound(String)
  case cannotRun(String, String)
  package var description: String {
    switch self {
    case .notFound(let command): return "\(command): command not found"
    case .cannotRun(let command, let reason): return "\(command): cannot run: \(reason)"
    }
  }
  /// 127 not found, 126 cannot run, as env(1).
  package var exitCode: Int32 {
    if case .notFound = self { return 127 }
    return 126
  }
}

package struct Child {
  package var arguments: [String]
  package var environment: [String]
  /// Masks stdout and stderr when set.
  package var masker: Masker?

  package init(arguments: [String], environment: [String], masker: Masker?) {
    self.arguments = arguments
    self.environment = environment
    self.masker = masker
  }

  /// Resolves the command through the child's PATH, distinguishing "not found" from "cannot run".
  package func resolveCommand() throws(ChildError) -> String {
    let command = arguments[0]
    if command.contains("/") {
      guard access(command, F_OK) == 0 else { throw .notFound(command) }
      guard access(command, X_OK) == 0 else { throw .cannotRun(command, "permission denied") }
      return command
    }
    let path = environment.first { $0.hasPrefix("PATH=") }.map { String($0.dropFirst(5)) } ?? "/usr/local/bin:/usr/bin:/bin"
    var deniedAt: String?
    for directory in path.split(separator: ":", omittingEmptySubsequences: false) {
      let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + command
      var info = stat()
      guard stat(candidate, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR else { continue }
      if access(candidate, X_OK) == 0 { return candidate }
      deniedAt = candidate
    }
    if let deniedAt { throw .cannotRun(deniedAt, "permission denied") }
    throw .notFound(command)
  }

  /// Replaces this process with the child (`--exec`).
  package func exec() throws(ChildError) -> Never {
    let path = try resolveCommand()
    let argv = arguments.map { strdup($0) } + [nil]
    let envp = environment.map { strdup($0) } + [nil]
    execve(path, argv, envp)
    throw .cannotRun(arguments[0], String(cString: strerror(errno)))
  }

  /// Runs the child to completion and returns its exit status.
  package mutating func run() throws(ChildError) -> Int32 {
    let path = try resolveCommand()
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    var outPipe: [Int32] = [-1, -1]
    var errPipe: [Int32] = [-1, -1]
    if masker != nil {
      guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw .cannotRun(arguments[0], "cannot create pipes") }
      posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
      posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
      for fd in outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }
    }
    // Signals the terminal sends to the whole foreground group reach the child directly; others are forwarded.
    let interactive = isatty(0) == 1
    installForwarding(interactive: interactive)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    let argv = arguments.map { strdup($0) } + [nil]
    let envp = environment.map { strdup($0) } + [nil]
    defer {
      for pointer in argv { free(pointer) }
      for pointer in envp { free(pointer) }
    }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
    guard rc == 0 else { throw .cannotRun(arguments[0], String(cString: strerror(rc))) }
    forwardedChild.store(pid, ordering: .releasing)
    if var masker {
      close(outPipe[1])
      close(errPipe[1])
      pump(out: outPipe[0], err: errPipe[0], masker: &masker)
      self.masker = masker
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    forwardedChild.store(0, ordering: .releasing)
    if status & 0x7f == 0 { return (status >> 8) & 0xff }  // exited
    return 128 + (status & 0x7f)  // killed by a signal
  }

  /// Copies both pipes through the masker until both close. Each stream has its own masker state.
  private func pump(out: Int32, err: Int32, masker: inout Masker) {
    var maskers = [masker, masker]
    Child.readUntilClosed([out, err]) { index, data in
      writeAll(index == 0 ? 1 : 2, data.map { maskers[index].feed($0) } ?? maskers[index].finish())
    }
    masker = maskers[0]
  }

  /// Reads every descriptor until each closes (then closes it), calling `body` with the data read, or nil at
  /// the end of that descriptor.
  static func readUntilClosed(_ descriptors: [Int32], _ body: (Int, [UInt8]?) -> Void) {
    var fds = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
    var buffer = [UInt8](repeating: 0, count: 65536)
    while fds.contains(where: { $0.fd >= 0 }) {
      if poll(&fds, nfds_t(fds.count), -1) < 0 {
        if errno == EINTR { continue }
        break
      }
      for index in fds.indices where fds[index].fd >= 0 && fds[index].revents != 0 {
        let count = buffer.withUnsafeMutableBytes { read(fds[index].fd, $0.baseAddress, $0.count) }
        if count > 0 {
          body(index, Array(buffer[..<count]))
        } else if count == 0 || errno != EINTR {
          body(index, nil)
          close(fds[index].fd)
          fds[index].fd = -1
        }
      }
    }
  }

  private func installForwarding(interactive: Bool) {
    let forward: @convention(c) (Int32) -> Void = { signal in
      let pid = forwardedChild.load(ordering: .acquiring)
      if pid > 0 { kill(pid, signal) }
    }
    for signal in [SIGTERM, SIGHUP, SIGUSR1, SIGUSR2, SIGWINCH] + (interactive ? [] : [SIGINT, SIGQUIT]) {
      var action = sigaction()
      #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = forward
      #else
        action.__sigaction_u.__sa_handler = forward
      #endif
      sigemptyset(&action.sa_mask)
      action.sa_flags = SA_RESTART
      sigaction(signal, &action, nil)
    }
    if interactive {
      // The terminal delivers ^C and ^\ to the child itself; hush waits for it to exit.
      signal(SIGINT, SIG_IGN)
      signal(SIGQUIT, SIG_IGN)
    }
    signal(SIGPIPE, SIG_IGN)
  }
}

package func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
  var offset = 0
  while offset < bytes.count {
    let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    if written < 0 {
      if errno == EINTR { continue }
      return
    }
    offset += written
  }
}

extension Child {
  /// Runs a helper command (git, a syntax checker) to completion and returns its status and output;
  /// posix_spawn directly, without Foundation's Process. The command is looked up on the child's PATH.
  package static func capture(_ arguments: [String], environment: [String]) throws(ChildError) -> (status: Int32, stdout: [UInt8], stderr: [UInt8]) {
    let child = Child(arguments: arguments, environment: environment, masker: nil)
    let path = try child.resolveCommand()
    var outPipe: [Int32] = [-1, -1]
    var errPipe: [Int32] = [-1, -1]
    guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw .cannotRun(arguments[0], "cannot create pipes") }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
    for fd in outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }
    let argv = arguments.map { strdup($0) } + [nil]
    let envp = environment.map { strdup($0) } + [nil]
    defer {
      for pointer in argv { free(pointer) }
      for pointer in envp { free(pointer) }
    }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, path, &actions, nil, argv, envp)
    close(outPipe[1])
    close(errPipe[1])
    guard rc == 0 else {
      close(outPipe[0])
      close(errPipe[0])
      throw .cannotRun(arguments[0], String(cString: strerror(rc)))
    }
    var outputs: [[UInt8]] = [[], []]
    readUntilClosed([outPipe[0], errPipe[0]]) { index, data in outputs[index] += data ?? [] }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let code = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return (code, outputs[0], outputs[1])
  }
}
