//! What one spec became, before it is printed: the checked spec and the generated code as
//! syntax. The pipeline makes it; the surface, the scaffold and the corpus read it.

use serde_json::Value;

/// Everything made from one spec before it is printed: the checked (and normalised) spec,
/// and the generated code as syntax.
pub struct Model {
    pub rel: String,
    pub text: String,
    /// The spec after inline integer ranges moved to components (what progenitor saw).
    pub spec: Value,
    pub file: syn::File,
    /// Every operation as progenitor made it (read from `file` once).
    pub builders: Vec<crate::generator::code_model::Builder>,
    /// The test suites' fixtures of the API (`tests/suite/generated/<api>.rs`).
    pub fixtures: syn::File,
    pub operations: usize,
}
