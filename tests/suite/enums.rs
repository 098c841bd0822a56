//! An enum value the spec does not list (a CRM added a status) does not break an answer:
//! for every enum of every API, an undocumented value (made by the generator:
//! `<api>::mock::enum_probes()`) decodes into its `Unknown` variant, shows and is sent back
//! raw, and cannot be made up by users (`FromStr`, `TryFrom` and `from_json` refuse it;
//! `UnknownValue` has no public constructor: see its `compile_fail` doctest). Each API's own
//! file decodes a whole answer with such values and sends them back.

use crate::support::operations::apis;
use crate::support::spec::SpecExamples;

#[test]
fn every_enum_of_every_api_keeps_an_undocumented_value() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for api in apis() {
        for probe in &api.enum_probes {
            match (probe.check)() {
                Ok(refusal) => {
                    assert!(refusal.contains(probe.name), "{}: {refusal}", probe.name);
                    checked += 1;
                }
                Err(why) => failures.push(format!("{} {}: {why}", api.name, probe.name)),
            }
        }
        // Independently of the generator: the spec's enums are exactly the probed ones.
        let spec = SpecExamples::cached(api.name).value();
        let mut listed: Vec<String> = spec["components"]["schemas"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, schema)| schema.get("enum").is_some())
            .map(|(name, _)| name.clone())
            .collect();
        listed.sort();
        let mut probed: Vec<String> = api.enum_probes.iter().map(|p| p.name.to_string()).collect();
        probed.sort();
        assert_eq!(probed, listed, "{}: an enum without a probe", api.name);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    crate::support::assert_every_spec("enums", apis().iter().map(|a| a.name));
    println!("enums: {checked} enums keep an undocumented value");
}
