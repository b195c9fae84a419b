#!/usr/bin/env bash
# Runs every test of dieuhanh: formatting and lints, unit tests, HTTP integration tests
# and browser tests against SQLite, then the integration and browser tests again against
# PostgreSQL. Installs what is missing (Chromium and chromedriver from Debian) and starts
# the local PostgreSQL cluster if it is installed but stopped.
#
# Environment:
#   DIEUHANH_TEST_POSTGRES_URL  admin URL of a PostgreSQL server where test databases may be
#                               created (default postgres://postgres@127.0.0.1:5432/test)
#   DIEUHANH_SKIP_LINT=1        skip cargo fmt / clippy
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n==> %s\n' "$*"; }
banner() { printf '\n%s\n*** %s\n%s\n\n' "$(printf '*%.0s' {1..78})" "$*" "$(printf '*%.0s' {1..78})"; }

command -v cargo >/dev/null || { echo "cargo not found: install Rust (https://rustup.rs)" >&2; exit 1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

# --- Browser: Debian's chromium + chromium-driver -------------------------------------
if [ ! -x /usr/bin/chromedriver ] || [ ! -x /usr/bin/chromium ]; then
  say "installing chromium and chromium-driver (Debian packages)"
  if as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
     && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; then
    :
  else
    banner "could not install chromium/chromium-driver: browser tests will be SKIPPED"
  fi
fi
if [ -x /usr/bin/chromedriver ] && [ -x /usr/bin/chromium ]; then
  export DIEUHANH_REQUIRE_BROWSER=1
fi

# --- PostgreSQL ------------------------------------------------------------------------
PG_URL="${DIEUHANH_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
pg_up() {
  if command -v pg_isready >/dev/null; then
    pg_isready -q -d "$PG_URL" 2>/dev/null
  else
    (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null
  fi
}
if ! pg_up && command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
  say "starting the local PostgreSQL cluster"
  for v in /etc/postgresql/*; do
    as_root pg_ctlcluster --skip-systemctl-redirect "$(basename "$v")" main start || true
  done
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
fi
POSTGRES=0
if pg_up; then POSTGRES=1; fi

# --- Lints -----------------------------------------------------------------------------
if [ "${DIEUHANH_SKIP_LINT:-0}" != 1 ]; then
  say "cargo fmt --check"
  cargo fmt --all -- --check
  say "cargo clippy"
  cargo clippy --all-targets --locked -- -D warnings
fi

# --- Tests -----------------------------------------------------------------------------
say "tests on SQLite (unit, integration, browser)"
cargo test --workspace --locked

if [ "$POSTGRES" = 1 ]; then
  say "integration and browser tests on PostgreSQL ($PG_URL)"
  DIEUHANH_TEST_DATABASE=postgres DIEUHANH_TEST_POSTGRES_URL="$PG_URL" \
    cargo test --workspace --locked --tests
else
  banner "PostgreSQL is not reachable at $PG_URL: the PostgreSQL half of the suite was SKIPPED"
fi
say "all tests passed"
