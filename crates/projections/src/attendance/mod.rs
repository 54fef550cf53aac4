//! The attendance read model (`projections/attendance.sql`): the last mark of each child on
//! each activity and day.

mod project;
mod query;

pub(crate) use project::apply;
pub use query::{MarkRow, PresenceRow, attendance_mark, marks_of_day, presences_between};
