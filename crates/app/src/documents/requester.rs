//! Who asks for a family's documents: staff (IssueAttestations in one of the family's
//! structures; each look is a line of the access log) or the family itself, only ever its own.

use chrono::{DateTime, NaiveDate, Utc};
use domain::ids::FamilyId;
use domain::staff::Permission;
use rusqlite::Connection;

use super::DocumentRefusal;
use crate::AppError;
use crate::staff::{AccessKind, Acting, record_access};

/// Who asks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Requester {
    /// A staff member, or the operator on the CLI.
    Staff(Acting),
    /// The family logged in on the portal (the family is the session's, never the request's).
    Family(FamilyId),
}

impl Requester {
    /// The actor the document's number is recorded with.
    pub fn actor_text(&self) -> String {
        match self {
            Requester::Staff(by) => by.actor_text(),
            Requester::Family(family) => domain::Actor::Family(*family).to_string(),
        }
    }

    /// Refuses a family other than the requester's own (as an unknown family) and a staff
    /// member without IssueAttestations in the family's structures; writes staff's access line.
    pub(super) fn admit(
        &self,
        conn: &Connection,
        family: FamilyId,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let row =
            projections::family(conn, family, today)?.ok_or(DocumentRefusal::UnknownFamily)?;
        match self {
            Requester::Family(own) if *own == family => Ok(()),
            Requester::Family(_) => Err(DocumentRefusal::UnknownFamily.into()),
            Requester::Staff(by) => {
                by.require_any(Permission::IssueAttestations, &row.structures)?;
                record_access(conn, by, family, AccessKind::FamilyDocument, now)
            }
        }
    }
}
