import Testing

@testable import Remediation

/// Literals inside strings or heredocs that opened on an earlier line.
@Suite struct MultilineTests {
  @Test func javaScriptTemplateSpanningLines() {
    let src = "const ini = `\n[auth]\ntoken=\(fake)\n`;\n"
    let (_, out) = rewrite("server/ini.js", src, tags: ["env:API_TOKEN"])
    #expect(out == "const ini = `\n[auth]\ntoken=${process.env.API_TOKEN}\n`;\n")
    expectSyntax(["node", "--check"], ext: "js", out)
  }

  @Test func pythonTripleQuotedFString() {
    let src = "import os\ncfg = f\"\"\"\n[auth]\ntoken = {user}:\(fake)\n\"\"\"\n"
    let (_, out) = rewrite("cfg.py", src, tags: ["env:API_TOKEN"])
    #expect(out == "import os\ncfg = f\"\"\"\n[auth]\ntoken = {user}:{os.environ['API_TOKEN']}\n\"\"\"\n")
  }

  @Test func pythonTripleQuotedPlainIsManual() {
    let src = "cfg = \"\"\"\ntoken = \(fake)\n\"\"\"\n"
    guard case .manual = rewrite("cfg.py", src).plan.disposition else { Issue.record("expected manual"); return }
  }

  @Test func goRawStringSpanningLines() {
    let src = "package main\n\nimport \"os\"\n\nvar ini = `\ntoken=\(fake)\n`\n"
    let (_, out) = rewrite("main.go", src, tags: ["env:API_TOKEN"])
    #expect(out == "package main\n\nimport \"os\"\n\nvar ini = `\ntoken=` + os.Getenv(\"API_TOKEN\") + `\n`\n")
  }

  @Test func swiftMultilineString() {
    let src = "import Foundation\nlet ini = \"\"\"\n  token=\(fake)\n  \"\"\"\n"
    let (_, out) = rewrite("Ini.swift", src, tags: ["env:API_TOKEN"])
    #expect(out == "import Foundation\nlet ini = \"\"\"\n  token=\\(ProcessInfo.processInfo.environment[\"API_TOKEN\"]!)\n  \"\"\"\n")
    expectSyntax(["swiftc", "-parse"], ext: "swift", out)
  }

  @Test func shellUnquotedHeredocGetsTheBareReference() {
    let src = "cat > ~/.netrc <<EOF\nmachine api.example.invalid password \(fake)\nEOF\n"
    let (_, out) = rewrite("setup.sh", src, tags: ["env:API_TOKEN"])
    #expect(out == "cat > ~/.netrc <<EOF\nmachine api.example.invalid password ${API_TOKEN:?run via hush run}\nEOF\n")
    expectSyntax(["bash", "-n"], ext: "sh", out)
  }

  @Test func shellQuotedHeredocIsManual() {
    let src = "cat > ~/.netrc <<'EOF'\nmachine x password \(fake)\nEOF\n"
    guard case .manual(let why) = rewrite("setup.sh", src).plan.disposition else { Issue.record("expected manual"); return }
    #expect(why.contains("quoted heredoc"))
  }

  @Test func goCRLFImportBlock() {
    let src = "package main\r\n\r\nimport \"fmt\"\r\n\r\nvar key = \"\(fake)\"\r\n"
    let (_, out) = rewrite("main.go", src)
    #expect(out == "package main\r\n\r\nimport (\r\n\t\"fmt\"\r\n\t\"os\"\r\n)\r\n\r\nvar key = os.Getenv(\"KEY\")\r\n")
  }

  @Test func blockCommentInJavaScript() {
    let src = "/*\n * old token: \(fake)\n */\nexport {};\n"
    let (plan, out) = rewrite("server/a.js", src)
    #expect(out == "/*\n * old token: <removed>\n */\nexport {};\n")
    #expect(plan.envMappings.isEmpty)
  }
}

@Suite struct HashInsideStringsTests {
  @Test func hashInAMultilineFStringIsNoComment() {
    let src = "import os\ns = f\"\"\"\nabc # \(fake)\n\"\"\"\n"
    #expect(rewrite("a.py", src, tags: ["env:API_TOKEN"]).output == "import os\ns = f\"\"\"\nabc # {os.environ['API_TOKEN']}\n\"\"\"\n")
  }

  @Test func hashInAHeredocIsNoComment() {
    let src = "cat <<EOF\n# token \(fake)\nEOF\n"
    #expect(rewrite("a.sh", src, tags: ["env:API_TOKEN"]).output == "cat <<EOF\n# token ${API_TOKEN:?run via hush run}\nEOF\n")
  }
}
