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
/// crm_bindings_runtime::install_tls_provider();
/// let http = crm_bindings_runtime::reqwest::Client::builder().build()?;
/// # let _ = http;
/// # Ok::<(), crm_bindings_runtime::reqwest::Error>(())
/// ```
pub fn install_tls_provider() {
    #[cfg(feature = "tls-ring")]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Another thread may install one in between: then its provider stands, and the
        // error saying so is not one.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}
