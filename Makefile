# Quick start:
#   make scan            install system libraries if missing, build a release binary, scan REPO (default .)
#   make test            install, build, run the whole test suite and check the rule pack
REPO ?= .
SWIFT ?= swift

.PHONY: deps build release scan test rules generate bench accuracy clean

deps:
	@./scripts/install-deps.sh

# A statically linked Swift runtime starts ~13 ms faster, which the pre-commit hook feels.
release: deps
	$(SWIFT) build -c release --product hush --static-swift-stdlib

scan: release
	./.build/release/hush scan $(REPO)

build: deps
	$(SWIFT) build

test: build
	$(SWIFT) test
	./.build/debug/hush rules check --require-examples Rules
	./.build/debug/hush scan --history --quiet

# Regenerate Sources/RulePack/BuiltinRules+Generated.swift after editing Rules/*.toml.
generate: deps
	$(SWIFT) run generate-builtin-rules

# Side-by-side benchmark against gitleaks and kingfisher; writes docs/PERFORMANCE.md.
bench: release
	python3 scripts/bench.py

# Recall per rule family, precision, hard negatives and false positives per MB of clean code, for
# hush and gitleaks on a generated corpus (.bench/accuracy); writes docs/ACCURACY.md.
accuracy: deps
	$(SWIFT) build -c release --product hush
	python3 scripts/accuracy.py

clean:
	rm -rf .build
