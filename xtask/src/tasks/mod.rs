//! The maintainers' tasks, each a `cargo xtask` command over the generator and the
//! repository: `generate`/`check`/`surface`, `test`/`lint`, `new-api`, `corpus`, `bench`,
//! `mutants`.

pub mod bench;
pub mod bench_commands;
pub mod corpus;
pub mod generate;
pub mod mutants;
pub mod new_api;
pub mod process;
pub mod test;
