//! What a comparison finds: differences, each with its class (what it means for our users),
//! both JSON pointers, and the note of ours that explains it, if any.

use std::collections::{BTreeMap, BTreeSet};

/// What a difference means for the users of our client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// Our client sends something the vendor refuses, or fails to decode what it may send.
    OursLooser,
    /// Our client refuses something the vendor accepts.
    OursStricter,
    /// Neither: the documents differ, the calls do not.
    DocumentationOnly,
}

impl Class {
    pub const ALL: [Class; 3] = [
        Class::OursLooser,
        Class::OursStricter,
        Class::DocumentationOnly,
    ];

    /// `ours looser`: the report's words.
    pub fn words(self) -> &'static str {
        match self {
            Class::OursLooser => "ours looser",
            Class::OursStricter => "ours stricter",
            Class::DocumentationOnly => "documentation only",
        }
    }

    /// `ours_looser`: the `--json` key.
    pub fn key(self) -> &'static str {
        match self {
            Class::OursLooser => "ours_looser",
            Class::OursStricter => "ours_stricter",
            Class::DocumentationOnly => "documentation_only",
        }
    }
}

/// Which way a value travels: our client sends requests and decodes answers, so the same
/// difference means opposite things on each side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Request,
    Answer,
}

/// `x-vendor-difference` on a node of our spec: `{kind: why}`, the kinds of difference (as
/// the report names them: `enum`, `required`, `body-required`...) it explains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub at: String,
    pub kinds: BTreeMap<String, String>,
}

/// One difference, before the same one found in several operations is merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub class: Class,
    /// What differs: `enum`, `required`, `field`, `operation`... (what a note names).
    pub kind: &'static str,
    /// `PUT /items/{id}/`, or the path alone for what concerns the path.
    pub operation: String,
    /// Where in the operation: `request body .status`, `parameter fields (query)`.
    pub subject: String,
    /// What differs and what it means, in one sentence.
    pub message: String,
    /// JSON pointers: ours, and the vendor's (where the thing is, or would be).
    pub ours: String,
    pub vendor: String,
    /// Why ours differs, from an `x-vendor-difference` note of ours.
    pub explained: Option<String>,
}

/// One line of the report: a difference and every operation it was found in.
#[derive(Debug, Clone)]
pub struct Line {
    pub difference: Difference,
    pub operations: Vec<String>,
}

/// Collects differences, explaining each by the notes of ours it is given, and remembers
/// which notes explained something (a note that explains nothing is reported too).
#[derive(Debug, Default)]
pub struct Sink {
    pub found: Vec<Difference>,
    pub used: BTreeSet<(String, String)>,
}

/// Where a difference is: the operation, the subject and both pointers.
pub struct Place<'a> {
    pub operation: &'a str,
    pub subject: &'a str,
    pub ours: &'a str,
    pub vendor: &'a str,
}

impl Sink {
    /// Records a difference; the first note among `notes` that names `kind` explains it.
    pub fn push(
        &mut self,
        class: Class,
        kind: &'static str,
        place: Place<'_>,
        message: String,
        notes: &[&Note],
    ) {
        let explained = notes
            .iter()
            .find_map(|n| n.kinds.get(kind).map(|why| (n.at.clone(), why.clone())));
        if let Some((at, _)) = &explained {
            self.used.insert((at.clone(), kind.to_string()));
        }
        self.found.push(Difference {
            class,
            kind,
            operation: place.operation.to_string(),
            subject: place.subject.to_string(),
            message,
            ours: place.ours.to_string(),
            vendor: place.vendor.to_string(),
            explained: explained.map(|(_, why)| why),
        });
    }

    /// The differences, the same one found in several operations merged into one line, in
    /// class order, then in the order they were found.
    pub fn lines(&self) -> Vec<Line> {
        let mut lines: Vec<Line> = Vec::new();
        for d in &self.found {
            let same = |l: &&mut Line| {
                let mut key = l.difference.clone();
                key.operation.clone_from(&d.operation);
                key == *d
            };
            match lines.iter_mut().find(same) {
                Some(line) => {
                    if !line.operations.contains(&d.operation) {
                        line.operations.push(d.operation.clone());
                    }
                }
                None => lines.push(Line {
                    difference: d.clone(),
                    operations: vec![d.operation.clone()],
                }),
            }
        }
        lines.sort_by_key(|l| l.difference.class);
        lines
    }
}
