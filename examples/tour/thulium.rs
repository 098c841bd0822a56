//! TODO(helper): the thulium section of the tour.

use crate::Result;

pub async fn run() -> Result {
    Ok(())
}
