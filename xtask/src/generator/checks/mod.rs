//! Step 2: what a spec must pass before progenitor runs; each refusal is one line naming
//! the file, the operation or schema, the rule and the fix.

pub mod constraints;
pub mod rules;
