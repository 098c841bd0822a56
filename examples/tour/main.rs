//! A tour of crm-bindings: every operation of every API against an embedded mock server
//! that answers with the specs' examples (taken from the source documents), through each
//! API's generated typed mocks (`crm_bindings::<api>::mock`). No credentials, no network.
//!
//!     cargo run --example tour

mod common;
#[cfg(feature = "cscart")]
mod cscart;
#[cfg(all(feature = "cscart", feature = "tracing"))]
mod runtime;
#[cfg(feature = "solos")]
mod solos;
#[cfg(feature = "thulium")]
mod thulium;
#[cfg(feature = "uapay")]
mod uapay;
#[cfg(feature = "yume")]
mod yume;

use common::Result;

#[tokio::main]
async fn main() -> Result {
    #[cfg(feature = "cscart")]
    cscart::run().await?;
    #[cfg(feature = "yume")]
    yume::run().await?;
    #[cfg(feature = "uapay")]
    uapay::run().await?;
    #[cfg(feature = "thulium")]
    thulium::run().await?;
    #[cfg(feature = "solos")]
    solos::run().await?;
    #[cfg(all(feature = "cscart", feature = "tracing"))]
    runtime::run().await?;
    println!("\nTour finished: every operation answered.");
    Ok(())
}
