#!/bin/sh
# Installs the system libraries Hush builds against, if they are missing (Debian/Ubuntu).
set -eu
if pkg-config --exists libgit2 libpcre2-8 2>/dev/null; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "error: libgit2-dev, libpcre2-dev and pkg-config are missing; install them as root" >&2
    exit 2
  fi
fi
$SUDO apt-get update
$SUDO apt-get install -y libgit2-dev libpcre2-dev pkg-config
