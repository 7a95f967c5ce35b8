import Testing

@testable import Remediation

@Suite struct ShellTests {
  @Test func insideDoubleQuotes() {
    let src = "#!/bin/bash\ncurl -H \"Authorization: token \(fake)\" https://api.github.com/user\n"
    let (plan, out) = rewrite("scripts/whoami", src, tags: ["env:GITHUB_TOKEN"])
    #expect(plan.fileType == .shell)
    #expect(out == "#!/bin/bash\ncurl -H \"Authorization: token ${GITHUB_TOKEN:?run via hush run}\" https://api.github.com/user\n")
    expectSyntax(["bash", "-n"], ext: "sh", out)
  }

  @Test func bareLiteralIsDoubleQuoted() {
    let src = "TOKEN=\(fake)\nuse \"$TOKEN\"\n"
    let (_, out) = rewrite("run.sh", src)
    #expect(out == "TOKEN=\"${TOKEN:?run via hush run}\"\nuse \"$TOKEN\"\n")
    expectSyntax(["bash", "-n"], ext: "sh", out)
  }

  @Test func lenient() {
    let src = "curl -u \(fake) https://example.invalid\n"
    #expect(rewrite("run.sh", src, style: .lenient, tags: ["env:API_KEY"]).output == "curl -u \"${API_KEY}\" https://example.invalid\n")
  }

  @Test func singleQuotesCloseAndReopen() {
    let src = "curl -H 'Authorization: token \(fake)' https://api.github.com/user\n"
    let (_, out) = rewrite("run.sh", src, tags: ["env:GITHUB_TOKEN"])
    #expect(out == "curl -H 'Authorization: token '\"${GITHUB_TOKEN:?run via hush run}\" https://api.github.com/user\n")
    expectSyntax(["bash", "-n"], ext: "sh", out)
    let mid = "echo 'token \(fake) rest'\n"
    let out2 = rewrite("run.sh", mid, tags: ["env:GITHUB_TOKEN"]).output
    #expect(out2 == "echo 'token '\"${GITHUB_TOKEN:?run via hush run}\"' rest'\n")
    expectSyntax(["bash", "-n"], ext: "sh", out2)
    let whole = "curl -u '\(fake)' https://x.invalid\n"
    #expect(rewrite("run.sh", whole, tags: ["env:GITHUB_TOKEN"]).output == "curl -u \"${GITHUB_TOKEN:?run via hush run}\" https://x.invalid\n")
  }

  @Test func exportLineDeleted() {
    let src = "#!/bin/sh\nset -eu\nexport GH_TOKEN=\(fake)\ngh repo list\n"
    let (plan, out) = rewrite("deploy.sh", src)
    #expect(plan.variable == "GH_TOKEN")
    #expect(out == "#!/bin/sh\nset -eu\ngh repo list\n")
    #expect(plan.envMappings == ["GH_TOKEN": "hush://gh-token"])
    let quoted = "export GH_TOKEN=\"\(fake)\"\r\necho ok\r\n"
    #expect(rewrite("deploy.sh", quoted).output == "echo ok\r\n")
  }

  @Test func exportOfAnotherVariableIsKept() {
    let src = "export AUTH=\"token \(fake)\"\n"
    let (_, out) = rewrite("deploy.sh", src, tags: ["env:GITHUB_TOKEN"])
    #expect(out == "export AUTH=\"token ${GITHUB_TOKEN:?run via hush run}\"\n")
  }
}

@Suite struct ConfigTests {
  @Test func dotenv() {
    let (plan, out) = rewrite(".env", "# local\nDB_PASSWORD=\(fake)\nDEBUG=1\n")
    #expect(plan.fileType == .dotenv)
    #expect(out == "# local\nDB_PASSWORD=hush://db-password\nDEBUG=1\n")
    #expect(rewrite(".env.local", "API_KEY=\"\(fake)\" # prod\n").output == "API_KEY=hush://api-key # prod\n")
    // No final newline stays without.
    #expect(rewrite(".env", "DB_PASSWORD=\(fake)").output == "DB_PASSWORD=hush://db-password")
  }

  @Test func dotenvPartialValueIsManual() {
    guard case .manual = rewrite(".env", "DATABASE_URL=postgres://app:\(fake)@db/app\n").plan.disposition else {
      Issue.record("expected manual")
      return
    }
  }

  @Test func dockerCompose() {
    let src = "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: \(fake)\n      - \"API_KEY=\(fake)\"\n"
    let (plan, out) = rewrite("docker-compose.yml", src)
    #expect(plan.fileType == .dockerCompose)
    #expect(out == "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n      - \"API_KEY=\(fake)\"\n")
    #expect(Planner.fileType(path: "deploy/compose.yaml", content: []) == .dockerCompose)
  }

  @Test func githubActions() {
    let src = "jobs:\n  deploy:\n    env:\n      API_TOKEN: \"\(fake)\"\n"
    let (plan, out) = rewrite(".github/workflows/deploy.yml", src)
    #expect(plan.fileType == .githubActions)
    #expect(out == "jobs:\n  deploy:\n    env:\n      API_TOKEN: \"${{ secrets.API_TOKEN }}\"\n")
    #expect(plan.notes.contains("add repository secret API_TOKEN"))
  }

  @Test func kubernetesSecretIsManual() {
    let src = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: \(fake)\n"
    let (plan, out) = rewrite("k8s/db-secret.yaml", src)
    #expect(plan.fileType == .kubernetesSecret)
    #expect(plan.disposition == .manual("manifests in git should not carry Secret data: use an ExternalSecret or render a template"))
    #expect(out == src)
  }

  @Test func springYAMLAndProperties() {
    let yml = "spring:\n  datasource:\n    password: \(fake)\n"
    let (plan, out) = rewrite("src/main/resources/application.yml", yml, projectFiles: ["pom.xml"])
    #expect(plan.fileType == .springYAML)
    #expect(out == "spring:\n  datasource:\n    password: ${PASSWORD}\n")
    let props = "spring.datasource.password=\(fake)\n"
    let p = rewrite("src/main/resources/application.properties", props, projectFiles: ["build.gradle"])
    #expect(p.plan.fileType == .springProperties)
    #expect(p.output == "spring.datasource.password=${PASSWORD}\n")
  }

  @Test func genericYAMLBecomesTemplate() {
    let src = "api:\n  api_key: \(fake)\n"
    let (plan, out) = rewrite("config/settings.yml", src)
    #expect(plan.fileType == .yaml)
    #expect(out == "api:\n  api_key: \"{{ hush://api-key }}\"\n")
    #expect(plan.renameTo == "config/settings.yml.tpl")
    #expect(plan.notes.contains { $0.contains("rename settings.yml to settings.yml.tpl") })
    #expect(plan.extraFiles[".gitignore"] == Array("/config/settings.yml\n".utf8))
  }

  @Test func jsonKeepsQuotes() {
    let src = "{\n  \"apiKey\": \"\(fake)\"\n}\n"
    let (plan, out) = rewrite("config.json", src)
    #expect(plan.variable == "API_KEY")
    #expect(out == "{\n  \"apiKey\": \"{{ hush://api-key }}\"\n}\n")
    #expect(plan.notes.contains { $0.contains("rename config.json to config.json.tpl") })
    expectSyntax(["python3", "-m", "json.tool"], ext: "json", out)
  }

  @Test func plainProperties() {
    let (plan, out) = rewrite("conf/app.properties", "db.password=\(fake)\n")
    #expect(plan.fileType == .properties)
    #expect(out == "db.password={{ hush://password }}\n")
  }

  @Test func npmrc() {
    let src = "registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=\(fake)\n"
    let (plan, out) = rewrite(".npmrc", src, rule: "npm-access-token")
    #expect(plan.variable == "NPM_TOKEN")
    #expect(plan.secretName == "npm-access-token")
    #expect(out == "registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n")
  }

  @Test func terraform() {
    let src = "resource \"aws_db_instance\" \"main\" {\n  engine   = \"postgres\"\n  password = \"\(fake)\"\n}\n"
    let (plan, out) = rewrite("infra/main.tf", src, tags: ["env:DB_PASSWORD"])
    #expect(out == "resource \"aws_db_instance\" \"main\" {\n  engine   = \"postgres\"\n  password = var.db_password\n}\n")
    #expect(plan.extraFiles["infra/variables.tf"] == Array("variable \"db_password\" {\n  type      = string\n  sensitive = true\n}\n".utf8))
    #expect(plan.envMappings == ["TF_VAR_db_password": "hush://db-password"])
    #expect(plan.notes.contains { $0.contains("TF_VAR_db_password") })
    let part = "locals {\n  url = \"postgres://app:\(fake)@db/app\"\n}\n"
    #expect(rewrite("main.tf", part, tags: ["env:DB_PASSWORD"]).output == "locals {\n  url = \"postgres://app:${var.db_password}@db/app\"\n}\n")
  }

  @Test func terraformProviderCredentialLineDeleted() {
    let src = "provider \"aws\" {\n  region     = \"us-east-1\"\n  secret_key = \"\(fake)\"\n}\n"
    let (plan, out) = rewrite("main.tf", src, tags: ["env:AWS_SECRET_ACCESS_KEY"])
    #expect(out == "provider \"aws\" {\n  region     = \"us-east-1\"\n}\n")
    #expect(plan.notes.contains { $0.contains("AWS_ACCESS_KEY_ID") })
  }

  @Test func dockerfileIsManualWithSnippet() {
    let src = "FROM alpine\nENV API_KEY=\(fake)\nRUN ./build\n"
    let (plan, out) = rewrite("Dockerfile", src)
    guard case .manual = plan.disposition else { Issue.record("expected manual"); return }
    #expect(out == src)
    #expect(plan.notes.contains("build time: RUN --mount=type=secret,id=api_key,env=API_KEY <command>"))
    #expect(plan.notes.contains("values persist in image layers: rebuild and rotate"))
  }
}

@Suite struct TerraformBlockTests {
  @Test func variableDefaultIsDeleted() {
    let src = "variable \"db_password\" {\n  type    = string\n  default = \"\(fake)\"\n}\n"
    let (plan, out) = rewrite("variables.tf", src)
    #expect(plan.disposition == .rewrite)
    #expect(out == "variable \"db_password\" {\n  type    = string\n}\n")
    #expect(plan.envMappings == ["TF_VAR_db_password": "hush://db-password"])
  }

  @Test func backendIsManual() {
    let src = "terraform {\n  backend \"s3\" {\n    secret_key = \"\(fake)\"\n  }\n}\n"
    guard case .manual = rewrite("main.tf", src).plan.disposition else { Issue.record("expected manual"); return }
  }

  @Test func tfvarsIsManual() {
    guard case .manual = rewrite("prod.tfvars", "db_password = \"\(fake)\"\n").plan.disposition else {
      Issue.record("expected manual")
      return
    }
  }
}

@Suite struct OtherFileTests {
  @Test func unknownCodeIsManualAndConfigBecomesATemplate() {
    let php = rewrite("src/db.php", "<?php\n$password = \"\(fake)\";\n")
    guard case .manual = php.plan.disposition else { Issue.record("expected manual"); return }
    #expect(php.output.contains(fake))
    let toml = rewrite("config/app.toml", "[db]\npassword = \"\(fake)\"\n")
    #expect(toml.plan.disposition == .rewrite)
    #expect(toml.output == "[db]\npassword = \"{{ hush://password }}\"\n")
    #expect(toml.plan.renameTo == "config/app.toml.tpl")
    guard case .manual = rewrite("Jenkinsfile", "env.TOKEN = '\(fake)'\n").plan.disposition else { Issue.record("Jenkinsfile"); return }
    guard case .manual = rewrite("Makefile", "TOKEN := \(fake)\n").plan.disposition else { Issue.record("Makefile"); return }
  }
}

@Suite struct TerraformHeredocTests {
  @Test func heredocGetsInterpolation() {
    let src = "resource \"x\" \"y\" {\n  body = <<EOT\npassword=\(fake)\nEOT\n}\n"
    #expect(rewrite("main.tf", src, tags: ["env:DB_PASSWORD"]).output == "resource \"x\" \"y\" {\n  body = <<EOT\npassword=${var.db_password}\nEOT\n}\n")
  }
}

@Suite struct KeyNamingTests {
  @Test func dotenvKeyWinsOverTheRuleVariable() {
    let (plan, out) = rewrite(".env", "GH_TOKEN=\(fake)\n", tags: ["env:GITHUB_TOKEN"], rule: "github-pat")
    #expect(plan.variable == "GH_TOKEN")
    #expect(plan.secretName == "github-pat")
    #expect(out == "GH_TOKEN=hush://github-pat\n")
    #expect(plan.envMappings == ["GH_TOKEN": "hush://github-pat"])
  }

  @Test func actionsSecretsCannotStartWithGITHUB() {
    let src = "jobs:\n  a:\n    env:\n      TOKEN: \(fake)\n"
    let (plan, out) = rewrite(".github/workflows/ci.yml", src, tags: ["env:GITHUB_TOKEN"], rule: "github-pat")
    #expect(out == "jobs:\n  a:\n    env:\n      TOKEN: ${{ secrets.GH_TOKEN }}\n")
    #expect(plan.notes.contains("add repository secret GH_TOKEN"))
  }
}
