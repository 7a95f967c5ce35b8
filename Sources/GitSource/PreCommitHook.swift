/// The pre-commit hook `hush hook install` writes: the same bytes as `hooks/pre-commit` in the
/// repository (a test keeps them equal), embedded so an installed binary needs no checkout.
package enum PreCommitHook {
  package static let script = #"""
#!/bin/sh
# hush-managed-hook: installed by `hush hook install`; `hush hook uninstall` restores what was here.
# Scans the staged change for secrets and blocks the commit when it finds one.
# Bypass once with `git commit --no-verify`.
HUSH_BIN="${HUSH_BIN:-hush}"
if ! command -v "$HUSH_BIN" >/dev/null 2>&1; then
  echo "hush: '$HUSH_BIN' not found on PATH; install hush (or set HUSH_BIN), or bypass once with: git commit --no-verify" >&2
  exit 1
fi
"$HUSH_BIN" scan --staged --quiet --min-confidence medium
status=$?
if [ "$status" -eq 1 ]; then
  # With `[remediation] onCommit = "fix"` in .hush/config.toml, offer on the terminal to move the
  # secret into the vault now; the commit stays blocked either way, so you review and commit again.
  "$HUSH_BIN" fix --staged --hook && exit 1
  cat >&2 <<'MSG'
hush: commit blocked: the staged change adds the secret(s) above. To proceed:
  - move it into the vault and rewrite the code to read it at run time: hush fix --staged, or
  - remove the secret from the file and `git add` it again (and rotate it if it was real), or
  - if it is not a secret, append `hush:allow` with a reason to that line, or
  - bypass this check once with `git commit --no-verify`.
MSG
  exit 1
fi
if [ "$status" -ne 0 ]; then
  echo "hush: the secret scan failed (exit $status); fix the error above, or bypass once with: git commit --no-verify" >&2
  exit "$status"
fi
# A hook that was here before hush was installed runs next, so nothing the user had is lost.
chained="$(dirname "$0")/pre-commit.hush-chained"
if [ -x "$chained" ]; then
  exec "$chained" "$@"
fi
exit 0

"""#
}
