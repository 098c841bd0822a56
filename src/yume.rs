//! Yume rental CRM: Wazzup message triggers (`specs/yume.yaml`).
//!
//! Production `https://api.yume.cloud`, staging `https://api.stage.yume.cloud`; authenticate
//! with a JWT access token: [`Client::with_bearer_token`]. Integer statuses are Rust enums
//! (`types::TriggerType::OrderPayment`) sent as their integers.

#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub use crate::generated::yume::mock;
pub use crate::generated::yume::rules;
pub use crate::generated::yume::{Client, ClientInfo, Error, ResponseValue, builder, types};
