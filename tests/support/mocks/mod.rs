//! Mock servers built from the source documents' examples (`tests/fixtures/`), shared by the
//! wire snapshots, the behaviour tests and `examples/tour.rs`.

#[cfg(feature = "cscart")]
pub mod cscart;
