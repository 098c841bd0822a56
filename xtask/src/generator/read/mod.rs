//! Step 1: the spec file, read once into JSON and normalised; the lookups over it.

pub mod load;
pub mod normalize;
pub mod spec;
