//! The demo's families: the three of the seed guide (one per demo login) and five more whose
//! children fill the days the guide shows full.

use chrono::{Days, Months, NaiveDate};
use domain::Email;
use domain::ids::{ChildId, FamilyId, derive_id};

use super::catalogue::Site;
use crate::setup::model::{Child, Family};

/// The families that fill the demo's full days, in log order.
const FILLER_NAMES: [&str; 5] = ["PETIT", "DURAND", "LEROY", "MOREAU", "SIMON"];

/// The id of the family with this login (as the setup file derives it).
pub(super) fn family_id(login: &str) -> FamilyId {
    FamilyId::from_uuid(derive_id("family", login))
}

/// The demo's families, the seed guide's by name.
pub(super) struct Households {
    pub(super) dupont: Family,
    pub(super) martin: Family,
    pub(super) bernard: Family,
    /// The other families, whose children fill the full days.
    pub(super) fillers: Vec<Family>,
}

impl Households {
    pub(super) fn new(today: NaiveDate) -> Households {
        Households {
            dupont: dupont(today),
            martin: martin(today),
            bernard: bernard(today),
            fillers: FILLER_NAMES
                .iter()
                .zip(0u32..)
                .map(|(name, n)| filler(today, name, n))
                .collect(),
        }
    }

    /// Every family, in the order of the setup.
    pub(super) fn all(&self) -> Vec<Family> {
        let mut all = vec![
            self.dupont.clone(),
            self.martin.clone(),
            self.bernard.clone(),
        ];
        all.extend(self.fillers.iter().cloned());
        all
    }
}

/// A row of the families table: what differs from one family to the next.
struct Household<'a> {
    login: &'a str,
    title: &'a str,
    payer: &'a str,
    email: Option<&'a str>,
    quotient: Option<u32>,
    /// Key, first name, last name and age of each child.
    children: &'a [(&'a str, &'a str, &'a str, u32)],
}

fn dupont(today: NaiveDate) -> Family {
    let household = Household {
        login: "dupont",
        title: "M.",
        payer: "DUPONT Jean-Paul",
        email: Some("carteplus@wanadoo.fr"),
        quotient: Some(850),
        children: &[
            ("lilou", "Lilou", "DUPONT", 9),
            ("antoine", "Antoine", "DUPONT", 5),
        ],
    };
    family(today, &household)
}

fn martin(today: NaiveDate) -> Family {
    let household = Household {
        login: "martin",
        title: "Mme",
        payer: "MARTIN Sophie",
        email: Some("sophie.martin@example.org"),
        quotient: None,
        children: &[("leo", "Léo", "MARTIN", 10)],
    };
    family(today, &household)
}

fn bernard(today: NaiveDate) -> Family {
    let household = Household {
        login: "bernard",
        title: "M.",
        payer: "BERNARD Luc",
        email: Some("luc.bernard@example.org"),
        quotient: Some(540),
        children: &[("emma", "Emma", "BERNARD", 8)],
    };
    Family {
        dossier_complete: false,
        missing_items: vec![
            "Fiche sanitaire".to_owned(),
            "Attestation d'assurance".to_owned(),
        ],
        ..family(today, &household)
    }
}

/// The `n`-th filler family, two children.
fn filler(today: NaiveDate, name: &str, n: u32) -> Family {
    let lower = name.to_lowercase();
    let login = format!("demo-{lower}");
    let payer = format!("{name} Claire");
    // An address, so the mail of a waitlist promotion has someone to go to.
    let email = format!("claire.{lower}@example.org");
    let household = Household {
        login: &login,
        title: "Mme",
        payer: &payer,
        email: Some(&email),
        quotient: Some(700 + 100 * n),
        children: &[("aine", "Jules", name, 11), ("cadet", "Inès", name, 7)],
    };
    family(today, &household)
}

/// A family of both structures, its file complete.
fn family(today: NaiveDate, household: &Household<'_>) -> Family {
    let mut structures = vec![Site::Quinsac.id(), Site::Latresne.id()];
    structures.sort();
    Family {
        login: household.login.to_owned(),
        id: family_id(household.login),
        title: Some(household.title.to_owned()),
        payer_name: household.payer.to_owned(),
        // Literals of the demo only; each is a valid address.
        email: household.email.and_then(|e| Email::parse(e).ok()),
        phone: None,
        quotient: household.quotient,
        structures,
        dossier_complete: true,
        missing_items: vec![],
        children: household
            .children
            .iter()
            .map(|(key, first, last, age)| Child {
                key: (*key).to_owned(),
                id: ChildId::from_uuid(derive_id("child", &format!("{}/{key}", household.login))),
                first_name: (*first).to_owned(),
                last_name: (*last).to_owned(),
                birth_date: years_before(today, *age) - Days::new(40),
            })
            .collect(),
    }
}

fn years_before(day: NaiveDate, years: u32) -> NaiveDate {
    day.checked_sub_months(Months::new(12 * years))
        .unwrap_or(day)
}
