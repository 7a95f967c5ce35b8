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

@Suite struct ConfigCorpusTests {
  static let yamlCheck = ["python3", "-c", "import sys, yaml; yaml.safe_load(open(sys.argv[1]))"]

  static let yaml: [(String, String)] = [
    ("docker-compose.yml", "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: \(fake)\n"),
    ("docker-compose.yml", "services:\n  db:\n    environment:\n      - POSTGRES_PASSWORD=\(fake)\n"),
    ("compose.yaml", "services:\n  app:\n    environment:\n      API_KEY: \"\(fake)\"\n"),
    (".github/workflows/ci.yml", "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    env:\n      API_TOKEN: \(fake)\n"),
    (".github/workflows/ci.yml", "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          curl -H \"Authorization: token \(fake)\" https://x.invalid\n"),
    ("src/main/resources/application.yml", "spring:\n  datasource:\n    password: \(fake)\n"),
    ("config/settings.yml", "api:\n  key: \(fake)\n"),
    ("config/settings.yml", "api:\n  key: '\(fake)'\n"),
    ("config/settings.yml", "api:\n  dsn: postgres://app:\(fake)@db/app\n"),
    ("config/settings.yml", "keys:\n  - \(fake)\n"),
  ]

  @Test(arguments: yaml.indices) func yamlParses(_ i: Int) {
    let (path, src) = Self.yaml[i]
    let (plan, out) = rewrite(path, src, projectFiles: ["pom.xml"])
    #expect(plan.disposition == .rewrite, "\(path)")
    #expect(!out.contains(fake))
    expectSyntax(Self.yamlCheck, ext: "yml", out)
  }

  @Test func jsonParses() {
    for src in ["{\"apiKey\": \"\(fake)\"}\n", "{\"db\": {\"url\": \"postgres://app:\(fake)@db/app\"}}\n", "[\"\(fake)\"]\n"] {
      let (plan, out) = rewrite("config/app.json", src)
      #expect(plan.disposition == .rewrite)
      expectSyntax(["python3", "-m", "json.tool"], ext: "json", out)
    }
  }

  @Test func terraformParses() {
    let cases = [
      "resource \"aws_db_instance\" \"main\" {\n  password = \"\(fake)\"\n}\n",
      "locals {\n  dsn = \"postgres://app:\(fake)@db/app\"\n}\n",
      "provider \"aws\" {\n  region     = \"us-east-1\"\n  secret_key = \"\(fake)\"\n}\n",
      "variable \"db_password\" {\n  type    = string\n  default = \"\(fake)\"\n}\n",
      "resource \"x\" \"y\" {\n  body = <<EOT\npassword=\(fake)\nEOT\n}\n",
    ]
    for src in cases {
      let (plan, out) = rewrite("infra/main.tf", src, tags: ["env:DB_PASSWORD"])
      #expect(plan.disposition == .rewrite)
      expectSyntax(["terraform", "fmt"], ext: "tf", out)
    }
  }

  @Test func javaCompiles() {
    let cases = [
      "class Db {\n  private String dbPassword = \"\(fake)\";\n}\n",
      "class Db {\n  String url() { return \"jdbc:postgresql://db/app?password=\(fake)\".trim(); }\n}\n",
      "class Db {\n  java.util.Map<String, String> m = java.util.Map.of(\"password\", \"\(fake)\");\n}\n",
    ]
    for src in cases {
      let (plan, out) = rewrite("src/main/java/Db.java", src)
      #expect(plan.disposition == .rewrite)
      expectSyntax(["javac", "-d", "."], ext: "java", out)
    }
  }

  @Test func swiftParses() {
    let cases = [
      "let apiKey = \"\(fake)\"\n",
      "struct C { var token = \"Bearer \(fake)\" }\n",
      "let n = \"\(fake)\".count\n",
      "let k = [\"a\": #\"x\(fake)\"#]\n",
    ]
    for style in [Style.strict, .lenient] {
      for src in cases {
        let (plan, out) = rewrite("Sources/App/C.swift", src, style: style)
        #expect(plan.disposition == .rewrite)
        expectSyntax(["swiftc", "-parse"], ext: "swift", out)
      }
    }
  }
}
