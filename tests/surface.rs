//! API-surface snapshots: what a spec edit changes in the generated Rust API, one line per
//! operation and per type. Read these first when reviewing a spec change.

mod support;

use support::surface::summarize;

#[cfg(feature = "cscart")]
#[test]
fn cscart_surface() {
    insta::assert_snapshot!(
        "cscart_surface",
        summarize(include_str!("../src/generated/cscart.rs"))
    );
}
