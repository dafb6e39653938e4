# The test command CI runs (.ci/run) and README.md documents.
GO ?= go

.PHONY: test build bench vet fmt

# go test vets each package again with a subset of go vet's default analyzers, and keeps those
# results apart from go vet's (other flags): on a cold build cache (a fresh clone, CI) that second
# pass analysed every package and dependency again, about 70 CPU s of a suite that must fit in
# 5 minutes on a busy 2-core machine. go vet ./... has just run them all, so -vet=off drops only
# the repeat; a plain `go test ./...` still vets.
test:
	$(GO) vet ./...
	$(GO) test -count=1 -vet=off -timeout 15m ./...

build:
	$(GO) build -o broadside ./cmd/broadside

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

fmt:
	gofmt -w $$(git ls-files '*.go')
