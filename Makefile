# The test command CI runs (.ci/run) and README.md documents.
GO ?= go

.PHONY: test build bench vet fmt

test:
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 15m ./...

build:
	$(GO) build -o broadside ./cmd/broadside

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

fmt:
	gofmt -w $$(git ls-files '*.go')
