//! What a spec edit does to users: the public surface the generator emits (`surface.rs`),
//! compared with the committed one (the accepted snapshot,
//! `xtask/tests/snapshots/<api>_surface.snap`), each change marked breaking or additive by
//! Rust's semver rules (the Cargo book's SemVer chapter) for the code the generator writes,
//! where every struct is `#[non_exhaustive]` and every enum keeps unknown values:
//! a removed operation, parameter, field, type or enum value, a changed type, a new required
//! parameter or request field and a tightened constraint are breaking (the last two compile
//! but refuse values that used to be sent, which cargo-semver-checks does not lint); a new
//! operation, type, optional parameter, field (of a request or an answer), enum value or
//! error status and a loosened constraint are additive. `release.rs` turns the verdict into
//! the next version.

use std::collections::BTreeMap;

/// One change, with whether users' code may stop compiling or working.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    pub breaking: bool,
    pub what: String,
}

/// What a release must be to carry some changes, by Rust's semver rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// No change to the public surface (documentation, generated code's internals).
    Patch,
    /// Only additive changes.
    Minor,
    /// At least one breaking change.
    Major,
}

/// The release the surface changes need: `None` when there are none.
pub fn level(changes: &[Change]) -> Option<Level> {
    if changes.iter().any(|c| c.breaking) {
        Some(Level::Major)
    } else if changes.is_empty() {
        None
    } else {
        Some(Level::Minor)
    }
}

/// The surface as items and their member lines: `(section, item) -> (header, members)`.
struct Surface {
    items: BTreeMap<(String, String), (String, BTreeMap<String, String>)>,
}

fn parse(text: &str) -> Surface {
    let mut items = BTreeMap::new();
    let mut section = String::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("# ") {
            section = name.trim().to_string();
            current = None;
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        if let Some(member) = line.strip_prefix("  ") {
            if let Some(key) = &current {
                let name = member_name(member);
                if let Some((_, members)) = items.get_mut(key) {
                    let members: &mut BTreeMap<String, String> = members;
                    members.insert(name, member.to_string());
                }
            }
            continue;
        }
        let name = line
            .split(':')
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        let key = (section.clone(), name);
        items.insert(key.clone(), (line.to_string(), BTreeMap::new()));
        current = Some(key);
    }
    Surface { items }
}

/// A member's identity: `query page`, `body application/json`, `rule`, a field's name, an
/// enum variant's name.
fn member_name(member: &str) -> String {
    let head = member.split(':').next().unwrap_or(member);
    let head = head.split(" = ").next().unwrap_or(head);
    head.trim().to_string()
}

/// The changes from `old` to `new` (surface texts).
pub fn changes(old: &str, new: &str) -> Vec<Change> {
    let (old, new) = (parse(old), parse(new));
    let mut out = Vec::new();
    let mut push = |breaking: bool, what: String| out.push(Change { breaking, what });
    for (key, (header, members)) in &old.items {
        let (section, name) = key;
        let kind = kind_of(section);
        match new.items.get(key) {
            None => push(true, format!("{kind} `{name}` removed")),
            Some((new_header, new_members)) => {
                if header != new_header {
                    push_header_change(&mut push, kind, name, header, new_header);
                }
                let request = new_header.contains("(request body)") || section == "operations";
                for (member, line) in members {
                    match new_members.get(member) {
                        None => push(true, format!("{kind} `{name}`: `{member}` removed")),
                        Some(new_line) if new_line != line => {
                            let (breaking, why) = member_change(line, new_line, request);
                            push(breaking, format!("{kind} `{name}`: `{member}` {why}"));
                        }
                        Some(_) => {}
                    }
                }
                for (member, line) in new_members {
                    if members.contains_key(member) {
                        continue;
                    }
                    let (breaking, what) = added_member(line, request, header.contains("enum"));
                    push(breaking, format!("{kind} `{name}`: {what} `{line}`"));
                }
            }
        }
    }
    for (key, (header, _)) in &new.items {
        if !old.items.contains_key(key) {
            let kind = kind_of(&key.0);
            push(false, format!("new {kind} `{header}`"));
        }
    }
    out.sort();
    out
}

/// An item's own line changed: an operation's answers, a type's kind or its constraints.
fn push_header_change(
    push: &mut impl FnMut(bool, String),
    kind: &str,
    name: &str,
    header: &str,
    new_header: &str,
) {
    let (old_facts, old_ty, old_rules) = facts(header);
    let (new_facts, new_ty, new_rules) = facts(new_header);
    if kind == "type" && old_ty == new_ty && old_facts == new_facts {
        // Only the constraints of a newtype: each way judged like a field's.
        let (tightened, loosened) = compare_rules(&old_rules, &new_rules);
        let mut notes = Vec::new();
        if !tightened.is_empty() {
            notes.push(format!("tightened: {}", tightened.join("; ")));
        }
        if !loosened.is_empty() {
            notes.push(format!("loosened: {}", loosened.join("; ")));
        }
        push(
            !tightened.is_empty(),
            format!("{kind} `{name}` {}", notes.join(", ")),
        );
        return;
    }
    let breaking = !only_added_responses(header, new_header);
    push(
        breaking,
        format!("{kind} `{name}`: `{header}` -> `{new_header}`"),
    );
}

/// What an item of a surface section is called in the report.
fn kind_of(section: &str) -> &'static str {
    match section {
        "operations" => "operation",
        "constructors" => "constructor",
        _ => "type",
    }
}

fn only_added_responses(old: &str, new: &str) -> bool {
    let split = |h: &str| {
        let (head, responses) = h.split_once(" -> ").unwrap_or((h, ""));
        let responses: Vec<String> = responses.split(", ").map(str::to_string).collect();
        (head.to_string(), responses)
    };
    let ((old_head, old_responses), (new_head, new_responses)) = (split(old), split(new));
    old_head == new_head && old_responses.iter().all(|r| new_responses.contains(r))
}

/// A new member: a required parameter or request field breaks callers (what they sent is now
/// refused); anything optional, a field of an answer, an enum value is additive (structs are
/// `#[non_exhaustive]`, enums keep unknown values).
fn added_member(line: &str, request: bool, enumeration: bool) -> (bool, &'static str) {
    if enumeration {
        return (false, "new value");
    }
    let required = facts(line).0.iter().any(|f| f == "required");
    if request && required {
        (true, "new required")
    } else {
        (false, "new")
    }
}

/// `(facts, type, constraints)` of a member line `name: Type, required, nullable [c; c]`.
fn facts(line: &str) -> (Vec<String>, String, Vec<String>) {
    let (body, constraints) = match line.rsplit_once(" [") {
        Some((body, rest)) if rest.ends_with(']') => (
            body,
            rest.trim_end_matches(']')
                .split("; ")
                .map(str::to_string)
                .collect(),
        ),
        _ => (line, Vec::new()),
    };
    let after = body.split_once(": ").map_or(body, |(_, rest)| rest);
    // The type ends at the first ", " outside angle brackets.
    let mut depth = 0;
    let mut end = after.len();
    for (i, c) in after.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth -= 1,
            ',' if depth == 0 => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let ty = after[..end].trim().to_string();
    let facts = after[end..]
        .split(", ")
        .map(|f| f.trim_start_matches(',').trim().to_string())
        .filter(|f| !f.is_empty())
        .collect();
    (facts, ty, constraints)
}

/// How one member changed: `(breaking, description)`.
fn member_change(old: &str, new: &str, request: bool) -> (bool, String) {
    let (old_facts, old_ty, old_rules) = facts(old);
    let (new_facts, new_ty, new_rules) = facts(new);
    if old_ty != new_ty {
        return (true, format!("type `{old_ty}` -> `{new_ty}`"));
    }
    let mut breaking = false;
    let mut notes = Vec::new();
    let required = |f: &[String]| f.iter().any(|x| x == "required");
    if !required(&old_facts) && required(&new_facts) {
        breaking |= request;
        notes.push("now required".to_string());
    } else if required(&old_facts) && !required(&new_facts) {
        notes.push("now optional".to_string());
    }
    let (tightened, loosened) = compare_rules(&old_rules, &new_rules);
    if !tightened.is_empty() {
        breaking = true;
        notes.push(format!("tightened: {}", tightened.join("; ")));
    }
    if !loosened.is_empty() {
        notes.push(format!("loosened: {}", loosened.join("; ")));
    }
    if notes.is_empty() {
        notes.push(format!("`{old}` -> `{new}`"));
    }
    (breaking, notes.join(", "))
}

/// One value's bounds, from the surface's constraint words.
#[derive(Default, Debug)]
struct Bounds {
    min: Option<f64>,
    max: Option<f64>,
    len_min: Option<f64>,
    len_max: Option<f64>,
    others: Vec<String>,
}

fn bounds(rules: &[String], prefix: &str) -> Bounds {
    let mut b = Bounds::default();
    for rule in rules {
        let Some(rule) = rule.strip_prefix(prefix) else {
            continue;
        };
        if prefix.is_empty() && rule.starts_with("each ") {
            continue;
        }
        let number = |s: &str| s.trim().parse::<f64>().ok();
        if let Some(n) = rule.strip_prefix(">= ").and_then(number) {
            b.min = Some(n);
        } else if let Some(n) = rule.strip_prefix("> ").and_then(number) {
            b.min = Some(n + 1.0);
        } else if let Some(n) = rule.strip_prefix("<= ").and_then(number) {
            b.max = Some(n);
        } else if let Some(n) = rule.strip_prefix("< ").and_then(number) {
            b.max = Some(n - 1.0);
        } else if let Some(rest) = rule.strip_prefix("length ") {
            if let Some(n) = rest.strip_prefix(">= ").and_then(number) {
                b.len_min = Some(n);
            } else if let Some(n) = rest.strip_prefix("<= ").and_then(number) {
                b.len_max = Some(n);
            } else if let Some((a, z)) = rest.split_once("..=") {
                b.len_min = number(a);
                b.len_max = number(z);
            } else if let Some(n) = number(rest) {
                b.len_min = Some(n);
                b.len_max = Some(n);
            }
        } else {
            b.others.push(rule.to_string());
        }
    }
    b
}

/// A bound as the spec writes it (`300`, `0.5`), or `none` when it was dropped.
fn shown(bound: Option<f64>) -> String {
    bound.map_or_else(|| "none".to_string(), |b| b.to_string())
}

/// `(tightened, loosened)` descriptions between two constraint lists.
fn compare_rules(old: &[String], new: &[String]) -> (Vec<String>, Vec<String>) {
    let mut tightened = Vec::new();
    let mut loosened = Vec::new();
    for prefix in ["", "each "] {
        let (o, n) = (bounds(old, prefix), bounds(new, prefix));
        let mut lower = |what: &str, a: Option<f64>, b: Option<f64>| match (a, b) {
            (a, Some(b)) if a.is_none_or(|a| b > a) => {
                tightened.push(format!("{prefix}{what} {b}"))
            }
            (Some(a), b) if b.is_none_or(|b| b < a) => {
                loosened.push(format!("{prefix}{what} {a} -> {}", shown(b)))
            }
            _ => {}
        };
        lower("minimum", o.min, n.min);
        lower("minimum length", o.len_min, n.len_min);
        let mut upper = |what: &str, a: Option<f64>, b: Option<f64>| match (a, b) {
            (a, Some(b)) if a.is_none_or(|a| b < a) => {
                tightened.push(format!("{prefix}{what} {b}"))
            }
            (Some(a), b) if b.is_none_or(|b| b > a) => {
                loosened.push(format!("{prefix}{what} {a} -> {}", shown(b)))
            }
            _ => {}
        };
        upper("maximum", o.max, n.max);
        upper("maximum length", o.len_max, n.len_max);
        for rule in &n.others {
            if !o.others.contains(rule) {
                tightened.push(format!("{prefix}{rule}"));
            }
        }
        for rule in &o.others {
            if !n.others.contains(rule) {
                loosened.push(format!("no more {prefix}{rule}"));
            }
        }
    }
    (tightened, loosened)
}

/// The report of one API, for the terminal.
pub fn render(api: &str, changes: &[Change]) -> String {
    if changes.is_empty() {
        return format!("{api}: no change to the public surface\n");
    }
    let breaking = changes.iter().filter(|c| c.breaking).count();
    let mut out = format!(
        "{api}: {} change(s) to the public surface, {breaking} breaking, {} additive\n",
        changes.len(),
        changes.len() - breaking
    );
    for change in changes.iter().rev() {
        let label = if change.breaking {
            "breaking"
        } else {
            "additive"
        };
        out += &format!("  {label}: {}\n", change.what);
    }
    out
}

/// The committed surface of `api`: the accepted snapshot without insta's header (empty when
/// there is none, a new API).
pub fn committed(root: &std::path::Path, api: &str) -> String {
    let path = root.join(format!("xtask/tests/snapshots/{api}_surface.snap"));
    without_snapshot_header(&std::fs::read_to_string(path).unwrap_or_default())
}

/// A surface snapshot's text without insta's header.
pub fn without_snapshot_header(text: &str) -> String {
    match text.strip_prefix("---\n") {
        Some(rest) => rest
            .split_once("\n---\n")
            .map_or("", |(_, body)| body)
            .to_string(),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "# operations
list: GET /a -> 200 A
  query page: Option<NonZeroU64>, optional [>= 1]

# types
A: struct (request body)
  name: Option<String>, optional [length <= 10]
S: enum of strings, undocumented values kept as Unknown
  New = \"new\"
  Done = \"done\"
";

    fn report(new: &str) -> Vec<(bool, String)> {
        changes(OLD, new)
            .into_iter()
            .map(|c| (c.breaking, c.what))
            .collect()
    }

    #[test]
    fn each_kind_of_edit() {
        assert!(report(OLD).is_empty());
        let removed_value = OLD.replace("  Done = \"done\"\n", "");
        assert_eq!(
            report(&removed_value),
            [(true, "type `S`: `Done` removed".to_string())]
        );
        let added_value = OLD.replace(
            "  Done = \"done\"\n",
            "  Done = \"done\"\n  Late = \"late\"\n",
        );
        assert_eq!(
            report(&added_value),
            [(false, "type `S`: new value `Late = \"late\"`".to_string())]
        );
        let optional = OLD.replace("  name:", "  note: Option<String>, optional\n  name:");
        assert_eq!(
            report(&optional),
            [(
                false,
                "type `A`: new `note: Option<String>, optional`".to_string()
            )]
        );
        let required = OLD.replace("  name:", "  id: u64, required\n  name:");
        assert_eq!(
            report(&required),
            [(
                true,
                "type `A`: new required `id: u64, required`".to_string()
            )]
        );
        let tightened = OLD.replace("[length <= 10]", "[length <= 5]");
        assert_eq!(
            report(&tightened),
            [(
                true,
                "type `A`: `name` tightened: maximum length 5".to_string()
            )]
        );
        let loosened = OLD.replace("[>= 1]", "[>= 0]").replace("NonZeroU64", "u64");
        assert_eq!(
            report(&loosened),
            [(
                true,
                "operation `list`: `query page` type `Option<NonZeroU64>` -> `Option<u64>`"
                    .to_string()
            )]
        );
        let new_op = OLD.replace("\n# types", "get: GET /a/{id} -> 200 A\n\n# types");
        assert_eq!(
            report(&new_op),
            [(
                false,
                "new operation `get: GET /a/{id} -> 200 A`".to_string()
            )]
        );
    }

    /// A named type's own constraints: loosened is additive and says the numbers as the spec
    /// writes them; tightened is breaking; a struct made non-exhaustive is breaking.
    #[test]
    fn a_newtype_and_a_struct_header() {
        let old = "# types\nId: newtype String [length <= 255]\n";
        let loosened = changes(old, &old.replace("255", "300"));
        assert_eq!(
            loosened,
            [Change {
                breaking: false,
                what: "type `Id` loosened: maximum length 255 -> 300".to_string()
            }]
        );
        assert_eq!(level(&loosened), Some(Level::Minor));
        let tightened = changes(old, &old.replace("255", "200"));
        assert!(tightened[0].breaking, "{tightened:?}");
        assert_eq!(level(&tightened), Some(Level::Major));
        let open = "# types\nA: struct (request body)\n  a: String, required\n";
        let closed = open.replace("(request body)", "(request body), non-exhaustive");
        assert!(changes(open, &closed)[0].breaking);
        let more = format!("{closed}  b: Option<String>, optional\n");
        assert_eq!(level(&changes(&closed, &more)), Some(Level::Minor));
        assert_eq!(level(&changes(&closed, &closed)), None);
    }

    /// An operation's header: a response added is additive; one removed, or another path,
    /// breaks callers.
    #[test]
    fn response_changes_in_an_operation_header() {
        let more = OLD.replace(
            "list: GET /a -> 200 A",
            "list: GET /a -> 200 A, 400 error E",
        );
        assert_eq!(
            report(&more),
            [(
                false,
                "operation `list`: `list: GET /a -> 200 A` -> `list: GET /a -> 200 A, 400 error E`"
                    .to_string()
            )]
        );
        assert!(changes(&more, OLD)[0].breaking, "a response removed");
        let moved = OLD.replace("list: GET /a -> 200 A", "list: GET /b -> 200 A");
        assert!(changes(OLD, &moved)[0].breaking, "another path");
    }

    /// A parameter is a request member: newly required breaks; an answer's field newly
    /// required does not; a required one made optional is additive.
    #[test]
    fn required_members_of_requests_and_answers() {
        let op = OLD.replace(
            "  query page:",
            "  query size: u64, required\n  query page:",
        );
        assert_eq!(
            report(&op),
            [(
                true,
                "operation `list`: new required `query size: u64, required`".to_string()
            )]
        );
        let answer = OLD.replace("A: struct (request body)", "A: struct");
        let answer_required = answer.replace(
            "name: Option<String>, optional",
            "name: Option<String>, required",
        );
        assert_eq!(
            changes(&answer, &answer_required),
            [Change {
                breaking: false,
                what: "type `A`: `name` now required".to_string()
            }]
        );
        let request_required = OLD.replace(
            "name: Option<String>, optional",
            "name: Option<String>, required",
        );
        assert_eq!(
            report(&request_required),
            [(true, "type `A`: `name` now required".to_string())]
        );
        assert_eq!(
            changes(&request_required, OLD),
            [Change {
                breaking: false,
                what: "type `A`: `name` now optional".to_string()
            }]
        );
        let nullable = OLD.replace(
            "optional [length <= 10]",
            "optional, nullable [length <= 10]",
        );
        assert_eq!(
            report(&nullable),
            [(
                false,
                "type `A`: `name` `name: Option<String>, optional [length <= 10]` -> `name: Option<String>, optional, nullable [length <= 10]`"
                    .to_string()
            )]
        );
    }

    /// Member lines: the type ends at the first comma outside angle brackets; constraints
    /// are the bracketed tail only when it closes.
    #[test]
    fn member_facts_type_and_constraints() {
        assert_eq!(
            facts("m: Map<String, u64>, required, nullable [>= 1; pattern ^a$]"),
            (
                vec!["required".to_string(), "nullable".to_string()],
                "Map<String, u64>".to_string(),
                vec![">= 1".to_string(), "pattern ^a$".to_string()]
            )
        );
        assert_eq!(
            facts("m: String, required [not closed"),
            (
                vec!["required [not closed".to_string()],
                "String".to_string(),
                vec![]
            )
        );
    }

    fn rules(text: &[&str]) -> Vec<String> {
        text.iter().map(|r| r.to_string()).collect()
    }

    /// Exclusive bounds count as the next integer; lengths come as ranges or exact values.
    #[test]
    fn bounds_read_each_constraint_word() {
        let b = bounds(
            &rules(&["> 5", "< 9", "length 3..=7", "each >= 2", "pattern x"]),
            "",
        );
        assert_eq!(
            (b.min, b.max, b.len_min, b.len_max),
            (Some(6.0), Some(8.0), Some(3.0), Some(7.0))
        );
        assert_eq!(b.others, ["pattern x"]);
        let b = bounds(&rules(&["length 4", "each >= 2", "each <= 3"]), "");
        assert_eq!(
            (b.min, b.max, b.len_min, b.len_max),
            (None, None, Some(4.0), Some(4.0))
        );
        let b = bounds(&rules(&["each >= 2", "each <= 3"]), "each ");
        assert_eq!((b.min, b.max), (Some(2.0), Some(3.0)));
    }

    /// A bound raised (minimum) or lowered (maximum), or a new rule, tightens; the other
    /// way, or a bound or rule dropped, loosens; an equal bound is no change.
    #[test]
    fn constraints_tighten_or_loosen() {
        /// Old rules, new rules, tightened, loosened.
        type Case = (
            &'static [&'static str],
            &'static [&'static str],
            &'static [&'static str],
            &'static [&'static str],
        );
        let cases: [Case; 11] = [
            (&[">= 1"], &[">= 1"], &[], &[]),
            (&[">= 1"], &[">= 2"], &["minimum 2"], &[]),
            (&[], &[">= 2"], &["minimum 2"], &[]),
            (&[">= 2"], &[">= 1"], &[], &["minimum 2 -> 1"]),
            (&[">= 2"], &[], &[], &["minimum 2 -> none"]),
            (&["<= 9"], &["<= 9"], &[], &[]),
            (&["<= 9"], &["<= 8"], &["maximum 8"], &[]),
            (&[], &["<= 8"], &["maximum 8"], &[]),
            (&["<= 8"], &["<= 9"], &[], &["maximum 8 -> 9"]),
            (&["<= 8"], &[], &[], &["maximum 8 -> none"]),
            (
                &["each <= 8", "pattern a"],
                &["each <= 7", "pattern b"],
                &["pattern b", "each maximum 7"],
                &["no more pattern a"],
            ),
        ];
        for (old, new, tightened, loosened) in cases {
            assert_eq!(
                compare_rules(&rules(old), &rules(new)),
                (rules(tightened), rules(loosened)),
                "{old:?} -> {new:?}"
            );
        }
    }
}
