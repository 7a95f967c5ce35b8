import Foundation
import Testing

@testable import Remediation

/// Realistic placements of a literal, each rewritten in both styles and handed to the language's own parser:
/// a rewrite that plans fine but breaks the program is caught here.
@Suite struct CorpusTests {
  static let python = [
    "db_password = \"\(fake)\"\n",
    "def connect(password='\(fake)'):\n    return password\n",
    "DATABASES = {\"default\": {\"PASSWORD\": \"\(fake)\"}}\n",
    "client = make(api_key=\"\(fake)\", retries=3)\n",
    "keys = [\"\(fake)\", \"other\"]\n",
    "class Config:\n    SECRET_KEY = r'\(fake)'\n",
    "token = \"\(fake)\" \"suffix\"\n",
    "token = (\n    \"prefix\"\n    \"\(fake)\"\n)\n",
    "header = f\"Bearer {user} \(fake)\"\n",
    "url = \"https://u:\(fake)@host/%s\" % db\n",
    "n = len(\"\(fake)\".strip())\n",
    "if key == \"\(fake)\":\n    pass\n",
    "\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\nimport sys\nKEY = \"\(fake)\"\n",
    "#!/usr/bin/env python3\n\"\"\"Doc.\n\nMore.\n\"\"\"\n\nKEY = u\"\(fake)\"\n",
    "cfg = f\"\"\"\n[auth]\ntoken = \(fake)\n\"\"\"\n",
    "blob = b'\(fake)'\n",
    "# token: \(fake)\nx = 1\n",
    "lookup = {\"\(fake)\": 1}\n",
  ]

  static let javascript = [
    "const apiKey = \"\(fake)\";\n",
    "module.exports = { apiKey: '\(fake)', retries: 3 };\n",
    "const headers = { Authorization: `Bearer \(fake)` };\n",
    "const auth = \"Bearer \" + \"\(fake)\";\n",
    "const auth = 'Bearer \(fake)';\n",
    "const table = { \"\(fake)\": 1 };\n",
    "const k = x || \"\(fake)\";\n",
    "const n = \"\(fake)\".length;\n",
    "call(\"\(fake)\", 2);\n",
    "const ini = `\n[auth]\ntoken=\(fake)\n`;\n",
    "/* old: \(fake) */\nconst x = 1;\n",
    "const k = x || \"\(fake)\";\nDeno.exit(0);\n",
    "const n = \"\(fake)\".length + 1;\nDeno.exit(0);\n",
    "const k = a ? \"\(fake)\" : b;\nDeno.exit(0);\n",
  ]

  static let shell = [
    "TOKEN=\(fake)\n",
    "export GH_TOKEN=\(fake)\ngh api user\n",
    "export AUTH=\"token \(fake)\"\n",
    "curl -H 'Authorization: token \(fake)' https://x.invalid\n",
    "curl -H \"Authorization: token \(fake)\" https://x.invalid\n",
    "curl -u user:\(fake) https://x.invalid\n",
    "echo 'a \(fake) b' | tr a b\n",
    "cat <<EOF\ntoken \(fake)\nEOF\n",
    "if [ \"$1\" = \"\(fake)\" ]; then echo ok; fi\n",
  ]

  @Test(arguments: python.indices) func pythonParses(_ i: Int) {
    for style in [Style.strict, .lenient] {
      let (plan, out) = rewrite("app/mod.py", Self.python[i], style: style)
      if ProcessInfo.processInfo.environment["HUSH_CORPUS_PRINT"] != nil { print("--- \(plan.disposition) \(style)\n\(out)") }
      #expect(!out.contains(fake) || plan.disposition != .rewrite)
      if plan.disposition == .rewrite { expectSyntax(["python3", "-m", "py_compile"], ext: "py", out) }
    }
  }

  @Test(arguments: javascript.indices) func javaScriptParses(_ i: Int) {
    for style in [Style.strict, .lenient] {
      let (plan, out) = rewrite("server/mod.js", Self.javascript[i], style: style)
      if ProcessInfo.processInfo.environment["HUSH_CORPUS_PRINT"] != nil { print("--- \(plan.disposition) \(style)\n\(out)") }
      #expect(!out.contains(fake) || plan.disposition != .rewrite)
      if plan.disposition == .rewrite { expectSyntax(["node", "--check"], ext: "js", out) }
    }
  }

  @Test(arguments: shell.indices) func shellParses(_ i: Int) {
    for style in [Style.strict, .lenient] {
      let (plan, out) = rewrite("scripts/run.sh", Self.shell[i], style: style)
      if ProcessInfo.processInfo.environment["HUSH_CORPUS_PRINT"] != nil { print("--- \(plan.disposition) \(style)\n\(out)") }
      #expect(!out.contains(fake) || plan.disposition != .rewrite)
      if plan.disposition == .rewrite { expectSyntax(["bash", "-n"], ext: "sh", out) }
    }
  }
}
