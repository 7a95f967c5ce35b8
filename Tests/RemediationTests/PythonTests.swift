import Testing

@testable import Remediation

@Suite struct PythonTests {
  @Test func importAfterDocstringAndFutureBeforeExistingImports() {
    let src = """
      \"\"\"Settings.\"\"\"
      from __future__ import annotations

      import sys

      db_password = "\(fake)"

      """
    let (plan, out) = rewrite("app/settings.py", src)
    #expect(plan.disposition == .rewrite)
    #expect(plan.variable == "DB_PASSWORD")
    #expect(plan.secretName == "db-password")
    #expect(plan.envMappings == ["DB_PASSWORD": "hush://db-password"])
    #expect(out == """
      \"\"\"Settings.\"\"\"
      from __future__ import annotations

      import os
      import sys

      db_password = os.environ["DB_PASSWORD"]

      """)
    expectSyntax(["python3", "-m", "py_compile"], ext: "py", out)
  }

  @Test func importAfterMultilineDocstringBeforeCode() {
    let src = "\"\"\"Module.\n\nMore.\n\"\"\"\nTOKEN = '\(fake)'\n"
    let (_, out) = rewrite("svc.py", src)
    #expect(out == "\"\"\"Module.\n\nMore.\n\"\"\"\nimport os\nTOKEN = os.environ[\"TOKEN\"]\n")
    expectSyntax(["python3", "-m", "py_compile"], ext: "py", out)
  }

  @Test func importAfterParenthesizedFutureImport() {
    let src = "#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\nfrom __future__ import (\n    annotations,\n)\nkey = \"\(fake)\"\n"
    let (_, out) = rewrite("tool.py", src)
    #expect(out == "#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\nfrom __future__ import (\n    annotations,\n)\nimport os\nkey = os.environ[\"KEY\"]\n")
    expectSyntax(["python3", "-m", "py_compile"], ext: "py", out)
  }

  @Test func lenientAndExistingImportOsCommaSys() {
    let src = "import os, sys\n\napi_key = \"\(fake)\"\n"
    let (plan, out) = rewrite("main.py", src, style: .lenient)
    #expect(plan.edits.count == 1)
    #expect(out == "import os, sys\n\napi_key = os.getenv(\"API_KEY\")\n")
  }

  @Test func fromOsImportEnvironDoesNotCount() {
    let src = "from os import environ\n\napi_key = \"\(fake)\"\n"
    let (_, out) = rewrite("main.py", src)
    #expect(out == "import os\nfrom os import environ\n\napi_key = os.environ[\"API_KEY\"]\n")
  }

  @Test func fStringTokenOnly() {
    let src = "import os\nheaders = {\"Authorization\": f\"Bearer \(fake)\"}\n"
    let (_, out) = rewrite("client.py", src, tags: ["env:API_TOKEN"])
    #expect(out == "import os\nheaders = {\"Authorization\": f\"Bearer {os.environ['API_TOKEN']}\"}\n")
    expectSyntax(["python3", "-m", "py_compile"], ext: "py", out)
  }

  @Test func plainStringBecomesFStringWithBracesDoubled() {
    let src = "import os\nauth = \"{user} Bearer \(fake)\"\n"
    let (_, out) = rewrite("client.py", src)
    #expect(out == "import os\nauth = f\"{{user}} Bearer {os.environ['AUTH']}\"\n")
    expectSyntax(["python3", "-m", "py_compile"], ext: "py", out)
  }

  @Test func percentFormatTokenOnly() {
    let src = "import os\nurl = 'postgres://app:\(fake)@%s/db' % host\n"
    let (_, out) = rewrite("db.py", src, tags: ["env:DB_PASSWORD"])
    #expect(out == "import os\nurl = f'postgres://app:{os.environ[\"DB_PASSWORD\"]}@%s/db' % host\n")
    expectSyntax(["python3", "-m", "py_compile"], ext: "py", out)
  }

  @Test func bytesLiteral() {
    let src = "import os\nkey = b\"\(fake)\"\n"
    #expect(rewrite("k.py", src).output == "import os\nkey = os.environb[b\"KEY\"]\n")
  }

  @Test func crlfKeptAndUsedForImport() {
    let src = "import sys\r\n\r\npassword = \"\(fake)\"\r\n"
    let (_, out) = rewrite("a.py", src)
    #expect(out == "import os\r\nimport sys\r\n\r\npassword = os.environ[\"PASSWORD\"]\r\n")
  }

  @Test func bomStaysFirst() {
    let src = "\u{FEFF}import sys\npassword = \"\(fake)\"\n"
    let (_, out) = rewrite("a.py", src)
    #expect(Array(out.utf8).prefix(3) == [0xEF, 0xBB, 0xBF])
    #expect(out == "\u{FEFF}import os\nimport sys\npassword = os.environ[\"PASSWORD\"]\n")
  }

  @Test func noFinalNewlineStaysWithout() {
    let src = "import sys\ntoken = \"\(fake)\""
    let (_, out) = rewrite("a.py", src)
    #expect(out == "import os\nimport sys\ntoken = os.environ[\"TOKEN\"]")
  }

  @Test func commentLosesTheValueWithoutReference() {
    let src = "# old key: \(fake)\nx = 1\n"
    let (plan, out) = rewrite("a.py", src)
    #expect(plan.disposition == .rewrite)
    #expect(out == "# old key: <removed>\nx = 1\n")
    #expect(plan.removesValueOnly)
    #expect(plan.envMappings.isEmpty)
    #expect(plan.notes.contains { $0.contains("comment") })
  }
}

@Suite struct PythonImportLineTests {
  /// The exact bytes `hush fix` (Sources/Fix) expects for the simplest file: `import os` on its own line.
  @Test func plainFileGetsImportOnItsOwnLine() {
    #expect(rewrite("app.py", "db_password = \"\(fake)\"\n").output == "import os\ndb_password = os.environ[\"DB_PASSWORD\"]\n")
  }
}
