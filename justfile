# Shortcuts only: every command here is also written out in README.md.

default:
    @just --list

# the whole test suite, as CI runs it
test:
    cargo test --workspace

# the portal on the demo world (http://127.0.0.1:8080, log in as dupont / portail-demo-dupont)
demo:
    cargo run --release -- serve --demo --db demo.db

fmt:
    cargo fmt --all

lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings

# CI's script, locally
ci:
    bash .ci/run

# event-store append benchmark (1,000,000 events; raw vs store)
bench-append events="1000000" submitters="64" per_command="1":
    cargo run --release -p bench -- append {{events}} {{submitters}} {{per_command}}

# transmission benchmark (100,000 pending requests, 5,000 families)
bench-transmit requests="100000" families="5000":
    cargo run --release -p bench -- transmit {{requests}} {{families}}

# the portal under a rush: calendar render time, pages/s with CLIENTS parents, log-ins/s
bench-portal clients="32":
    cargo run --release -p bench -- portal {{clients}}
