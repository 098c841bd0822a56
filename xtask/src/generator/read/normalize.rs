//! Rewrites of a spec that change nothing its author meant, made before the checks and
//! progenitor read it, so that every later step sees one form:
//!
//! - a `$ref` to `#/components/requestBodies/...` or `#/components/responses/...` is replaced
//!   by what it points to (they are not schemas: nothing is named after them);
//! - a `default` response is split into what progenitor can decode (it panics on a `default`
//!   beside a typed success, taking it for a second success shape): beside a documented
//!   success, `default` describes the errors, and becomes `4XX` and `5XX` (where the spec does
//!   not write those ranges itself); as the only success, it is the answer, `2XX`.

use crate::generator::read::spec::{METHODS, resolve};
use serde_json::Value;

/// Replaces each resolvable `$ref` of a request body or a response by its target (a chain of
/// them too). A `$ref` to nothing is left for the `missing-ref` check to report.
pub fn inline_body_refs(spec: &mut Value) {
    let targets: Vec<(String, Value)> = body_and_response_slots(spec)
        .into_iter()
        .filter_map(|pointer| {
            let mut target = spec.pointer(&pointer)?.clone();
            // A chain ends within as many steps as there are components.
            for _ in 0..64 {
                let Some(reference) = target.get("$ref").and_then(Value::as_str) else {
                    return Some((pointer, target));
                };
                target = resolve(spec, reference)?.clone();
            }
            None
        })
        .collect();
    for (pointer, target) in targets {
        if let Some(slot) = spec.pointer_mut(&pointer) {
            *slot = target;
        }
    }
}

/// The JSON pointers of every operation's `requestBody` and each of its responses.
fn body_and_response_slots(spec: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (path, item) in spec
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let op_ptr = format!(
                "/paths/{}/{method}",
                crate::generator::read::spec::escape(path)
            );
            if op.get("requestBody").is_some() {
                out.push(format!("{op_ptr}/requestBody"));
            }
            for status in op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|r| r.keys())
            {
                out.push(format!(
                    "{op_ptr}/responses/{}",
                    crate::generator::read::spec::escape(status)
                ));
            }
        }
    }
    out
}

/// `default` as an error range beside a documented success, or as the success when it is
/// the only one.
pub fn split_default_responses(spec: &mut Value) {
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut() {
        for method in METHODS {
            let Some(responses) = item
                .get_mut(method)
                .and_then(|op| op.get_mut("responses"))
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            let Some(default) = responses.remove("default") else {
                continue;
            };
            if responses.keys().any(|status| status.starts_with('2')) {
                for range in ["4XX", "5XX"] {
                    if !responses.contains_key(range) {
                        responses.insert(range.to_string(), default.clone());
                    }
                }
            } else {
                responses.insert("2XX".to_string(), default);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Made-up operations: `default` beside a success, alone, and beside an explicit range.
    #[test]
    fn default_is_the_errors_beside_a_success_and_the_answer_alone() {
        let error = json!({"description": "e"});
        let mut spec = json!({"paths": {"/a": {
            "get": {"responses": {"200": {"description": "ok"}, "default": error}},
            "post": {"responses": {"default": {"description": "the answer"}}},
            "put": {"responses": {"204": {"description": "ok"}, "4XX": {"description": "mine"}, "default": error}},
        }}});
        split_default_responses(&mut spec);
        let responses = |method: &str| spec["paths"]["/a"][method]["responses"].clone();
        assert_eq!(
            responses("get"),
            json!({"200": {"description": "ok"}, "4XX": error, "5XX": error})
        );
        assert_eq!(
            responses("post"),
            json!({"2XX": {"description": "the answer"}})
        );
        assert_eq!(
            responses("put"),
            json!({"204": {"description": "ok"}, "4XX": {"description": "mine"}, "5XX": error})
        );
    }

    /// Made-up components: a response and a request body given by `$ref` (one through a
    /// chain), and a `$ref` to nothing, which stays for its check.
    #[test]
    fn body_and_response_refs_are_replaced_by_their_targets() {
        let mut spec = json!({
            "paths": {"/a": {"post": {
                "requestBody": {"$ref": "#/components/requestBodies/B"},
                "responses": {
                    "200": {"$ref": "#/components/responses/Alias"},
                    "404": {"$ref": "#/components/responses/Missing"},
                },
            }}},
            "components": {
                "requestBodies": {"B": {"content": {"application/json": {}}}},
                "responses": {
                    "Alias": {"$ref": "#/components/responses/Ok"},
                    "Ok": {"description": "ok"},
                },
            },
        });
        inline_body_refs(&mut spec);
        let op = &spec["paths"]["/a"]["post"];
        assert_eq!(
            op["requestBody"],
            json!({"content": {"application/json": {}}})
        );
        assert_eq!(op["responses"]["200"], json!({"description": "ok"}));
        assert_eq!(
            op["responses"]["404"],
            json!({"$ref": "#/components/responses/Missing"})
        );
    }
}
