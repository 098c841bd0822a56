//! Mock servers built from the source documents' examples (`tests/fixtures/`), shared by the
//! behaviour and wire tests and by `examples/tour`.

#[cfg(feature = "cscart")]
pub mod cscart;
#[cfg(feature = "solos")]
pub mod solos;
#[cfg(feature = "thulium")]
pub mod thulium;
#[cfg(feature = "uapay")]
pub mod uapay;
#[cfg(feature = "yume")]
pub mod yume;
