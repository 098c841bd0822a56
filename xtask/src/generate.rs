//! `cargo xtask generate [--check]`: specs/<api>.yaml -> checks -> progenitor -> src/generated/<api>.rs.
//! The one place that holds the generation settings.

use crate::spec_checks::{Violation, check_spec};
use crate::spec_hash::{HASH_MARKER, spec_hash};
use crate::{constraints, extensions, messages, nullable};
use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};
use quote::quote;
use serde_json::Value;
use std::path::{Path, PathBuf};
use syn::visit_mut::VisitMut;

/// Everything `generate` learns about one spec.
pub struct Generated {
    pub api: String,
    pub spec_path: PathBuf,
    pub out_path: PathBuf,
    pub code: String,
    pub operations: usize,
    pub types: usize,
}

/// Why a spec could not be generated: always one readable line per problem.
#[derive(Debug)]
pub enum GenError {
    Io(String),
    Parse(String),
    Rules(Vec<Violation>),
    Progenitor(String),
}

impl std::fmt::Display for GenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GenError::Io(m) | GenError::Parse(m) | GenError::Progenitor(m) => f.write_str(m),
            GenError::Rules(v) => {
                let lines: Vec<String> = v.iter().map(ToString::to_string).collect();
                f.write_str(&lines.join("\n"))
            }
        }
    }
}

/// progenitor's settings, shared by every API. Every enum and every validated integer type
/// is made by `extensions.rs` and replaces typify's own.
fn settings(api: &str, replaced: &[(String, bool)]) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        // The facade must implement `ClientHooks` (it strips progenitor's `api-version`
        // header and checks `x-crm-*` rules); `Expected` makes forgetting it a compile error.
        .with_hooks(HooksMode::Expected)
        .with_derive("PartialEq")
        // Turned into `cfg_attr(feature = "schemars", ...)` by `gate_schemars` below.
        .with_derive("schemars::JsonSchema");
    for (name, has_default) in replaced {
        let mut impls = vec![TypeImpl::Display, TypeImpl::FromStr];
        if *has_default {
            impls.push(TypeImpl::Default);
        }
        settings.with_replacement(name, extensions::enum_path(api, name), impls.into_iter());
    }
    settings
}

/// The API specs (`specs/<api>.yaml`), sorted, as `(api name, path)`.
pub fn spec_files(root: &Path) -> Result<Vec<(String, PathBuf)>, GenError> {
    yaml_files(&root.join("specs"))
}

/// The generator's golden samples (`xtask/tests/golden/<name>.yaml`), generated like the
/// APIs into `src/generated/<name>.rs` and compiled with the crate's internal `golden`
/// feature, so a change in the generator's output shows as one small reviewed diff and each
/// enforced keyword is tested at run time.
pub fn golden_files(root: &Path) -> Result<Vec<(String, PathBuf)>, GenError> {
    yaml_files(&root.join("xtask/tests/golden"))
}

/// The spec files, sorted, as `(api name, path)`.
fn yaml_files(dir: &Path) -> Result<Vec<(String, PathBuf)>, GenError> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| GenError::Io(format!("{}: {e}", dir.display())))?;
    let mut specs: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .filter_map(|p| Some((p.file_stem()?.to_str()?.to_string(), p)))
        .collect();
    specs.sort();
    Ok(specs)
}

/// Reads a spec file into JSON, with the file named in any error. A key written twice in
/// one mapping (a pasted path, say) is refused with its line, not "last copy wins".
pub fn load_spec(rel: &str, path: &Path) -> Result<(String, Value), GenError> {
    let text = std::fs::read_to_string(path).map_err(|e| GenError::Io(format!("{rel}: {e}")))?;
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).map_err(|e| {
        GenError::Parse(match duplicate_key(&text, &e) {
            Some((key, line)) => format!(
                "{rel}: line {line}: [duplicate-key] `{key}` is written twice in one mapping (YAML parsers would keep the last copy)"
            ),
            None => format!("{rel}: not valid YAML: {e}"),
        })
    })?;
    let value: Value = serde_json::to_value(yaml)
        .map_err(|e| GenError::Parse(format!("{rel}: not a JSON-compatible document: {e}")))?;
    Ok((text, value))
}

/// The key and the line of its second copy, when `error` is serde_yaml's duplicate-key
/// error (`duplicate entry with key "/a"`, reported at the mapping's start).
fn duplicate_key(text: &str, error: &serde_yaml_ng::Error) -> Option<(String, usize)> {
    let message = error.to_string();
    let key = message
        .split("duplicate entry with key \"")
        .nth(1)?
        .split('"')
        .next()?
        .to_string();
    let location = error.location()?;
    let line = crate::spec::duplicate_key_line(text, &key, location.line(), location.column())
        .unwrap_or(location.line());
    Some((key, line))
}

/// Everything made from one spec before it is printed: the checked (and normalised) spec,
/// and the generated code as syntax.
pub struct Model {
    pub rel: String,
    pub text: String,
    /// The spec after inline integer ranges moved to components (what progenitor saw).
    pub spec: Value,
    pub file: syn::File,
    pub operations: usize,
}

/// Generates the code for one spec (nothing is written here).
pub fn generate_one(root: &Path, api: &str, spec_path: &Path) -> Result<Generated, GenError> {
    let model = build(root, api, spec_path)?;
    let types = count_types(&model.file);
    let body = prettyplease::unparse(&model.file);
    let header = format!(
        "// @generated by `cargo xtask generate` from {}; do not edit by hand.\n\
         // Change the spec (or xtask/src/generate.rs) and regenerate.\n\
         // generator: {}\n\
         {HASH_MARKER}{}\n\n",
        model.rel,
        generator_versions(root),
        spec_hash(&model.text),
    );
    Ok(Generated {
        api: api.to_string(),
        spec_path: spec_path.to_path_buf(),
        out_path: root.join("src/generated").join(format!("{api}.rs")),
        code: header + &body,
        operations: model.operations,
        types,
    })
}

/// Checks the spec, runs progenitor and makes every edit to its output.
pub fn build(root: &Path, api: &str, spec_path: &Path) -> Result<Model, GenError> {
    let rel = spec_path
        .strip_prefix(root)
        .unwrap_or(spec_path)
        .display()
        .to_string();
    let (text, mut value) = load_spec(&rel, spec_path)?;
    let violations = check_spec(&rel, &text, &value);
    if !violations.is_empty() {
        return Err(GenError::Rules(violations));
    }
    let rule = |message: String| {
        GenError::Rules(vec![Violation {
            file: rel.clone(),
            operation: "(document)".into(),
            rule: "unenforced-constraint",
            message,
        }])
    };
    constraints::move_ranges_to_components(&mut value).map_err(rule)?;
    let violations = constraints::check(&rel, &value);
    if !violations.is_empty() {
        return Err(GenError::Rules(violations));
    }
    let spec: openapiv3::OpenAPI = serde_json::from_value(value.clone())
        .map_err(|e| GenError::Parse(format!("{rel}: not an OpenAPI 3.0 document: {e}")))?;

    let enums = extensions::enums(&value);
    let ranges = constraints::range_types(&value);
    let replaced: Vec<(String, bool)> = enums
        .iter()
        .map(|e| (e.name.clone(), e.default.is_some()))
        .chain(ranges.iter().map(|r| (r.name.clone(), false)))
        .collect();
    let tokens = run_progenitor(&rel, &spec, &settings(api, &replaced))?;
    let rules = extensions::rules_module(&value);
    let unparsable =
        |e: syn::Error| GenError::Progenitor(format!("{rel}: unparsable generated code: {e}"));
    let mut file: syn::File = syn::parse2(quote! { #tokens #rules }).map_err(unparsable)?;
    let edit = |what: &str| {
        let rel = rel.clone();
        let what = what.to_string();
        move |e: String| GenError::Progenitor(format!("{rel}: {what}: {e}"))
    };
    GateSchemars.visit_file_mut(&mut file);
    crate::send_errors::rewrite(&mut file).map_err(edit("rewriting send() errors"))?;
    messages::rewrite_operation_builders(&mut file).map_err(edit("rewording refusals"))?;
    // Our own additions to `types`: enums, validated integers and lenient field decoders.
    let mut additions: Vec<TokenStream> = enums.iter().map(extensions::enum_tokens).collect();
    additions.extend(ranges.iter().map(extensions::range_tokens));
    let lenient_fields = extensions::field_deserializers(&value);
    let used: Vec<&str> = lenient_fields.iter().map(|(_, _, f)| *f).collect();
    additions.push(extensions::deserializer_functions(&used));
    let additions: syn::File = syn::parse2(quote! { #(#additions)* }).map_err(unparsable)?;
    let types = types_module(&mut file).ok_or_else(|| {
        GenError::Progenitor(format!("{rel}: progenitor emitted no `types` module"))
    })?;
    messages::rewrite_types(types).map_err(edit("rewording refusals"))?;
    types.extend(additions.items);
    nullable::apply(types, &nullable::changes(&value)).map_err(edit("nullable fields"))?;
    mark_lenient_fields(types, &lenient_fields).map_err(edit("field extension"))?;
    Ok(Model {
        rel,
        text,
        operations: spec.operations().count(),
        spec: value,
        file,
    })
}

/// progenitor panics on some inputs the checks do not foresee: report those as one line too.
fn run_progenitor(
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
            Err(GenError::Progenitor(format!(
                "{rel}: progenitor panicked ({msg}); add a rule for this to xtask/src/spec_checks.rs"
            )))
        }
    }
}

/// Moves `schemars::JsonSchema` out of every `#[derive(...)]` into
/// `#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]`, so the schemars
/// dependency stays optional for users.
struct GateSchemars;

impl VisitMut for GateSchemars {
    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        gate_schemars(&mut item.attrs);
        syn::visit_mut::visit_item_struct_mut(self, item);
    }

    fn visit_item_enum_mut(&mut self, item: &mut syn::ItemEnum) {
        gate_schemars(&mut item.attrs);
        syn::visit_mut::visit_item_enum_mut(self, item);
    }
}

fn gate_schemars(attrs: &mut Vec<syn::Attribute>) {
    let mut gated = false;
    for attr in attrs.iter_mut() {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let Ok(paths) = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        let kept: Vec<&syn::Path> = paths
            .iter()
            .filter(|p| quote!(#p).to_string().replace(' ', "") != "schemars::JsonSchema")
            .collect();
        if kept.len() != paths.len() {
            gated = true;
            *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
        }
    }
    if gated {
        attrs.push(syn::parse_quote!(
            #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
        ));
    }
}

fn types_module(file: &mut syn::File) -> Option<&mut Vec<syn::Item>> {
    file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// Adds `#[serde(deserialize_with = "<function>")]` to each `(struct, field, function)`.
fn mark_lenient_fields(
    types: &mut [syn::Item],
    fields: &[(String, String, &str)],
) -> Result<(), String> {
    for (struct_name, field_name, function) in fields {
        let field = types
            .iter_mut()
            .filter_map(|item| match item {
                syn::Item::Struct(s) if s.ident == struct_name => Some(s),
                _ => None,
            })
            .flat_map(|s| s.fields.iter_mut())
            .find(|f| f.ident.as_ref().is_some_and(|i| i == field_name))
            .ok_or_else(|| {
                format!("no field `{struct_name}.{field_name}` in the generated types")
            })?;
        let serde_attrs: Vec<String> = field
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("serde"))
            .map(|a| quote!(#a).to_string())
            .collect();
        if serde_attrs.iter().any(|a| a.contains("deserialize_with")) {
            return Err(format!(
                "`{struct_name}.{field_name}` already has a deserializer (required and nullable?)"
            ));
        }
        // A missing optional field must still decode as `None`: `deserialize_with` needs
        // `default` then; a required field stays required.
        let optional = quote!(#field)
            .to_string()
            .contains(":: std :: option :: Option <");
        let has_default = serde_attrs.iter().any(|a| a.contains("default"));
        field.attrs.push(if optional && !has_default {
            syn::parse_quote!(#[serde(default, deserialize_with = #function)])
        } else {
            syn::parse_quote!(#[serde(deserialize_with = #function)])
        });
    }
    Ok(())
}

/// Structs and enums in the generated `types` module.
fn count_types(file: &syn::File) -> usize {
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref(),
            _ => None,
        })
        .flat_map(|(_, items)| items)
        .filter(|item| matches!(item, syn::Item::Struct(_) | syn::Item::Enum(_)))
        .count()
}

/// "progenitor 0.15.1, typify 0.8.0", read from Cargo.lock so the header never lies.
fn generator_versions(root: &Path) -> String {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap_or_default();
    ["progenitor", "typify"]
        .iter()
        .map(|name| {
            let needle = format!("name = \"{name}\"\nversion = \"");
            let version = lock
                .find(&needle)
                .map(|i| &lock[i + needle.len()..])
                .and_then(|rest| rest.split('"').next())
                .unwrap_or("?");
            format!("{name} {version}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}
