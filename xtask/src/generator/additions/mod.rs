//! Step 5: what progenitor cannot make, added to its output: named enums, the spec's
//! rules and lenient field decoders (`extensions`), validated numbers (`ranges`), the auth
//! constructors (`auth`), the typed mocks and the suites' fixtures (`mocks`).

pub mod auth;
pub mod doc_examples;
pub mod extensions;
pub mod mocks;
pub mod ranges;
