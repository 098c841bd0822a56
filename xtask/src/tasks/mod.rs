//! The maintainers' tasks, each a `cargo xtask` command over the generator and the
//! repository: `generate`/`check`/`surface`, `compare`, `test`/`lint`, `new-api`, `corpus`,
//! `bench`, `mutants`, `release`.

pub mod bench;
pub mod bench_commands;
pub mod compare;
pub mod corpus;
pub mod generate;
pub mod mutants;
pub mod new_api;
pub mod process;
pub mod release;
pub mod semver;
pub mod test;
