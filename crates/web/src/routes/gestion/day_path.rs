//! `/gestion/occupation/{activity}/{day}…`: the activity and day a back-office path names, shared
//! by the day's detail (`occupancy`) and its actions (`days`).

use chrono::NaiveDate;
use domain::ids::ActivityId;

use crate::extract::FromPath;

/// An activity id and a day, else the French 404.
#[derive(Clone, Copy, Debug)]
pub(super) struct DayPath {
    pub(super) activity: ActivityId,
    pub(super) day: NaiveDate,
}

impl FromPath for DayPath {
    type Raw = (String, String);
    fn from_path((activity, day): (String, String)) -> Option<DayPath> {
        Some(DayPath {
            activity: activity.parse().ok()?,
            day: domain::calendar::parse_day(&day)?,
        })
    }
}

impl DayPath {
    /// The day's detail page, where every action returns.
    pub(super) fn detail(&self) -> String {
        format!("/gestion/occupation/{}/{}", self.activity, self.day)
    }

    /// One of the day's action pages (`capacite`, `promotion`, `rang`, `fermeture`).
    pub(super) fn action(&self, name: &str) -> String {
        format!("{}/{name}", self.detail())
    }
}
