//! API-surface snapshots: what a spec edit changes in the generated Rust API, one line per
//! operation and per type. Read these first when reviewing a spec change.

mod support;

use support::surface::summarize;

/// One snapshot per API, named `<api>_surface`.
macro_rules! surface_tests {
    ($($api:ident = $name:literal),*) => {$(
        #[cfg(feature = $name)]
        #[test]
        fn $api() {
            insta::assert_snapshot!(
                concat!($name, "_surface"),
                summarize(include_str!(concat!("../src/generated/", $name, ".rs")))
            );
        }
    )*};
}

surface_tests!(
    cscart = "cscart",
    yume = "yume",
    uapay = "uapay",
    thulium = "thulium",
    solos = "solos"
);
