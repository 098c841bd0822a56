//! The generator's golden sample (`xtask/tests/golden/keywords.yaml`): every constraint
//! keyword the generator enforces, generated like an API for `tests/suite/keywords.rs`, so a
//! change in the generator's output shows as one small reviewed diff. Not published.

#[rustfmt::skip]
#[allow(unused_imports, clippy::all)]
mod generated;
pub use generated::*;
