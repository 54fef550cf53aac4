//! The family a phone booking is for, as the desk's pages show it, once the member's rights on
//! it are checked.

use domain::booking::DeadlineRule;
use domain::ids::FamilyId;
use domain::staff::Permission;

use crate::booking::{BookingBlock, family_structures};
use crate::registry::{self, ChildProfile};
use crate::staff::Acting;
use crate::{App, AppError};

/// The family being served on the phone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhoneFamily {
    pub family_id: FamilyId,
    /// « M. DUPONT Jean-Paul ».
    pub addressee: String,
    pub children: Vec<ChildProfile>,
    /// Why the family may not book now, if it may not.
    pub blocked: Option<BookingBlock>,
    /// The member may set a deadline aside for this family (a director of its structures).
    pub may_override: bool,
}

impl PhoneFamily {
    /// The deadlines as this member's pages apply them: set aside for a director (the
    /// calendar offers past-deadline days, « Suivi » past-deadline cancellations; the final
    /// « Valider » still asks for the exception and its reason).
    pub fn deadline(&self) -> DeadlineRule {
        if self.may_override {
            DeadlineRule::SetAside
        } else {
            DeadlineRule::Applies
        }
    }
}

/// The family `family` for a phone booking by `by`: `None` when there is no such family;
/// refused (`StaffRefusal::NotAllowed`) unless `by` may book by phone on one of its structures.
pub fn phone_family(
    app: &App,
    by: &Acting,
    family: FamilyId,
) -> Result<Option<PhoneFamily>, AppError> {
    let today = app.today();
    let Some((account, structures, children)) = app.query(move |conn| {
        let Some(account) = registry::family_account(conn, family)? else {
            return Ok(None);
        };
        let structures = family_structures(conn, family, today)?;
        Ok(Some((
            account,
            structures,
            registry::children_of(conn, family)?,
        )))
    })?
    else {
        return Ok(None);
    };
    by.require_any(Permission::BookByPhone, &structures)?;
    Ok(Some(PhoneFamily {
        family_id: family,
        addressee: account.addressee(),
        children,
        blocked: crate::booking::booking_blocked(app, family)?,
        may_override: by
            .require_any(Permission::OverrideDeadline, &structures)
            .is_ok(),
    }))
}
