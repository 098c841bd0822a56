//! TODO(helper): the solos section of the tour.

use crate::Result;

pub async fn run() -> Result {
    Ok(())
}
