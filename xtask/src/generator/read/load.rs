//! Reading a spec file: YAML to JSON, with the file named in every error and a key written
//! twice refused with its line.

use crate::generator::errors::GenError;
use serde_json::Value;
use std::path::Path;

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
    let line = crate::generator::read::spec::duplicate_key_line(
        text,
        &key,
        location.line(),
        location.column(),
    )
    .unwrap_or(location.line());
    Some((key, line))
}
