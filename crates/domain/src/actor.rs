//! Who acts: the `actor` written in the metadata of every event a command appends.
//!
//! A staff member acting through the desk (or the CLI given `--as LOGIN`) is `staff:<uuid>`;
//! the operator on the server without `--as` is `staff:cli`; a parent is `family:<uuid>`; the
//! service itself is `system:<job>`. Events never carry names: the id leads to the registry.

use std::fmt;
use std::str::FromStr;

use crate::ids::{FamilyId, StaffId};

/// Who acts in a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Actor {
    /// A staff member with an account, on the desk or on the CLI with `--as LOGIN`.
    Staff(StaffId),
    /// The operator on the server, on the CLI without `--as`.
    StaffCli,
    /// A parent on the portal.
    Family(FamilyId),
    /// The service itself: `system:<job>` (transmission, nightly run, portal housekeeping).
    System(&'static str),
}

impl Actor {
    /// The staff member behind this actor, if it is one with an account.
    pub fn staff(&self) -> Option<StaffId> {
        match self {
            Actor::Staff(id) => Some(*id),
            _ => None,
        }
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::Staff(id) => write!(f, "staff:{id}"),
            Actor::StaffCli => f.write_str("staff:cli"),
            Actor::Family(id) => write!(f, "family:{id}"),
            Actor::System(job) => write!(f, "system:{job}"),
        }
    }
}

/// What a stored actor says, read back from an event's metadata (older logs also hold
/// `staff:import`, `staff:payment`, …: those read as the operator on the server).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoredActor {
    Staff(StaffId),
    Operator,
    Family(FamilyId),
    System(String),
    Other(String),
}

impl FromStr for StoredActor {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<StoredActor, Self::Err> {
        let parsed = match text.split_once(':') {
            Some(("staff", rest)) => match rest.parse() {
                Ok(id) => StoredActor::Staff(id),
                Err(_) => StoredActor::Operator,
            },
            Some(("family", rest)) => match rest.parse() {
                Ok(id) => StoredActor::Family(id),
                Err(_) => StoredActor::Other(text.to_owned()),
            },
            Some(("system", rest)) => StoredActor::System(rest.to_owned()),
            _ => StoredActor::Other(text.to_owned()),
        };
        Ok(parsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn a_staff_member_acts_as_staff_uuid_and_reads_back_as_the_same_member() {
        let id = StaffId::from_uuid(Uuid::from_u128(7));
        let written = Actor::Staff(id).to_string();
        assert_eq!(written, "staff:00000000-0000-0000-0000-000000000007");
        assert_eq!(written.parse(), Ok(StoredActor::Staff(id)));
        assert_eq!(Actor::StaffCli.to_string(), "staff:cli");
        assert_eq!("staff:cli".parse(), Ok(StoredActor::Operator));
        assert_eq!("staff:payment".parse(), Ok(StoredActor::Operator));
        assert_eq!(
            Actor::System("transmission").to_string().parse(),
            Ok(StoredActor::System("transmission".to_owned()))
        );
    }
}
