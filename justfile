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

# every benchmark scenario against its same-run reference: a table, and target/bench/all.json
# (flags: --quick for a smaller run, --one-core to pin serve to one core during the rush)
# (the same as `cargo run --release -p bench -- all`, with the one release build the bench and the
# served binary share)
bench *flags:
    cargo build --release -p portail -p bench
    target/release/bench all {{flags}}
