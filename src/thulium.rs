//! Thulium contact centre: records of CRM-fed outbound campaigns (`specs/thulium.yaml`).
//!
//! Base URL `https://{system}.thulium.com/api`; authenticate as an API user with HTTP Basic:
//! [`Client::with_basic_auth`]. Errors are [`types::ThuliumError`]: a request id and one
//! or more `{message, code}` entries.

#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub use crate::generated::thulium::mock;
pub use crate::generated::thulium::rules;
pub use crate::generated::thulium::{Client, ClientInfo, Error, ResponseValue, builder, types};

/// The wire format of [`types::NextCallDate`]: `YYYY-MM-DD hh:mm`.
const NEXT_CALL_DATE_FORMAT: &str = "%Y-%m-%d %H:%M";

impl From<chrono::NaiveDateTime> for types::NextCallDate {
    /// Formats as `YYYY-MM-DD hh:mm` (seconds are dropped: the API takes minutes).
    fn from(at: chrono::NaiveDateTime) -> Self {
        at.format(NEXT_CALL_DATE_FORMAT)
            .to_string()
            .parse()
            .expect("chrono's `%Y-%m-%d %H:%M` always matches the NextCallDate pattern")
    }
}

impl types::NextCallDate {
    /// The date and time as chrono's type; `None` for a date the calendar does not have
    /// (`2018-02-31 10:00`): the spec's pattern checks the shape, not the calendar.
    pub fn to_naive(&self) -> Option<chrono::NaiveDateTime> {
        chrono::NaiveDateTime::parse_from_str(self, NEXT_CALL_DATE_FORMAT).ok()
    }
}

impl std::fmt::Display for types::ThuliumError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Thulium request {}: ", self.request_id)?;
        for (i, error) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "[{}] {}", error.code, error.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for types::ThuliumError {}
