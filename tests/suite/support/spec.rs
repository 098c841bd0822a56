//! The specs as the tests read them: inputs built from a spec's own examples (the contract,
//! misbehaviour and fuzz suites send what the spec shows), its operations and statuses.

use serde::de::DeserializeOwned;
use serde_json::Value;

pub struct SpecExamples {
    api: String,
    spec: Value,
}

impl SpecExamples {
    pub fn load(api: &str) -> SpecExamples {
        let path = format!("{}/specs/{api}.yaml", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        SpecExamples {
            api: api.to_string(),
            spec: serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}")),
        }
    }

    /// The spec of `api`, parsed once per test binary.
    pub fn cached(api: &str) -> &'static SpecExamples {
        use std::collections::HashMap;
        use std::sync::{LazyLock, Mutex};
        static SPECS: LazyLock<Mutex<HashMap<String, &'static SpecExamples>>> =
            LazyLock::new(Default::default);
        let mut specs = SPECS
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        specs
            .entry(api.to_string())
            .or_insert_with(|| Box::leak(Box::new(SpecExamples::load(api))))
    }

    /// The whole spec, as JSON.
    pub fn value(&self) -> &Value {
        &self.spec
    }

    /// `(method, path, operation)` for every operation, in spec order.
    pub fn operations_with_paths(&self) -> impl Iterator<Item = (&'static str, &str, &Value)> {
        self.spec["paths"]
            .as_object()
            .into_iter()
            .flatten()
            .flat_map(|(path, item)| {
                ["get", "put", "post", "delete", "patch"]
                    .into_iter()
                    .filter_map(move |m| item.get(m).map(|op| (m, path.as_str(), op)))
            })
    }

    /// Follows a local `$ref` (`#/components/...`), borrowing from the spec.
    pub fn resolve_ref<'a>(&'a self, value: &'a Value) -> &'a Value {
        match value["$ref"].as_str() {
            Some(pointer) => self.resolve_ref(
                self.spec
                    .pointer(pointer.trim_start_matches('#'))
                    .unwrap_or_else(|| panic!("{}: dangling {pointer}", self.api)),
            ),
            None => value,
        }
    }

    /// The operation `id` (its object in the spec).
    pub fn operation_by_id(&self, id: &str) -> &Value {
        self.operation(id).1
    }

    /// Every operationId of the spec.
    /// `(name, example as text)` of every path parameter of `operation`.
    pub fn path_examples(&self, operation: &str) -> Vec<(String, String)> {
        let (path, op) = self.operation(operation);
        path.get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .chain(
                op.get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten(),
            )
            .map(|p| self.resolve(p))
            .filter(|p| p["in"] == "path")
            .map(|p| {
                let example = p.get("example").cloned().unwrap_or_default();
                let text = example
                    .as_str()
                    .map_or_else(|| example.to_string(), str::to_string);
                (p["name"].as_str().unwrap_or_default().to_string(), text)
            })
            .collect()
    }

    pub fn operation_ids(&self) -> Vec<String> {
        self.operations()
            .map(|(_, op)| op["operationId"].as_str().unwrap().to_string())
            .collect()
    }

    /// The example of parameter `name` of `operation`, as `T`.
    pub fn param<T: DeserializeOwned>(&self, operation: &str, name: &str) -> T {
        let (path_item, op) = self.operation(operation);
        let param = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(path_item["parameters"].as_array().into_iter().flatten())
            .map(|p| self.resolve(p))
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{}: {operation} has no parameter {name}", self.api));
        self.typed(&param["example"], &format!("{operation}.{name}"))
    }

    /// The example of `operation`'s JSON request body, as `T`.
    pub fn body<T: DeserializeOwned>(&self, operation: &str) -> T {
        let (_, op) = self.operation(operation);
        let media = &op["requestBody"]["content"]["application/json"];
        let example = match &media["example"] {
            Value::Null => &self.resolve(&media["schema"])["example"],
            example => example,
        };
        self.typed(example, &format!("{operation} body"))
    }

    fn typed<T: DeserializeOwned>(&self, example: &Value, what: &str) -> T {
        assert!(!example.is_null(), "{}: no example for {what}", self.api);
        serde_json::from_value(example.clone()).unwrap_or_else(|e| {
            panic!(
                "{}: the example for {what} does not fit its type: {e}",
                self.api
            )
        })
    }

    fn operations(&self) -> impl Iterator<Item = (&Value, &Value)> {
        self.operations_with_paths()
            .map(|(_, path, op)| (&self.spec["paths"][path], op))
    }

    fn operation(&self, id: &str) -> (&Value, &Value) {
        self.operations()
            .find(|(_, op)| op["operationId"] == id)
            .unwrap_or_else(|| panic!("{}: no operation {id}", self.api))
    }

    /// Follows a local `$ref` (`#/components/...`), as an owned value.
    fn resolve(&self, value: &Value) -> Value {
        self.resolve_ref(value).clone()
    }
}
