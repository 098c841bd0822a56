//! Step 6, for the reviewer: the public surface of one spec (`surface`), and what an edit
//! changes in it against the accepted snapshot (`report`).

pub mod report;
pub mod surface;
