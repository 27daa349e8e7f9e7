# The two commands a new colleague needs: make run and make test. Both
# install what a fresh Debian or Ubuntu machine lacks (as root; otherwise
# they print the apt-get command). See README.md.

.PHONY: run test bench generate build fmt

# devenv is built, not run with go run, so that Ctrl-C reaches it directly and
# it can stop the server and then PostgreSQL in order.
run: ## Handshake with demo data on a private PostgreSQL in .data/ (or DATABASE_URL)
	@go build -o bin/devenv ./internal/devenv
	@bin/devenv run

test: ## every test, browser tests included, on a throwaway PostgreSQL (or TEST_DATABASE_URL)
	@go build -o bin/devenv ./internal/devenv
	@bin/devenv test $(TESTFLAGS)

bench: ## load on 10,000 and 1,000,000 cases against the budgets of DESIGN §6 (BENCH_SIZES=10000 for a quick run)
	@go build -o bin/devenv ./internal/devenv
	@bin/devenv bench

generate: ## regenerate the templ components after editing a .templ file
	go tool templ generate

build: ## a static binary in bin/
	CGO_ENABLED=0 go build -trimpath -o bin/handshake ./cmd/handshake

fmt:
	gofmt -w cmd internal migrations web
	go tool templ fmt web
