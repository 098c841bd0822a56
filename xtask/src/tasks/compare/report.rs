//! The report: one line per difference (class, kind, operations, subject, what it means, both
//! JSON pointers, and why ours differs when a note says so), or the same as JSON (`--json`).

use crate::tasks::compare::model::{Class, Line};
use serde_json::{Value, json};

/// What the report is about.
pub struct Header<'a> {
    pub ours: &'a str,
    pub vendor: &'a str,
    pub vendor_version: &'a str,
    pub operations: usize,
    pub matched: usize,
}

/// `(lines, of them explained)` of a class.
fn count(lines: &[Line], class: Class) -> (usize, usize) {
    let of: Vec<&Line> = lines
        .iter()
        .filter(|l| l.difference.class == class)
        .collect();
    let explained = of
        .iter()
        .filter(|l| l.difference.explained.is_some())
        .count();
    (of.len(), explained)
}

pub fn text(header: &Header<'_>, lines: &[Line]) -> String {
    let mut out = format!(
        "{} (ours) against {} (the vendor's, OpenAPI {})\noperations: {} of ours, {} found in the vendor's spec\n",
        header.ours, header.vendor, header.vendor_version, header.operations, header.matched
    );
    let counts: Vec<String> = Class::ALL
        .iter()
        .map(|&class| {
            let (n, explained) = count(lines, class);
            match class {
                Class::OursLooser => {
                    format!("{n} {} ({} unexplained)", class.words(), n - explained)
                }
                _ => format!("{n} {} ({explained} explained)", class.words()),
            }
        })
        .collect();
    out += &format!("differences: {}; {}\n", lines.len(), counts.join(", "));
    for line in lines {
        let d = &line.difference;
        out += &format!(
            "\n{} | {} | {} | {} | {} | ours {} | vendor {}",
            d.class.words(),
            d.kind,
            line.operations.join(", "),
            d.subject,
            d.message,
            d.ours,
            // A note of ours has no counterpart in the vendor's spec.
            if d.vendor.is_empty() {
                "(none)"
            } else {
                &d.vendor
            }
        );
        if let Some(why) = &d.explained {
            out += &format!(" | explained: {why}");
        }
    }
    out + "\n"
}

pub fn json(header: &Header<'_>, lines: &[Line]) -> String {
    let counts: serde_json::Map<String, Value> = Class::ALL
        .iter()
        .map(|&class| {
            let (total, explained) = count(lines, class);
            (
                class.key().to_string(),
                json!({"total": total, "explained": explained}),
            )
        })
        .collect();
    let differences: Vec<Value> = lines
        .iter()
        .map(|line| {
            let d = &line.difference;
            json!({
                "class": d.class.key(),
                "kind": d.kind,
                "operations": line.operations,
                "subject": d.subject,
                "message": d.message,
                "ours": d.ours,
                "vendor": d.vendor,
                "explained": d.explained,
            })
        })
        .collect();
    let report = json!({
        "ours": header.ours,
        "vendor": header.vendor,
        "vendor_openapi": header.vendor_version,
        "operations": {"ours": header.operations, "matched": header.matched},
        "counts": counts,
        "differences": differences,
    });
    serde_json::to_string_pretty(&report).unwrap_or_default() + "\n"
}
