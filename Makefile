# The test command CI runs (.ci/run) and README.md documents.
GO ?= go

.PHONY: test build bench vet fmt

# go test vets each package again with a subset of go vet's default analyzers and caches that
# apart from go vet's results (other flags): with a cold cache the second pass analysed every
# package and dependency again (65-70 CPU s, as much as the suite was over its 5 minutes on a busy
# 2-core machine; about 16 s in a fresh clone whose dependencies are cached). go vet ./... has just
# run every one of those analyzers, so -vet=off drops only the repeat; plain `go test` still vets.
test:
	$(GO) vet ./...
	$(GO) test -count=1 -vet=off -timeout 15m ./...

build:
	$(GO) build -o broadside ./cmd/broadside

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

fmt:
	gofmt -w $$(git ls-files '*.go')
