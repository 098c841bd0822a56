//! With the `schemars` feature, every generated type exports its JSON Schema.
#![cfg(all(feature = "schemars", feature = "cscart"))]

#[test]
fn cscart_types_export_their_schema() {
    use crm_bindings::cscart::types::{CallRequest, CallRequestInput};
    let schema = serde_json::to_value(schemars::schema_for!(CallRequest)).unwrap();
    let properties = schema["properties"].as_object().unwrap();
    assert_eq!(properties.len(), 15, "all 15 documented fields: {schema}");
    // schemars lists the three nullable fields as optional, the rest as required.
    assert_eq!(schema["required"].as_array().unwrap().len(), 12, "{schema}");
    assert_eq!(
        schema["properties"]["notes"]["type"],
        serde_json::json!(["string", "null"])
    );
    assert_eq!(
        schema["definitions"]["CallRequestStatus"]["enum"],
        serde_json::json!(["new", "in_progress", "completed", "no_answer"])
    );
    let input = serde_json::to_value(schemars::schema_for!(CallRequestInput)).unwrap();
    assert!(
        input.get("required").is_none(),
        "every input field is optional: {input}"
    );
}
