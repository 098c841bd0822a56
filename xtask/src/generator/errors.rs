//! What stops generation, each as readable lines: a broken rule of a spec ([`Violation`]),
//! or a file, parse or progenitor failure ([`GenError`]).

use std::fmt;

/// One broken rule, printed as `file: operation: [rule] message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub file: String,
    pub operation: String,
    pub rule: &'static str,
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: [{}] {}",
            self.file, self.operation, self.rule, self.message
        )
    }
}

/// Why a spec could not be generated: always one readable line per problem.
#[derive(Debug)]
pub enum GenError {
    Io(String),
    Parse(String),
    Rules(Vec<Violation>),
    Progenitor(String),
}

impl fmt::Display for GenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GenError::Io(m) | GenError::Parse(m) | GenError::Progenitor(m) => f.write_str(m),
            GenError::Rules(v) => {
                let lines: Vec<String> = v.iter().map(ToString::to_string).collect();
                f.write_str(&lines.join("\n"))
            }
        }
    }
}
