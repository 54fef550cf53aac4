//! Who acts in a staff use case, with the rights that go with it.

use domain::Actor;
use domain::ids::StructureId;
use domain::staff::{Permission, StaffRights};

use super::{StaffMember, StaffRefusal};

/// A staff member acting (desk, or CLI with `--as LOGIN`), or the operator on the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Acting {
    actor: Actor,
    /// `None`: the operator on the server (`staff:cli`), who may do everything.
    rights: Option<StaffRights>,
}

impl Acting {
    /// The operator on the server, on the CLI without `--as`.
    pub fn operator() -> Acting {
        Acting {
            actor: Actor::StaffCli,
            rights: None,
        }
    }

    /// A staff member with an account.
    pub fn member(member: &StaffMember) -> Acting {
        Acting {
            actor: Actor::Staff(member.staff_id),
            rights: Some(member.rights.clone()),
        }
    }

    /// The actor written in the metadata of the events.
    pub fn actor(&self) -> Actor {
        self.actor
    }

    /// The metadata form of [`Acting::actor`].
    pub fn actor_text(&self) -> String {
        self.actor.to_string()
    }

    /// The member's rights (`None` for the operator on the server).
    pub fn rights(&self) -> Option<&StaffRights> {
        self.rights.as_ref()
    }

    /// Whether `permission` is granted somewhere.
    pub fn may(&self, permission: Permission) -> bool {
        self.rights.as_ref().is_none_or(|r| r.may(permission))
    }

    /// Whether `permission` is granted on `structure`.
    pub fn may_in(&self, permission: Permission, structure: StructureId) -> bool {
        self.rights
            .as_ref()
            .is_none_or(|r| r.may_in(permission, structure))
    }

    /// Refuses unless `permission` is granted (on `structure` when one is given).
    pub fn require(
        &self,
        permission: Permission,
        structure: Option<StructureId>,
    ) -> Result<(), StaffRefusal> {
        let granted = match structure {
            Some(structure) => self.may_in(permission, structure),
            None => self.may(permission),
        };
        if granted {
            Ok(())
        } else {
            Err(StaffRefusal::NotAllowed(permission))
        }
    }

    /// Refuses unless `permission` is granted on at least one of `structures` (a family's).
    pub fn require_any(
        &self,
        permission: Permission,
        structures: &[StructureId],
    ) -> Result<(), StaffRefusal> {
        if structures.iter().any(|s| self.may_in(permission, *s)) {
            Ok(())
        } else {
            Err(StaffRefusal::NotAllowed(permission))
        }
    }
}
