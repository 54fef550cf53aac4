//! Changing the family's quotient familial from an effective day on.

use chrono::NaiveDate;
use domain::event::payloads::FamilyQuotientSet;
use domain::ids::FamilyId;
use domain::staff::Permission;

use super::DeskRefusal;
use super::file::family_structures;
use crate::staff::Acting;
use crate::{App, AppError};

/// The highest quotient familial the desk accepts.
const QUOTIENT_MAX: u32 = 100_000;

/// A quotient familial as typed at the desk: a whole number of euros, 0 to 100 000.
pub fn parse_quotient(typed: &str) -> Result<u32, AppError> {
    let text = typed.trim();
    text.parse::<u32>()
        .ok()
        .filter(|q| *q <= QUOTIENT_MAX && text.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| {
            DeskRefusal::InvalidQuotient {
                typed: text.to_owned(),
            }
            .into()
        })
}

/// The day a new quotient applies from, as the form's date field sends it (`AAAA-MM-JJ`).
pub fn parse_effective_day(typed: &str) -> Result<NaiveDate, AppError> {
    domain::calendar::parse_day(typed.trim()).ok_or_else(|| {
        DeskRefusal::InvalidEffectiveDay {
            typed: typed.trim().to_owned(),
        }
        .into()
    })
}

/// Sets the family's quotient from `effective_from` on (`FamilyQuotientSet`): prices of the
/// days from then on follow it. `by` needs `UpdateFamilyFile` on one of its structures.
pub fn set_quotient(
    app: &App,
    by: &Acting,
    family: FamilyId,
    quotient: u32,
    effective_from: NaiveDate,
) -> Result<(), AppError> {
    let acting = by.clone();
    app.execute(&by.actor_text(), move |command| {
        let today = domain::deadline::paris_day(command.now());
        family_structures(
            command.conn(),
            &acting,
            Permission::UpdateFamilyFile,
            family,
            today,
        )?;
        command.emit(FamilyQuotientSet {
            family_id: family,
            effective_from,
            quotient: Some(quotient),
        })?;
        Ok(())
    })
}
