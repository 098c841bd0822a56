//! The integration tests: one binary, one link, a module per concern.
//!
//! Cross-API suites (`contract`, `misbehaviour`, `fuzz`, `secrets`, `transport`,
//! `constraints`, `enums`, `credentials`) name no API: they run over what the generator made
//! of every spec (`generated::apis()`, written by `cargo xtask generate`: the operations and their example
//! calls, a forbidden value per constraint, an undocumented value per enum), and each fails
//! when a spec in `specs/` is not among them. `apis/` holds what is specific to one API: the
//! seed's examples on the wire, its quirks. `coverage` checks that every spec has those.
//!
//! `tests/adversarial.rs` is a binary of its own: its counting allocator must see nothing
//! but the calls it measures.

mod generated;
mod support;

mod body_limit;
mod constraints;
mod contract;
mod coverage;
mod credentials;
mod enums;
mod first_hour;
mod fuzz;
mod hooks;
mod keywords;
mod misbehaviour;
mod retried_calls;
mod retries;
mod secrets;
mod traces;
mod transport;

mod apis;
