//! The setup file: a TOML document written by staff, read into a validated [`Setup`].
//!
//! The format is described for staff in `docs/setup-format.md`; `docs/examples/setup.toml` is a
//! full example. Parsing stops at the first problem and reports it as `file:line: message`, in
//! French, the line pointing at the offending key or value (or at the header of the table that
//! lacks a key).
//!
//! The document is read with `toml::de::DeTable`, which keeps the byte span of every key and
//! value, and walked by hand rather than through `serde`: every message is then ours (French,
//! naming the key), and each error points at the exact value at fault.

use std::collections::BTreeSet;

use domain::Money;
use domain::ids::derive_id;
use domain::ids::{ActivityId, ChildId, FamilyId, StructureId, WalletId};
use domain::pricing::{PricingError, validate_pricing};
use domain::values::{Pricing, QuotientBracket};
use toml::de::DeTable;

use super::model::{Activity, Child, Family, Organisation, Setup, Structure, Wallet};
use super::periods::periods;
use super::toml_reader::{Field, KeyText, Keys, Section, Source};

pub use super::toml_reader::SetupError;

const ROOT_KEYS: &[&str] = &[
    "organisation",
    "wallets",
    "structures",
    "activities",
    "periods",
    "families",
    "staff",
];
const ORGANISATION_KEYS: &[&str] = &[
    "name",
    "address",
    "phone",
    "fax",
    "email",
    "website",
    "debt_threshold",
    "dossier_items",
];
const WALLET_KEYS: &[&str] = &["key", "label"];
const STRUCTURE_KEYS: &[&str] = &["key", "label", "wallet", "welcome"];
const ACTIVITY_KEYS: &[&str] = &[
    "key",
    "structure",
    "label",
    "unit",
    "duree",
    "quantity_per_day",
    "ages",
    "price",
    "quotient_prices",
    "capacity",
    "waitlist",
    "booking_deadline",
    "cancellation_deadline",
    "incompatible_with",
];
const BRACKET_KEYS: &[&str] = &["up_to", "price"];
const FAMILY_KEYS: &[&str] = &[
    "login",
    "title",
    "payer",
    "email",
    "phone",
    "quotient",
    "structures",
    "dossier_complete",
    "missing",
    "children",
];
const CHILD_KEYS: &[&str] = &["key", "first_name", "last_name", "birth_date"];

/// Parses and validates a setup file. `file_name` is only used in error messages.
///
/// Deterministic: the same text always gives an equal [`Setup`]. Entities keep the order of the
/// file; ids are derived from keys with [`derive_id`]; incompatibilities are completed on both
/// sides and sorted by id; weekdays and excluded days are sorted without duplicates.
pub fn parse_setup(text: &str, file_name: &str) -> Result<Setup, SetupError> {
    let src = Source {
        text,
        file: file_name,
    };
    let document = DeTable::parse(text).map_err(|error| src.syntax_error(&error))?;
    let root = Section {
        src,
        table: document.get_ref(),
        span: 0..0,
        name: "le fichier",
    };
    root.only(ROOT_KEYS)?;

    let organisation = match root.get("organisation") {
        Some(field) => organisation(&field.section("[organisation]")?)?,
        None => return Err(src.error(0..0, "section [organisation] manquante")),
    };
    let (wallets, wallet_keys) = wallets(&root)?;
    let (structures, structure_keys) = structures(&root, &wallet_keys)?;
    let (activities, activity_keys) = activities(&root, &structure_keys)?;
    let periods = periods(&root, &activity_keys)?;
    let families = families(&root, &structure_keys)?;
    let staff = super::staff::staff(&root, &structure_keys)?;

    Ok(Setup {
        organisation,
        wallets,
        structures,
        activities,
        periods,
        families,
        staff,
    })
}

// ------------------------------------------------------------------------------ sections

fn organisation(section: &Section<'_, '_>) -> Result<Organisation, SetupError> {
    section.only(ORGANISATION_KEYS)?;
    let debt_threshold = match section.get("debt_threshold") {
        Some(field) => {
            let amount = field.money()?;
            if !amount.is_positive() {
                return Err(field.fail(format!(
                    "« debt_threshold » doit être un montant positif (trouvé : {amount} €)"
                )));
            }
            amount
        }
        None => Money::DEFAULT_DEBT_THRESHOLD,
    };
    Ok(Organisation {
        name: section.require("name")?.mail_header_text()?,
        address: section.require("address")?.free_text()?,
        phone: section.require("phone")?.single_line()?,
        fax: section.get("fax").map(|f| f.single_line()).transpose()?,
        email: section.require("email")?.email()?,
        website: section
            .get("website")
            .map(|f| f.single_line())
            .transpose()?,
        debt_threshold,
        dossier_items: dossier_items(section)?,
    })
}

/// `dossier_items`: the pieces every family's file holds, each once, in the file's order.
fn dossier_items(section: &Section<'_, '_>) -> Result<Vec<String>, SetupError> {
    let Some(field) = section.get("dossier_items") else {
        return Ok(Vec::new());
    };
    let mut items: Vec<String> = Vec::new();
    for item in field.items()? {
        let text = item.single_line()?;
        if items.contains(&text) {
            return Err(item.fail(format!(
                "« {text} » figure deux fois dans « dossier_items »"
            )));
        }
        items.push(text);
    }
    Ok(items)
}

fn wallets<'a>(root: &Section<'a, '_>) -> Result<(Vec<Wallet>, Keys<'a, WalletId>), SetupError> {
    let mut keys = Keys::new(root.src, "un autre porte-monnaie");
    let mut wallets = Vec::new();
    for section in root.array_of_tables("wallets", "[[wallets]]")? {
        section.only(WALLET_KEYS)?;
        let key = section.require("key")?.key()?;
        let id = WalletId::from_uuid(derive_id("wallet", &key.text));
        keys.insert(&key, id)?;
        wallets.push(Wallet {
            key: key.text,
            id,
            label: section.require("label")?.single_line()?,
        });
    }
    Ok((wallets, keys))
}

fn structures<'a>(
    root: &Section<'a, '_>,
    wallets: &Keys<'_, WalletId>,
) -> Result<(Vec<Structure>, Keys<'a, StructureId>), SetupError> {
    let mut keys = Keys::new(root.src, "une autre structure");
    let mut structures = Vec::new();
    for section in root.array_of_tables("structures", "[[structures]]")? {
        section.only(STRUCTURE_KEYS)?;
        let key = section.require("key")?.key()?;
        let id = StructureId::from_uuid(derive_id("structure", &key.text));
        keys.insert(&key, id)?;
        let label = section.require("label")?.single_line()?;
        let wallet = wallets.resolve(&section.require("wallet")?, "porte-monnaie inconnu")?;
        let welcome = match section.get("welcome") {
            Some(field) => field
                .items()?
                .iter()
                .map(Field::free_text)
                .collect::<Result<_, _>>()?,
            None => Vec::new(),
        };
        structures.push(Structure {
            key: key.text,
            id,
            label,
            wallet,
            welcome,
        });
    }
    Ok((structures, keys))
}

/// What [`activities`] remembers of each activity key, to check references to it.
#[derive(Clone, Copy)]
pub(super) struct ActivityRef {
    pub(super) index: usize,
    pub(super) id: ActivityId,
    pub(super) structure: StructureId,
}

fn activities<'a>(
    root: &Section<'a, '_>,
    structures: &Keys<'_, StructureId>,
) -> Result<(Vec<Activity>, Keys<'a, ActivityRef>), SetupError> {
    let mut keys = Keys::new(root.src, "une autre activité");
    let mut activities = Vec::new();
    // The `incompatible_with` lists, resolved once every activity is known.
    let mut incompatibilities = Vec::new();
    for section in root.array_of_tables("activities", "[[activities]]")? {
        section.only(ACTIVITY_KEYS)?;
        let key = section.require("key")?.key()?;
        let id = ActivityId::from_uuid(derive_id("activity", &key.text));
        let structure = structures.resolve(&section.require("structure")?, "structure inconnue")?;
        keys.insert(
            &key,
            ActivityRef {
                index: activities.len(),
                id,
                structure,
            },
        )?;
        let label = section.require("label")?.single_line()?;
        let unit = section.require("unit")?.unit()?;
        let unit_minutes = match section.get("duree") {
            Some(field) => Some(field.duration()?),
            None => None,
        };
        let quantity_per_day = match section.get("quantity_per_day") {
            Some(field) => field.count(1)?,
            None => 1,
        };
        let (age_min, age_max) = section.require("ages")?.ages()?;
        let pricing = pricing(&section)?;
        let capacity = section.require("capacity")?.count(0)?;
        let waitlist_size = match section.get("waitlist") {
            Some(field) => field.count(0)?,
            None => 0,
        };
        let booking_deadline = section.require("booking_deadline")?.deadline()?;
        let cancellation_deadline = section.require("cancellation_deadline")?.deadline()?;
        if let Some(field) = section.get("incompatible_with") {
            incompatibilities.push((activities.len(), key.clone(), field.items()?));
        }
        activities.push(Activity {
            key: key.text,
            id,
            structure,
            label,
            unit,
            unit_minutes,
            quantity_per_day,
            age_min,
            age_max,
            pricing,
            capacity,
            waitlist_size,
            booking_deadline,
            cancellation_deadline,
            incompatible_with: Vec::new(),
        });
    }

    resolve_incompatibilities(&mut activities, &keys, incompatibilities)?;
    Ok((activities, keys))
}

/// Both sides of every `incompatible_with`, sorted by id, without duplicates.
fn resolve_incompatibilities(
    activities: &mut [Activity],
    keys: &Keys<'_, ActivityRef>,
    incompatibilities: Vec<(usize, KeyText, Vec<Field<'_, '_>>)>,
) -> Result<(), SetupError> {
    let mut incompatible: Vec<BTreeSet<ActivityId>> = vec![BTreeSet::new(); activities.len()];
    for (index, key, items) in incompatibilities {
        let this = &activities[index];
        for item in items {
            let other = keys.resolve(&item, "activité inconnue")?;
            if other.id == this.id {
                return Err(item.fail(format!(
                    "l'activité « {} » ne peut pas être incompatible avec elle-même",
                    key.text
                )));
            }
            if other.structure != this.structure {
                return Err(item.fail(format!(
                    "l'activité « {} » ne peut être incompatible qu'avec une activité de sa \
                     structure, or « {} » appartient à une autre structure",
                    key.text, activities[other.index].key
                )));
            }
            incompatible[index].insert(other.id);
            incompatible[other.index].insert(this.id);
        }
    }
    for (activity, incompatible) in activities.iter_mut().zip(incompatible) {
        activity.incompatible_with = incompatible.into_iter().collect();
    }
    Ok(())
}

/// `price = "10.35"` or `quotient_prices = [{ up_to = 600, price = "8.00" }, …, { price = … }]`.
fn pricing(section: &Section<'_, '_>) -> Result<Pricing, SetupError> {
    match (section.get("price"), section.get("quotient_prices")) {
        (Some(_), Some(brackets)) => Err(brackets.fail_at_key(
            "indiquez soit « price » (prix unique), soit « quotient_prices » (prix selon le \
             quotient familial), pas les deux",
        )),
        (None, None) => Err(section.src.error(
            section.span.clone(),
            format!(
                "clé obligatoire « price » (ou « quotient_prices ») manquante dans {}",
                section.name
            ),
        )),
        (Some(price), None) => {
            let pricing = Pricing::Flat {
                amount: price.money()?,
            };
            validate_pricing(&pricing)
                .map_err(|error| price.fail(format!("« price » : {error}")))?;
            Ok(pricing)
        }
        (None, Some(field)) => {
            let items = field.items()?;
            let mut brackets = Vec::with_capacity(items.len());
            for item in &items {
                let bracket = item.section("un élément de « quotient_prices »")?;
                bracket.only(BRACKET_KEYS)?;
                brackets.push(QuotientBracket {
                    up_to: bracket.get("up_to").map(|f| f.count(0)).transpose()?,
                    amount: bracket.require("price")?.money()?,
                });
            }
            let pricing = Pricing::Quotient { brackets };
            if let (Err(error), Pricing::Quotient { brackets }) =
                (validate_pricing(&pricing), &pricing)
            {
                let at = bracket_at_fault(brackets, &error)
                    .and_then(|index| items.get(index))
                    .unwrap_or(&field);
                return Err(at.fail(format!("« quotient_prices » : {error}")));
            }
            Ok(pricing)
        }
    }
}

/// The index of the bracket a pricing error is about, to point at its line.
fn bracket_at_fault(brackets: &[QuotientBracket], error: &PricingError) -> Option<usize> {
    match error {
        PricingError::NoBracket | PricingError::NoPriceInForce => None,
        PricingError::NotIncreasing { next, .. } => {
            let mut previous: Option<u32> = None;
            brackets.iter().position(|bracket| match bracket.up_to {
                Some(up_to) => {
                    let fault = up_to == *next && previous.is_some_and(|p| up_to <= p);
                    previous = Some(up_to);
                    fault
                }
                None => false,
            })
        }
        PricingError::UnboundedBeforeLast { position, .. } => position.checked_sub(1),
        PricingError::LastBracketBounded { .. } => brackets.len().checked_sub(1),
        PricingError::NegativePrice { .. } => brackets
            .iter()
            .position(|bracket| bracket.amount.is_negative()),
    }
}

fn families(
    root: &Section<'_, '_>,
    structures: &Keys<'_, StructureId>,
) -> Result<Vec<Family>, SetupError> {
    let mut logins = Keys::new(root.src, "une autre famille");
    let mut families = Vec::new();
    for section in root.array_of_tables("families", "[[families]]")? {
        section.only(FAMILY_KEYS)?;
        let login = section.require("login")?.login()?;
        let id = FamilyId::from_uuid(derive_id("family", &login.text));
        logins.insert(&login, id)?;
        let title = section
            .get("title")
            .map(|f| f.mail_header_text())
            .transpose()?;
        let payer_name = section.require("payer")?.mail_header_text()?;
        let email = section.get("email").map(|f| f.email()).transpose()?;
        let phone = section.get("phone").map(|f| f.single_line()).transpose()?;
        let quotient = section.get("quotient").map(|f| f.count(0)).transpose()?;

        let structure_ids = family_structures(&section, structures)?;
        let (dossier_complete, missing_items) = dossier(&section)?;
        let children = children(root, &section, &login.text)?;
        families.push(Family {
            login: login.text,
            id,
            title,
            payer_name,
            email,
            phone,
            quotient,
            structures: structure_ids,
            dossier_complete,
            missing_items,
            children,
        });
    }
    Ok(families)
}

/// The structures a family uses, each once.
fn family_structures(
    section: &Section<'_, '_>,
    structures: &Keys<'_, StructureId>,
) -> Result<Vec<StructureId>, SetupError> {
    let list = section.require("structures")?;
    let items = list.items()?;
    if items.is_empty() {
        return Err(list.fail("« structures » : indiquez au moins une structure"));
    }
    let mut structure_ids = Vec::new();
    for item in items {
        let id = structures.resolve(&item, "structure inconnue")?;
        if !structure_ids.contains(&id) {
            structure_ids.push(id);
        }
    }
    Ok(structure_ids)
}

/// `dossier_complete` and `missing`, which must agree.
fn dossier(section: &Section<'_, '_>) -> Result<(bool, Vec<String>), SetupError> {
    let complete_field = section.get("dossier_complete");
    let dossier_complete = match &complete_field {
        Some(field) => field.boolean()?,
        None => true,
    };
    let missing_field = section.get("missing");
    let missing_items: Vec<String> = match &missing_field {
        Some(field) => field
            .items()?
            .iter()
            .map(Field::single_line)
            .collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    match (dossier_complete, &missing_field, &complete_field) {
        (false, _, Some(field)) if missing_items.is_empty() => {
            return Err(field.fail(
                "dossier incomplet (dossier_complete = false) sans pièce manquante : \
                     indiquez les pièces dans « missing »",
            ));
        }
        (true, Some(field), _) if !missing_items.is_empty() => {
            return Err(field.fail(
                "pièces manquantes indiquées pour un dossier complet : mettez \
                     dossier_complete = false, ou videz « missing »",
            ));
        }
        _ => {}
    }
    Ok((dossier_complete, missing_items))
}

/// The `[[families.children]]` of the family whose login is `login`.
fn children(
    root: &Section<'_, '_>,
    section: &Section<'_, '_>,
    login: &str,
) -> Result<Vec<Child>, SetupError> {
    let mut child_keys = Keys::new(
        root.src,
        &format!("un autre enfant de la famille « {login} »"),
    );
    let mut children = Vec::new();
    for child in section.array_of_tables("children", "[[families.children]]")? {
        child.only(CHILD_KEYS)?;
        let key = child.require("key")?.key()?;
        let id = ChildId::from_uuid(derive_id("child", &format!("{login}/{}", key.text)));
        child_keys.insert(&key, id)?;
        children.push(Child {
            key: key.text,
            id,
            first_name: child.require("first_name")?.single_line()?,
            last_name: child.require("last_name")?.single_line()?,
            birth_date: child.require("birth_date")?.date()?,
        });
    }
    Ok(children)
}
