//! The TLS crypto provider. reqwest's rustls needs one: with `tls-aws-lc` reqwest brings
//! aws-lc; with `tls-ring` (the default) this crate installs ring as rustls' process
//! default before it builds an HTTP client, unless the program installed one first.

#[cfg(not(any(feature = "tls-ring", feature = "tls-aws-lc")))]
compile_error!(
    "crm-bindings needs a TLS provider: enable the `tls-ring` feature (a default one) or \
     `tls-aws-lc`, e.g. `features = [\"cscart\", \"tls-ring\"]` with `default-features = false`"
);

/// Makes sure rustls has a crypto provider for the HTTP clients this process builds: with
/// the `tls-ring` feature, installs ring as the process default unless one is installed
/// already (the program's choice stands); with `tls-aws-lc` alone, reqwest uses aws-lc and
/// this does nothing.
///
/// Every client constructor of this crate calls it. Call it yourself before building your
/// own client with the re-exported [`reqwest`](crate::reqwest) (for `new_with_client`):
/// with `tls-ring` alone, reqwest has no provider of its own and `build()` would panic.
///
/// ```
/// crm_bindings::install_tls_provider();
/// let http = crm_bindings::reqwest::Client::builder().build()?;
/// let client = crm_bindings::cscart::Client::new_with_client("https://shop.example/api", http);
/// # Ok::<(), crm_bindings::reqwest::Error>(())
/// ```
pub fn install_tls_provider() {
    #[cfg(feature = "tls-ring")]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Another thread may install one in between: then its provider stands, and the
        // error saying so is not one.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

#[cfg(all(test, feature = "tls-ring", feature = "cscart"))]
mod tests {
    /// `cargo xtask test` runs this alone (a fresh process, no provider installed) with
    /// `--no-default-features --features cscart,tls-ring`: there reqwest has no provider of
    /// its own, and building a client without this crate's installing ring would panic.
    #[test]
    fn every_constructor_finds_a_provider() {
        let plain = crate::cscart::Client::new("https://shop.example/api");
        let configured = crate::cscart::Client::with_basic_auth(
            "https://shop.example/api",
            "admin@example.com",
            "api-key",
        );
        assert!(configured.is_ok());
        drop(plain);
        assert!(rustls::crypto::CryptoProvider::get_default().is_some());
        super::install_tls_provider(); // again: nothing to do, and no panic
    }
}

/// With both TLS features on, the provider a program installed first stands, and ring is
/// installed when there is none. The process default is global and the other tests of this
/// binary install ring, so each case runs in a child process of this test binary.
#[cfg(all(test, feature = "tls-ring", feature = "tls-aws-lc", feature = "cscart"))]
mod both_providers {
    use std::process::Command;

    /// Set in the child process to the case it runs: `none` or `aws-lc` installed first.
    const CASE: &str = "CRM_TLS_PROVIDER_CASE";

    #[test]
    fn the_programs_provider_stands_and_ring_is_the_fallback() {
        for (case, expected) in [("none", "provider: ring"), ("aws-lc", "provider: aws-lc")] {
            let child = Command::new(std::env::current_exe().expect("the test binary's path"))
                .args(["tls::both_providers::child_case", "--exact", "--nocapture"])
                .env(CASE, case)
                .output()
                .expect("the test binary runs again");
            let stdout = String::from_utf8_lossy(&child.stdout);
            assert!(
                child.status.success(),
                "case {case}: {stdout}{}",
                String::from_utf8_lossy(&child.stderr)
            );
            assert!(
                stdout.lines().any(|line| line == expected),
                "case {case}: expected {expected:?} in {stdout}"
            );
        }
    }

    /// Does nothing unless run by the test above, in its own process.
    #[test]
    fn child_case() {
        let Ok(case) = std::env::var(CASE) else {
            return;
        };
        if case == "aws-lc" {
            rustls::crypto::aws_lc_rs::default_provider()
                .install_default()
                .expect("nothing installed yet in a fresh process");
        }
        drop(crate::cscart::Client::new("https://shop.example/api"));
        crate::cscart::Client::with_basic_auth("https://shop.example/api", "a@example.com", "k")
            .expect("a valid configuration");
        let provider = rustls::crypto::CryptoProvider::get_default().expect("a provider");
        // rustls names its providers' random sources `Ring` and `AwsLcRs` in `Debug`.
        let shown = format!("{provider:?}");
        let name = if shown.contains("secure_random: Ring") {
            "ring"
        } else if shown.contains("secure_random: AwsLcRs") {
            "aws-lc"
        } else {
            "unknown"
        };
        println!("provider: {name}");
    }
}
