//! What the demo organisation offers: its wallet, its two structures and its six activities,
//! each activity a typed value whose key, label, prices and places are read from one table.

use std::fmt;

use domain::Money;
use domain::ids::{ActivityId, StructureId, WalletId, derive_id};
use domain::values::{Pricing, QuotientBracket, Unit};

use super::world::money;

pub(super) const WALLET: &str = "pe2m";

pub(super) fn wallet_id() -> WalletId {
    WalletId::from_uuid(derive_id("wallet", WALLET))
}

/// The demo's two structures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Site {
    Quinsac,
    Latresne,
}

impl Site {
    pub(super) fn key(self) -> &'static str {
        match self {
            Site::Quinsac => "quinsac",
            Site::Latresne => "latresne",
        }
    }

    pub(super) fn id(self) -> StructureId {
        StructureId::from_uuid(derive_id("structure", self.key()))
    }
}

/// Places per day of "6-12 Matin" in the demo: small, so a few families fill a day.
pub(super) const MATIN_6_12_CAPACITY: u32 = 8;
pub(super) const MATIN_6_12_WAITLIST: u32 = 2;
/// "6-12 Après-midi" is as small, and is cancelled at the latest 8 days before (so the next
/// Wednesday's afternoon is always past its cancellation deadline).
pub(super) const APRES_MIDI_6_12_CAPACITY: u32 = 8;
pub(super) const APRES_MIDI_6_12_WAITLIST: u32 = 2;
const APRES_MIDI_6_12_CANCELLATION_DAYS: u16 = 8;
/// Places, waitlist and deadlines of the other activities.
const CAPACITY: u32 = 24;
const WAITLIST: u32 = 6;
const DEADLINE_DAYS: u16 = 2;

/// The demo's activities, in the order of its setup.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum DemoActivity {
    Matin612,
    ApresMidi612,
    Journee612,
    Matin36,
    Journee36,
    JourneeLatresne,
}

impl DemoActivity {
    pub(super) const ALL: [DemoActivity; 6] = [
        DemoActivity::Matin612,
        DemoActivity::ApresMidi612,
        DemoActivity::Journee612,
        DemoActivity::Matin36,
        DemoActivity::Journee36,
        DemoActivity::JourneeLatresne,
    ];

    pub(super) fn key(self) -> &'static str {
        match self {
            DemoActivity::Matin612 => "alsh-6-12-matin",
            DemoActivity::ApresMidi612 => "alsh-6-12-apres-midi",
            DemoActivity::Journee612 => "alsh-6-12-journee",
            DemoActivity::Matin36 => "alsh-3-6-matin",
            DemoActivity::Journee36 => "alsh-3-6-journee",
            DemoActivity::JourneeLatresne => "alsh-latresne-journee",
        }
    }

    pub(super) fn id(self) -> ActivityId {
        ActivityId::from_uuid(derive_id("activity", self.key()))
    }

    pub(super) fn label(self) -> &'static str {
        match self {
            DemoActivity::Matin612 => "CDC - ALSH 6-12 Matin",
            DemoActivity::ApresMidi612 => "CDC - ALSH 6-12 Après-midi",
            DemoActivity::Journee612 => "CDC - ALSH 6-12 Journée",
            DemoActivity::Matin36 => "CDC - ALSH 3-6 Matin",
            DemoActivity::Journee36 => "CDC - ALSH 3-6 Journée",
            DemoActivity::JourneeLatresne => "CDC - ALSH Latresne Journée",
        }
    }

    pub(super) fn site(self) -> Site {
        match self {
            DemoActivity::JourneeLatresne => Site::Latresne,
            _ => Site::Quinsac,
        }
    }

    pub(super) fn unit(self) -> Unit {
        match self {
            DemoActivity::Matin612 | DemoActivity::Matin36 => Unit::Matin,
            DemoActivity::ApresMidi612 => Unit::ApresMidi,
            DemoActivity::Journee612 | DemoActivity::Journee36 | DemoActivity::JourneeLatresne => {
                Unit::Journee
            }
        }
    }

    /// How long a place lasts, in minutes (the setup's `duree`): Journée 8 h, Matin 4 h,
    /// Après-midi 4 h 30.
    pub(super) fn unit_minutes(self) -> u32 {
        match self.unit() {
            Unit::ApresMidi => 270,
            unit => unit.default_minutes(),
        }
    }

    /// Youngest and oldest age admitted.
    pub(super) fn ages(self) -> (u8, u8) {
        match self {
            DemoActivity::Matin612 | DemoActivity::ApresMidi612 | DemoActivity::Journee612 => {
                (6, 12)
            }
            DemoActivity::Matin36 | DemoActivity::Journee36 => (3, 6),
            DemoActivity::JourneeLatresne => (3, 12),
        }
    }

    pub(super) fn pricing(self) -> Pricing {
        let flat = |text: &str| Pricing::Flat {
            amount: money(text),
        };
        match self {
            DemoActivity::Matin612 => flat("10.35"),
            DemoActivity::ApresMidi612 => flat("8.40"),
            DemoActivity::Journee612 => flat("14.85"),
            DemoActivity::Matin36 => flat("4.75"),
            DemoActivity::Journee36 => flat("6.85"),
            DemoActivity::JourneeLatresne => Pricing::Quotient {
                brackets: vec![
                    QuotientBracket {
                        up_to: Some(600),
                        amount: money("9.50"),
                    },
                    QuotientBracket {
                        up_to: Some(1200),
                        amount: money("12.80"),
                    },
                    QuotientBracket {
                        up_to: None,
                        amount: money("15.60"),
                    },
                ],
            },
        }
    }

    /// The price of one unit of a consumption: the flat amount (the demo's history books no
    /// activity priced by quotient).
    pub(super) fn unit_price(self) -> Money {
        match self.pricing() {
            Pricing::Flat { amount } => amount,
            Pricing::Quotient { .. } => Money::ZERO,
        }
    }

    pub(super) fn quantity_per_day(self) -> u32 {
        match self {
            DemoActivity::Journee36 => 2,
            _ => 1,
        }
    }

    /// Places per day.
    pub(super) fn capacity(self) -> u32 {
        match self {
            DemoActivity::Matin612 => MATIN_6_12_CAPACITY,
            DemoActivity::ApresMidi612 => APRES_MIDI_6_12_CAPACITY,
            _ => CAPACITY,
        }
    }

    pub(super) fn waitlist_size(self) -> u32 {
        match self {
            DemoActivity::Matin612 => MATIN_6_12_WAITLIST,
            DemoActivity::ApresMidi612 => APRES_MIDI_6_12_WAITLIST,
            _ => WAITLIST,
        }
    }

    pub(super) fn booking_days_before(self) -> u16 {
        DEADLINE_DAYS
    }

    pub(super) fn cancellation_days_before(self) -> u16 {
        match self {
            DemoActivity::ApresMidi612 => APRES_MIDI_6_12_CANCELLATION_DAYS,
            _ => DEADLINE_DAYS,
        }
    }

    pub(super) fn incompatible_with(self) -> &'static [DemoActivity] {
        match self {
            DemoActivity::Matin612 | DemoActivity::ApresMidi612 => &[DemoActivity::Journee612],
            DemoActivity::Journee612 => &[DemoActivity::Matin612, DemoActivity::ApresMidi612],
            DemoActivity::Matin36 => &[DemoActivity::Journee36],
            DemoActivity::Journee36 => &[DemoActivity::Matin36],
            DemoActivity::JourneeLatresne => &[],
        }
    }
}

/// The key: derived ids of requests and reservations are built from it.
impl fmt::Display for DemoActivity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}
