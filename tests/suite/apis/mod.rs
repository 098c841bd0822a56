//! What is specific to one API: the seed's examples sent and decoded exactly, the wire
//! snapshot, the API's own quirks and helpers. One file per spec (`coverage` checks it).

#[cfg(feature = "cscart")]
mod cscart;
#[cfg(feature = "cscart")]
mod cscart_pages;
#[cfg(all(feature = "cscart", feature = "schemars"))]
mod cscart_schemars;
#[cfg(feature = "solos")]
mod solos;
#[cfg(feature = "thulium")]
mod thulium;
#[cfg(feature = "uapay")]
mod uapay;
#[cfg(feature = "yume")]
mod yume;
