//! The desk (`/gestion`): what staff do for families and for the centres, each use case taking
//! the acting member (`crate::staff::Acting`) and asking its rights inside the command that
//! records the outcome (or, for a page, before reading).

mod attendance;
mod families;
mod payments;
pub mod phone;

pub use crate::wording::desk::payment_mode_label;
pub use attendance::{
    AttendanceRefusal, AttendanceStructure, Sheet, SheetActivity, SheetRow, WalkInCandidate,
    add_walk_in, attendance_sheet, attendance_structures, mark_attendance, mark_button, mark_label,
    walk_in_candidates,
};
pub use families::{
    ActivationLetter, DeskRefusal, DossierItem, FamilyFile, FamilyHit, FamilySearch, FileChild,
    QuotientPeriod, SEARCH_LIMIT, family_file, issue_activation_code, parse_effective_day,
    parse_quotient, search_families, send_family_reset_link, set_quotient, unlock_login,
    update_dossier,
};
pub use payments::{
    PaymentTarget, Receipt, ReceiptCancellation, amount_in_words, number_in_words, payment_target,
    receipt,
};
