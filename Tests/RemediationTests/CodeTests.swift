import Testing

@testable import Remediation

@Suite struct JavaScriptTests {
  @Test func wholeLiteral() {
    let src = "const apiKey = \"\(fake)\";\nmodule.exports = { apiKey };\n"
    let (plan, out) = rewrite("server/config.js", src)
    #expect(plan.fileType == .javascript)
    #expect(out == "const apiKey = process.env.API_KEY;\nmodule.exports = { apiKey };\n")
    expectSyntax(["node", "--check"], ext: "js", out)
  }

  @Test func templateLiteralTokenOnly() {
    let src = "fetch(url, { headers: { Authorization: `Bearer \(fake)` } });\n"
    let (_, out) = rewrite("server/api.js", src, tags: ["env:API_TOKEN"])
    #expect(out == "fetch(url, { headers: { Authorization: `Bearer ${process.env.API_TOKEN}` } });\n")
    expectSyntax(["node", "--check"], ext: "js", out)
  }

  @Test func quotedStringBecomesTemplate() {
    let src = "const auth = 'Bearer \(fake)';\n"
    let (_, out) = rewrite("server/api.js", src)
    #expect(out == "const auth = `Bearer ${process.env.AUTH}`;\n")
    expectSyntax(["node", "--check"], ext: "js", out)
  }

  @Test func typeScriptStrict() {
    let src = "export const apiKey: string = \"\(fake)\";\n"
    let (plan, out) = rewrite("src/config.ts", src)
    #expect(plan.fileType == .typescript)
    #expect(out == "export const apiKey: string = process.env.API_KEY!;\n")
  }

  @Test func typeScriptLenient() {
    let src = "export const apiKey: string = \"\(fake)\";\n"
    let (_, out) = rewrite("src/config.ts", src, style: .lenient)
    #expect(out == "export const apiKey: string = process.env.API_KEY ?? \"\";\n")
  }

  @Test func typeScriptLenientParenthesizedBeforeMemberAccess() {
    let src = "const n = \"\(fake)\".length;\n"
    let (_, out) = rewrite("src/n.ts", src, style: .lenient, tags: ["env:API_KEY"])
    #expect(out == "const n = (process.env.API_KEY ?? \"\").length;\n")
  }

  @Test func deno() {
    let src = "const token = \"\(fake)\";\nDeno.serve(() => new Response(token));\n"
    let (_, out) = rewrite("main.ts", src)
    #expect(out == "const token = Deno.env.get(\"TOKEN\")!;\nDeno.serve(() => new Response(token));\n")
  }

  @Test func browserCodeIsNeverTouched() {
    let src = "const key = \"\(fake)\";\nconsole.log(import.meta.env.MODE);\n"
    let (plan, out) = rewrite("src/app.ts", src)
    #expect(plan.disposition == .neverTouch("browser code: move the call server-side"))
    #expect(plan.edits.isEmpty)
    #expect(out == src)
    #expect(rewrite("src/components/Login.tsx", "const k = \"\(fake)\";\n").plan.disposition == .neverTouch("browser code: move the call server-side"))
  }
}

@Suite struct GoTests {
  @Test func singleImportBecomesBlock() {
    let src = """
      package main

      import "fmt"

      var dbPassword = "\(fake)"

      func main() { fmt.Println(dbPassword) }

      """
    let (plan, out) = rewrite("cmd/app/main.go", src)
    #expect(plan.variable == "DB_PASSWORD")
    #expect(out == """
      package main

      import (
      \t"fmt"
      \t"os"
      )

      var dbPassword = os.Getenv("DB_PASSWORD")

      func main() { fmt.Println(dbPassword) }

      """)
    expectSyntax(["gofmt", "-e"], ext: "go", out)
  }

  @Test func existingBlockSorted() {
    let src = "package db\n\nimport (\n\t\"fmt\"\n\t\"strings\"\n\n\t\"example.com/x\"\n)\n\nfunc dsn() string { return \"postgres://app:\(fake)@db/app\" }\n"
    let (_, out) = rewrite("db/db.go", src, tags: ["env:DB_PASSWORD"])
    #expect(out == "package db\n\nimport (\n\t\"fmt\"\n\t\"os\"\n\t\"strings\"\n\n\t\"example.com/x\"\n)\n\nfunc dsn() string { return \"postgres://app:\" + os.Getenv(\"DB_PASSWORD\") + \"@db/app\" }\n")
    expectSyntax(["gofmt", "-e"], ext: "go", out)
  }

  @Test func osAlreadyImported() {
    let src = "package main\n\nimport (\n\t\"os\"\n)\n\nvar token = `\(fake)`\n"
    let (plan, out) = rewrite("main.go", src)
    #expect(plan.edits.count == 1)
    #expect(out == "package main\n\nimport (\n\t\"os\"\n)\n\nvar token = os.Getenv(\"TOKEN\")\n")
  }

  @Test func constBecomesVarAndImportAfterPackage() {
    let src = "package main\n\nconst apiToken = \"\(fake)\"\n"
    let (_, out) = rewrite("main.go", src)
    #expect(out == "package main\n\nimport \"os\"\n\nvar apiToken = os.Getenv(\"API_TOKEN\")\n")
  }

  @Test func constBlockSpecMovesToVar() {
    let src = "package main\n\nimport \"os\"\n\nconst (\n\thost     = \"db.internal\"\n\tpassword = \"\(fake)\"\n\tport     = 5432\n)\n\nfunc main() {}\n"
    let (plan, out) = rewrite("main.go", src)
    #expect(plan.disposition == .rewrite)
    #expect(out == "package main\n\nimport \"os\"\n\nconst (\n\thost     = \"db.internal\"\n\tport     = 5432\n)\nvar password = os.Getenv(\"PASSWORD\")\n\nfunc main() {}\n")
  }

  @Test func constBlockWithOneSpecBecomesVarBlock() {
    let src = "package main\n\nimport \"os\"\n\nconst (\n\tpassword = \"\(fake)\"\n)\n"
    let (_, out) = rewrite("main.go", src)
    #expect(out == "package main\n\nimport \"os\"\n\nvar (\n\tpassword = os.Getenv(\"PASSWORD\")\n)\n")
  }

  @Test func constRepeatedImplicitlyIsManual() {
    let src = "package main\n\nconst (\n\ta = \"\(fake)\"\n\tb\n)\n"
    let (plan, _) = rewrite("main.go", src)
    guard case .manual = plan.disposition else { Issue.record("expected manual, got \(plan.disposition)"); return }
    #expect(plan.edits.isEmpty)
  }

  @Test func mustEnvUsedWhenTheProjectHasIt() {
    let src = "package main\n\nimport \"os\"\n\nfunc mustEnv(k string) string { return os.Getenv(k) }\n\nvar key = \"\(fake)\"\n"
    #expect(rewrite("main.go", src).output.contains("var key = mustEnv(\"KEY\")"))
  }
}

@Suite struct SwiftTests {
  @Test func wholeLiteralAddsFoundation() {
    let src = "// Config.\n\nlet apiKey = \"\(fake)\"\n"
    let (_, out) = rewrite("Sources/App/Config.swift", src)
    #expect(out == "// Config.\n\nimport Foundation\n\nlet apiKey = ProcessInfo.processInfo.environment[\"API_KEY\"]!\n")
    expectSyntax(["swiftc", "-parse"], ext: "swift", out)
  }

  @Test func lenientBeforeExistingImport() {
    let src = "import Logging\n\nlet apiKey = \"\(fake)\"\n"
    let (_, out) = rewrite("Sources/App/Config.swift", src, style: .lenient)
    #expect(out == "import Foundation\nimport Logging\n\nlet apiKey = ProcessInfo.processInfo.environment[\"API_KEY\"] ?? \"\"\n")
  }

  @Test func interpolationTokenOnly() {
    let src = "import Foundation\nlet header = \"Bearer \(fake)\"\n"
    let (plan, out) = rewrite("Sources/App/Client.swift", src)
    #expect(plan.edits.count == 1)
    #expect(out == "import Foundation\nlet header = \"Bearer \\(ProcessInfo.processInfo.environment[\"HEADER\"]!)\"\n")
    expectSyntax(["swiftc", "-parse"], ext: "swift", out)
  }

  @Test func rawStrings() {
    let whole = "import Foundation\nlet k = #\"\(fake)\"#\n"
    #expect(rewrite("K.swift", whole).output == "import Foundation\nlet k = ProcessInfo.processInfo.environment[\"K\"]!\n")
    let part = "import Foundation\nlet k = #\"token \"\(fake)\"#\n"
    let out = rewrite("K.swift", part).output
    #expect(out == "import Foundation\nlet k = #\"token \"\\#(ProcessInfo.processInfo.environment[\"K\"]!)\"#\n")
    expectSyntax(["swiftc", "-parse"], ext: "swift", out)
  }
}

@Suite struct JavaKotlinRubyTests {
  @Test func java() {
    let src = "class Db {\n  private String dbPassword = \"\(fake)\";\n}\n"
    #expect(rewrite("src/main/java/Db.java", src).output == "class Db {\n  private String dbPassword = System.getenv(\"DB_PASSWORD\");\n}\n")
  }

  @Test func javaPartialIsParenthesized() {
    let src = "class C {\n  String auth = \"Bearer \(fake)\".trim();\n}\n"
    #expect(rewrite("C.java", src).output == "class C {\n  String auth = (\"Bearer \" + System.getenv(\"AUTH\")).trim();\n}\n")
  }

  @Test func javaStaticFinalIsManual() {
    let src = "class C {\n  static final String KEY = \"\(fake)\";\n}\n"
    let (plan, out) = rewrite("C.java", src)
    guard case .manual(let why) = plan.disposition else { Issue.record("expected manual"); return }
    #expect(why.contains("static final"))
    #expect(out == src)
  }

  @Test func kotlinStrictLenientAndTemplate() {
    let src = "val apiKey: String = \"\(fake)\"\n"
    #expect(rewrite("App.kt", src).output == "val apiKey: String = System.getenv(\"API_KEY\")!!\n")
    #expect(rewrite("App.kt", src, style: .lenient).output == "val apiKey: String = System.getenv(\"API_KEY\") ?: \"\"\n")
    let t = "val auth = \"Bearer \(fake)\"\n"
    #expect(rewrite("App.kt", t).output == "val auth = \"Bearer ${System.getenv(\"AUTH\")!!}\"\n")
  }

  @Test func kotlinConstValIsManual() {
    guard case .manual = rewrite("App.kt", "const val KEY = \"\(fake)\"\n").plan.disposition else {
      Issue.record("expected manual")
      return
    }
  }

  @Test func ruby() {
    let src = "Stripe.api_key = \"\(fake)\"\n"
    #expect(rewrite("config/initializers/stripe.rb", src).output == "Stripe.api_key = ENV.fetch(\"API_KEY\")\n")
    #expect(rewrite("config/initializers/stripe.rb", src, style: .lenient).output == "Stripe.api_key = ENV[\"API_KEY\"]\n")
    let part = "auth = 'Bearer \(fake)'\n"
    #expect(rewrite("client.rb", part).output == "auth = \"Bearer #{ENV.fetch(\"AUTH\")}\"\n")
    expectSyntax(["ruby", "-c"], ext: "rb", rewrite("client.rb", part).output)
  }
}

@Suite struct SwiftScriptTests {
  @Test func importGoesAfterTheShebang() {
    let src = "#!/usr/bin/env swift\nlet key = \"\(fake)\"\n"
    #expect(rewrite("tool.swift", src).output == "#!/usr/bin/env swift\nimport Foundation\n\nlet key = ProcessInfo.processInfo.environment[\"KEY\"]!\n")
  }
}

@Suite struct CommentDetectionTests {
  @Test func aGlobInAStringOpensNoComment() {
    let src = "const files = \"src/**/*.js\";\nconst apiKey = \"\(fake)\";\n"
    let (plan, out) = rewrite("server/build.js", src)
    #expect(out == "const files = \"src/**/*.js\";\nconst apiKey = process.env.API_KEY;\n")
    #expect(plan.envMappings == ["API_KEY": "hush://api-key"])
  }

  @Test func goBlockCommentAcrossLines() {
    let src = "package main\n\n/*\nold key \(fake)\n*/\nfunc main() {}\n"
    #expect(rewrite("main.go", src).output == "package main\n\n/*\nold key <removed>\n*/\nfunc main() {}\n")
  }
}
