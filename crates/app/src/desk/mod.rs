//! The desk's use cases (`/gestion/…`): what staff do for families and for the centres, each
//! taking the [`crate::staff::Acting`] member and asking its rights inside the command.

mod attendance;

pub use attendance::{
    AttendanceRefusal, AttendanceStructure, Sheet, SheetActivity, SheetRow, WalkInCandidate,
    add_walk_in, attendance_sheet, attendance_structures, mark_attendance, mark_button, mark_label,
    walk_in_candidates,
};
