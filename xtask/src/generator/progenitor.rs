//! progenitor itself: the settings every API is generated with, and a run of it that turns
//! its panics into one readable line.

use crate::generator::errors::GenError;
use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};

/// progenitor's settings, shared by every API. Every enum and every validated integer type
/// is made by `extensions.rs` and replaces typify's own.
pub fn settings(replaced: &[(String, bool)]) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        // The facade must implement `ClientHooks` (it checks the `x-crm-*` rules);
        // `Expected` makes forgetting it a compile error.
        .with_hooks(HooksMode::Expected)
        .with_derive("PartialEq")
        // Turned into `cfg_attr(feature = "schemars", ...)` by `gate_schemars` below.
        .with_derive("schemars::JsonSchema");
    for (name, has_default) in replaced {
        let mut impls = vec![TypeImpl::Display, TypeImpl::FromStr];
        if *has_default {
            impls.push(TypeImpl::Default);
        }
        settings.with_replacement(
            name,
            crate::generator::additions::extensions::enum_path(name),
            impls.into_iter(),
        );
    }
    settings
}

/// progenitor panics on some inputs the checks do not foresee: report those as one line too.
pub fn run_progenitor(
    rel: &str,
    spec: &openapiv3::OpenAPI,
    settings: &GenerationSettings,
) -> Result<TokenStream, GenError> {
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(|| Generator::new(settings).generate_tokens(spec));
    std::panic::set_hook(previous_hook);
    match result {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(GenError::Progenitor(format!("{rel}: progenitor: {e}"))),
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            // Every shape the checks let through generates (the corpus); reaching this is a
            // bug of the generator, which a check or a fix and a corpus case close.
            Err(GenError::Progenitor(format!(
                "{rel}: the generator failed on this spec (progenitor: {msg}); the spec passed every check, so this is a bug of the generator: add the spec to xtask/tests/corpus/ and give it a check or a fix"
            )))
        }
    }
}
