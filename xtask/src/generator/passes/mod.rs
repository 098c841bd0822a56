//! Step 4: edits of progenitor's output, each where no setting of progenitor or typify
//! does the job (`with_replacement`, `with_patch`, `with_conversion`, `with_inner_type`,
//! `with_pre_hook`/`with_post_hook` were each tried first; every file says which falls
//! short and why). Each reads progenitor's output through `code_model`, and each fails
//! generation when the shape it edits is not there (a progenitor release that moves a
//! token is caught here, not by users).

pub mod derives;
pub mod messages;
pub mod nullable;
pub mod send_errors;
