//! The generator: `specs/<api>.yaml` -> `crates/<api>/src/generated.rs` (and the crate's
//! README, and the suites' fixtures of the API), in the order of its folders:
//!
//! 1. `read`: the spec file into JSON (`load`), its `$ref`s and `default` answers into the
//!    shapes progenitor takes (`normalize`), and the lookups every later step uses (`spec`);
//! 2. `checks`: every rule a spec must pass (`rules`) and every constraint keyword the
//!    client can enforce (`constraints`); anything else is refused in one line;
//! 3. `progenitor`: progenitor and typify, with the settings shared by every API;
//! 4. `passes`: edits of progenitor's output where no setting of progenitor or typify does
//!    the job (each file says why), all reading one model of that output (`code_model`);
//! 5. `additions`: what progenitor cannot make: named enums and validated numbers
//!    (`extensions`, `ranges`), the auth constructors (`auth`), the typed mocks and the
//!    suites' fixtures (`mocks`);
//! 6. `files`: where each output goes; `review`: the public surface and what an edit
//!    changes in it.
//!
//! `pipeline` runs the steps in that order; `model` is what it returns. Modules import
//! their siblings by path and nothing imports this one's children back
//! (`xtask/tests/layout.rs`).

pub mod additions;
pub mod checks;
pub mod code_model;
pub mod errors;
pub mod files;
pub mod model;
pub mod passes;
pub mod pipeline;
pub mod progenitor;
pub mod read;
pub mod review;
#[path = "../../../build_support/spec_hash.rs"]
pub mod spec_hash;
