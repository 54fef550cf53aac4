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

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use domain::calendar;
use domain::ids::derive_id;
use domain::ids::{
    ActivityId, BookingWindowId, ChildId, FamilyId, PeriodId, StructureId, WalletId,
};
use domain::pricing::{PricingError, validate_pricing};
use domain::values::{Deadline, Pricing, QuotientBracket, Unit};
use domain::{Email, Money};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::model::{
    Activity, BookingWindow, Child, Family, Organisation, Period, Setup, Structure, Wallet,
};

/// Why a setup file was refused: where (`file:line`, 1-based) and why, in French.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct SetupError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// Default for `[organisation] debt_threshold`: booking is blocked from 30 € owed.
pub const DEFAULT_DEBT_THRESHOLD: &str = "30.00";

const ROOT_KEYS: &[&str] = &[
    "organisation",
    "wallets",
    "structures",
    "activities",
    "periods",
    "families",
];
const ORGANISATION_KEYS: &[&str] = &[
    "name",
    "address",
    "phone",
    "fax",
    "email",
    "website",
    "debt_threshold",
];
const WALLET_KEYS: &[&str] = &["key", "label"];
const STRUCTURE_KEYS: &[&str] = &["key", "label", "wallet", "welcome"];
const ACTIVITY_KEYS: &[&str] = &[
    "key",
    "structure",
    "label",
    "unit",
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
const PERIOD_KEYS: &[&str] = &[
    "key",
    "label",
    "activities",
    "from",
    "to",
    "weekdays",
    "excluded",
    "open_on_public_holidays",
    "booking",
];
const BOOKING_KEYS: &[&str] = &["opens", "closes"];
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

    Ok(Setup {
        organisation,
        wallets,
        structures,
        activities,
        periods,
        families,
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
        None => Money::parse(DEFAULT_DEBT_THRESHOLD).expect("the default threshold is an amount"),
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
    })
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
struct ActivityRef {
    index: usize,
    id: ActivityId,
    structure: StructureId,
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

    // Both sides of every incompatibility, sorted by id, without duplicates.
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
    Ok((activities, keys))
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

fn periods(
    root: &Section<'_, '_>,
    activities: &Keys<'_, ActivityRef>,
) -> Result<Vec<Period>, SetupError> {
    let mut keys = Keys::new(root.src, "une autre période");
    let mut periods: Vec<Period> = Vec::new();
    // Per period already read: its calendar rule and activities, for the overlap check.
    let mut opened: Vec<(calendar::Period, Vec<ActivityId>)> = Vec::new();
    for section in root.array_of_tables("periods", "[[periods]]")? {
        section.only(PERIOD_KEYS)?;
        let key = section.require("key")?.key()?;
        let id = PeriodId::from_uuid(derive_id("period", &key.text));
        keys.insert(&key, id)?;
        let label = section.require("label")?.single_line()?;

        let mut activity_ids = Vec::new();
        let mut references = Vec::new();
        let list = section.require("activities")?;
        let items = list.items()?;
        if items.is_empty() {
            return Err(list.fail("« activities » : indiquez au moins une activité"));
        }
        for item in items {
            let activity = activities.resolve(&item, "activité inconnue")?;
            if !activity_ids.contains(&activity.id) {
                activity_ids.push(activity.id);
                references.push((activity.id, item));
            }
        }

        let from = section.require("from")?;
        let to = section.require("to")?;
        let (first_day, last_day) = (from.date()?, to.date()?);
        if first_day > last_day {
            return Err(to.fail(format!(
                "la période se termine (to = {last_day}) avant de commencer (from = {first_day})"
            )));
        }
        let weekdays = section.require("weekdays")?.weekdays()?;
        let excluded_days = match section.get("excluded") {
            Some(field) => {
                let mut days = BTreeSet::new();
                for item in field.items()? {
                    let day = item.date()?;
                    if day < first_day || last_day < day {
                        return Err(item.fail(format!(
                            "« excluded » : le {day} est en dehors de la période \
                             ({first_day} – {last_day})"
                        )));
                    }
                    days.insert(day);
                }
                days.into_iter().collect()
            }
            None => Vec::new(),
        };
        let open_on_public_holidays = match section.get("open_on_public_holidays") {
            Some(field) => field.boolean()?,
            None => false,
        };
        let rule = calendar::Period {
            first_day,
            last_day,
            weekdays: weekdays.clone(),
            excluded_days: excluded_days.clone(),
            open_on_public_holidays,
        };
        if calendar::OpeningCalendar::new(vec![rule.clone()])
            .open_days(first_day, last_day)
            .is_empty()
        {
            return Err(section.src.error(
                section.span.clone(),
                format!(
                    "la période « {} » n'ouvre aucun jour (vérifiez from, to, weekdays, \
                     excluded et les jours fériés)",
                    key.text
                ),
            ));
        }
        let booking = match section.get("booking") {
            Some(field) => Some(booking_window(&field, &key.text)?),
            None => None,
        };

        // Two periods must not open the same activity on the same day: the day would be
        // defined twice, and the importer could not tell which definition wins.
        for (earlier_index, (earlier, earlier_refs)) in opened.iter().enumerate() {
            let shared = references.iter().find(|(id, _)| earlier_refs.contains(id));
            let Some((_, item)) = shared else {
                continue;
            };
            if let Some(day) = first_common_day(earlier, &rule) {
                let earlier_key = &periods[earlier_index].key;
                return Err(item.fail(format!(
                    "l'activité « {} » est déjà ouverte le {day} par la période « {earlier_key} » \
                     (ligne {}) : deux périodes ne peuvent pas ouvrir la même activité le même \
                     jour",
                    item.as_str().unwrap_or_default(),
                    keys.line_of(earlier_key),
                )));
            }
        }
        opened.push((rule, activity_ids.clone()));

        periods.push(Period {
            key: key.text,
            id,
            label,
            activities: activity_ids,
            first_day,
            last_day,
            weekdays,
            excluded_days,
            open_on_public_holidays,
            booking,
        });
    }
    Ok(periods)
}

/// The first day both periods open, if any.
fn first_common_day(a: &calendar::Period, b: &calendar::Period) -> Option<NaiveDate> {
    let from = a.first_day.max(b.first_day);
    let to = a.last_day.min(b.last_day);
    calendar::OpeningCalendar::new(vec![a.clone()])
        .open_days(from, to)
        .into_iter()
        .find(|day| b.opens(*day))
}

fn booking_window(field: &Field<'_, '_>, period_key: &str) -> Result<BookingWindow, SetupError> {
    let section = field.section("« booking »")?;
    section.only(BOOKING_KEYS)?;
    let opens_field = section.require("opens")?;
    let closes_field = section.require("closes")?;
    let opens_at = opens_field.paris_instant(Repeated::Earlier)?;
    let closes_at = closes_field.paris_instant(Repeated::Later)?;
    if opens_at >= closes_at {
        return Err(closes_field.fail(format!(
            "la réservation doit ouvrir avant de fermer (opens = {}, closes = {})",
            opens_field.display_text(),
            closes_field.display_text()
        )));
    }
    Ok(BookingWindow {
        id: BookingWindowId::from_uuid(derive_id("booking-window", period_key)),
        opens_at,
        closes_at,
    })
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

        let mut child_keys = Keys::new(
            root.src,
            &format!("un autre enfant de la famille « {} »", login.text),
        );
        let mut children = Vec::new();
        for child in section.array_of_tables("children", "[[families.children]]")? {
            child.only(CHILD_KEYS)?;
            let key = child.require("key")?.key()?;
            let id =
                ChildId::from_uuid(derive_id("child", &format!("{}/{}", login.text, key.text)));
            child_keys.insert(&key, id)?;
            children.push(Child {
                key: key.text,
                id,
                first_name: child.require("first_name")?.single_line()?,
                last_name: child.require("last_name")?.single_line()?,
                birth_date: child.require("birth_date")?.date()?,
            });
        }

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

// ------------------------------------------------------------------------------ plumbing

type Node<'i> = Spanned<DeValue<'i>>;

/// The text being parsed, to turn byte offsets into line numbers.
#[derive(Clone, Copy)]
struct Source<'s> {
    text: &'s str,
    file: &'s str,
}

impl Source<'_> {
    /// 1-based line of a byte offset.
    fn line(&self, offset: usize) -> usize {
        let bytes = self.text.as_bytes();
        let before = bytes.get(..offset).unwrap_or(bytes);
        before.iter().filter(|byte| **byte == b'\n').count() + 1
    }

    fn error(&self, span: Range<usize>, message: impl Into<String>) -> SetupError {
        SetupError {
            file: self.file.to_owned(),
            line: self.line(span.start),
            message: message.into(),
        }
    }

    fn syntax_error(&self, error: &toml::de::Error) -> SetupError {
        let detail = error.message().lines().next().unwrap_or_default();
        let message = match detail {
            "duplicate key" => {
                "syntaxe TOML invalide : clé ou table déjà définie plus haut".to_owned()
            }
            _ if detail.starts_with("string values must be quoted") => {
                "syntaxe TOML invalide : un texte doit être entre guillemets".to_owned()
            }
            _ => format!("syntaxe TOML invalide ({detail})"),
        };
        self.error(error.span().unwrap_or(0..0), message)
    }
}

/// A table of the file, with how it is named in messages.
struct Section<'a, 'i> {
    src: Source<'a>,
    table: &'a DeTable<'i>,
    /// The table header (`[[activities]]`), or the inline table.
    span: Range<usize>,
    name: &'static str,
}

impl<'a, 'i> Section<'a, 'i> {
    /// Refuses any key not in `allowed` (the first one in the file).
    fn only(&self, allowed: &[&str]) -> Result<(), SetupError> {
        let unknown = self
            .table
            .iter()
            .filter(|(key, _)| !allowed.contains(&key.get_ref().as_ref()))
            .min_by_key(|(key, _)| key.span().start);
        match unknown {
            Some((key, _)) => Err(self.src.error(
                key.span(),
                format!(
                    "clé inconnue « {} » dans {} (clés possibles : {})",
                    key.get_ref(),
                    self.name,
                    allowed.join(", ")
                ),
            )),
            None => Ok(()),
        }
    }

    fn get(&self, key: &'static str) -> Option<Field<'a, 'i>> {
        self.table.get_key_value(key).map(|(key_node, node)| Field {
            src: self.src,
            key,
            key_span: key_node.span(),
            node,
        })
    }

    fn require(&self, key: &'static str) -> Result<Field<'a, 'i>, SetupError> {
        self.get(key).ok_or_else(|| {
            self.src.error(
                self.span.clone(),
                format!("clé obligatoire « {key} » manquante dans {}", self.name),
            )
        })
    }

    /// The tables of `[[key]]` (none when the key is absent).
    fn array_of_tables(
        &self,
        key: &'static str,
        name: &'static str,
    ) -> Result<Vec<Section<'a, 'i>>, SetupError> {
        let Some(field) = self.get(key) else {
            return Ok(Vec::new());
        };
        let DeValue::Array(items) = field.node.get_ref() else {
            return Err(field.fail(format!(
                "« {key} » doit être une liste de tables, écrites {name}"
            )));
        };
        items
            .iter()
            .map(|node| {
                Field {
                    node,
                    ..field.clone()
                }
                .section(name)
            })
            .collect()
    }
}

/// One value of the file and the key it was given under.
#[derive(Clone)]
struct Field<'a, 'i> {
    src: Source<'a>,
    key: &'static str,
    key_span: Range<usize>,
    node: &'a Node<'i>,
}

/// A key of an entity (or a family login), with where it was written.
#[derive(Clone)]
struct KeyText {
    text: String,
    span: Range<usize>,
}

/// Which instant to take for a Paris local time that happens twice (autumn back).
#[derive(Clone, Copy)]
enum Repeated {
    Earlier,
    Later,
}

impl<'a, 'i> Field<'a, 'i> {
    fn fail(&self, message: impl Into<String>) -> SetupError {
        self.src.error(self.node.span(), message)
    }

    fn fail_at_key(&self, message: impl Into<String>) -> SetupError {
        self.src.error(self.key_span.clone(), message)
    }

    fn wrong_type(&self, expected: &str) -> SetupError {
        self.fail(format!(
            "« {} » doit être {expected} (trouvé : {})",
            self.key,
            describe(self.node.get_ref())
        ))
    }

    fn as_str(&self) -> Option<&'a str> {
        match self.node.get_ref() {
            DeValue::String(text) => Some(text.as_ref()),
            _ => None,
        }
    }

    /// The value as written, for messages.
    fn display_text(&self) -> String {
        match self.node.get_ref() {
            DeValue::String(text) => text.to_string(),
            DeValue::Datetime(datetime) => datetime.to_string(),
            other => describe(other).to_owned(),
        }
    }

    fn section(&self, name: &'static str) -> Result<Section<'a, 'i>, SetupError> {
        match self.node.get_ref() {
            DeValue::Table(table) => Ok(Section {
                src: self.src,
                table,
                span: self.node.span(),
                name,
            }),
            _ => Err(self.wrong_type(&format!("une table ({name})"))),
        }
    }

    /// The elements of a list, each under the list's key.
    fn items(&self) -> Result<Vec<Field<'a, 'i>>, SetupError> {
        match self.node.get_ref() {
            DeValue::Array(items) => Ok(items
                .iter()
                .map(|node| Field {
                    node,
                    ..self.clone()
                })
                .collect()),
            _ => Err(self.wrong_type("une liste entre crochets [ … ]")),
        }
    }

    fn string(&self) -> Result<&'a str, SetupError> {
        self.as_str()
            .ok_or_else(|| self.wrong_type("un texte entre guillemets"))
    }

    /// A non-empty text, trimmed; line breaks allowed (addresses, welcome messages).
    fn free_text(&self) -> Result<String, SetupError> {
        let text = self.string()?.trim();
        if text.is_empty() {
            return Err(self.fail(format!("« {} » ne doit pas être vide", self.key)));
        }
        if text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(self.fail(format!(
                "« {} » contient un caractère de contrôle invisible",
                self.key
            )));
        }
        Ok(text.to_owned())
    }

    /// A non-empty one-line text, trimmed.
    fn single_line(&self) -> Result<String, SetupError> {
        self.one_line("")
    }

    /// A one-line text that may be written into a mail header (names, subjects): a line break
    /// there could inject headers, so it is refused with that reason.
    fn mail_header_text(&self) -> Result<String, SetupError> {
        self.one_line(" (ce texte peut figurer dans l'en-tête d'un courriel)")
    }

    fn one_line(&self, why: &str) -> Result<String, SetupError> {
        let text = self.string()?.trim();
        if text.is_empty() {
            return Err(self.fail(format!("« {} » ne doit pas être vide", self.key)));
        }
        if text.chars().any(is_line_break) {
            return Err(self.fail(format!(
                "« {} » ne doit pas contenir de retour à la ligne{why}",
                self.key
            )));
        }
        if text.chars().any(char::is_control) {
            return Err(self.fail(format!(
                "« {} » contient un caractère de contrôle invisible{why}",
                self.key
            )));
        }
        Ok(text.to_owned())
    }

    /// An entity key: the stable name its id is derived from.
    fn key(&self) -> Result<KeyText, SetupError> {
        let text = self.string()?;
        if text.is_empty() {
            return Err(self.fail(format!("« {} » ne doit pas être vide", self.key)));
        }
        let valid = text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        if !valid {
            return Err(self.fail(format!(
                "clé invalide « {text} » : uniquement des lettres minuscules sans accent, des \
                 chiffres, « . », « - » ou « _ » (elle sert à calculer l'identifiant)"
            )));
        }
        Ok(KeyText {
            text: text.to_owned(),
            span: self.node.span(),
        })
    }

    fn login(&self) -> Result<KeyText, SetupError> {
        let text = self.string()?;
        let valid = (2..=40).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        if !valid {
            return Err(self.fail(format!(
                "identifiant de connexion invalide « {} » : de 2 à 40 caractères parmi les \
                 lettres minuscules sans accent, les chiffres, « . », « - » et « _ »",
                text.escape_debug()
            )));
        }
        Ok(KeyText {
            text: text.to_owned(),
            span: self.node.span(),
        })
    }

    fn email(&self) -> Result<Email, SetupError> {
        let text = self.mail_header_text()?;
        Email::parse(&text).map_err(|_| {
            self.fail(format!(
                "« {} » : adresse électronique invalide « {text} » (exemple : \
                 accueil@exemple.fr)",
                self.key
            ))
        })
    }

    fn boolean(&self) -> Result<bool, SetupError> {
        match self.node.get_ref() {
            DeValue::Boolean(value) => Ok(*value),
            _ => Err(self.wrong_type("true ou false (sans guillemets)")),
        }
    }

    /// A whole number of at least `min`, as a `u32`.
    fn count(&self, min: u32) -> Result<u32, SetupError> {
        let DeValue::Integer(integer) = self.node.get_ref() else {
            return Err(self.wrong_type("un nombre entier (sans guillemets)"));
        };
        let value = i128::from_str_radix(integer.as_str(), integer.radix())
            .map_err(|_| self.wrong_type("un nombre entier"))?;
        if value < i128::from(min) {
            return Err(self.fail(if min == 0 {
                format!(
                    "« {} » doit être un entier positif ou nul (trouvé : {value})",
                    self.key
                )
            } else {
                format!(
                    "« {} » doit être un entier d'au moins {min} (trouvé : {value})",
                    self.key
                )
            }));
        }
        u32::try_from(value).map_err(|_| {
            self.fail(format!(
                "« {} » : {value} est trop grand (au plus {})",
                self.key,
                u32::MAX
            ))
        })
    }

    /// An amount of euros: `"10.35"` (or a whole number). Floats are refused: they are inexact.
    fn money(&self) -> Result<Money, SetupError> {
        let text = match self.node.get_ref() {
            DeValue::String(text) => text.to_string(),
            DeValue::Integer(integer) if integer.radix() == 10 => integer.as_str().to_owned(),
            DeValue::Float(float) => {
                return Err(self.fail(format!(
                    "« {} » : écrivez le montant entre guillemets, par exemple \"{}\" (un nombre \
                     à virgule sans guillemets serait arrondi)",
                    self.key,
                    float.as_str()
                )));
            }
            _ => return Err(self.wrong_type("un montant entre guillemets, par exemple \"10.35\"")),
        };
        Money::parse(&text).map_err(|error| self.fail(format!("« {} » : {error}", self.key)))
    }

    /// A day, `"2027-01-06"` (or a TOML date written without quotes).
    fn date(&self) -> Result<NaiveDate, SetupError> {
        let text = match self.node.get_ref() {
            DeValue::String(text) => text.to_string(),
            DeValue::Datetime(datetime)
                if datetime.date.is_some()
                    && datetime.time.is_none()
                    && datetime.offset.is_none() =>
            {
                datetime.to_string()
            }
            _ => return Err(self.wrong_type("une date \"AAAA-MM-JJ\"")),
        };
        parse_date(&text).map_err(|problem| {
            self.fail(format!(
                "« {} » : date invalide « {text} » ({})",
                self.key,
                problem.explain()
            ))
        })
    }

    /// A Paris local date and time, `"2026-08-24 08:30"`, as a UTC instant.
    fn paris_instant(&self, repeated: Repeated) -> Result<DateTime<Utc>, SetupError> {
        let local = match self.node.get_ref() {
            DeValue::String(text) => parse_local_datetime(text).ok_or_else(|| {
                self.fail(format!(
                    "« {} » : date et heure invalides « {text} » (format attendu \
                     « AAAA-MM-JJ HH:MM », heure de Paris, par exemple « 2026-08-24 08:30 »)",
                    self.key
                ))
            })?,
            DeValue::Datetime(datetime)
                if datetime.date.is_some()
                    && datetime.time.is_some()
                    && datetime.offset.is_none() =>
            {
                native_local_datetime(datetime).ok_or_else(|| {
                    self.fail(format!(
                        "« {} » : date et heure invalides « {datetime} »",
                        self.key
                    ))
                })?
            }
            _ => {
                return Err(self.wrong_type(
                    "une date et une heure de Paris \"AAAA-MM-JJ HH:MM\", par exemple \
                     \"2026-08-24 08:30\"",
                ));
            }
        };
        match Paris.from_local_datetime(&local) {
            LocalResult::Single(instant) => Ok(instant.with_timezone(&Utc)),
            LocalResult::Ambiguous(earlier, later) => Ok(match repeated {
                Repeated::Earlier => earlier.with_timezone(&Utc),
                Repeated::Later => later.with_timezone(&Utc),
            }),
            LocalResult::None => Err(self.fail(format!(
                "« {} » : l'heure {} n'existe pas le {} à Paris (passage à l'heure d'été : \
                 les horloges sautent de 02:00 à 03:00)",
                self.key,
                local.time().format("%H:%M"),
                local.date()
            ))),
        }
    }

    /// `"J-2 18:00"`: the day minus 2, at 18:00 Paris time.
    fn deadline(&self) -> Result<Deadline, SetupError> {
        let text = self.string()?;
        parse_deadline(text).ok_or_else(|| {
            self.fail(format!(
                "« {} » : délai invalide « {text} » (format attendu « J-x HH:MM », par exemple \
                 « J-2 18:00 » : deux jours avant, à 18 h)",
                self.key
            ))
        })
    }

    fn unit(&self) -> Result<Unit, SetupError> {
        let text = self.string()?;
        let unit = match fold(text).replace(['-', ' '], "_").as_str() {
            "matin" => Unit::Matin,
            "apres_midi" => Unit::ApresMidi,
            "journee" => Unit::Journee,
            "repas" => Unit::Repas,
            "soir" => Unit::Soir,
            _ => {
                return Err(self.fail(format!(
                    "« unit » : unité inconnue « {text} » (matin, apres_midi, journee, repas \
                     ou soir)"
                )));
            }
        };
        Ok(unit)
    }

    /// `[min, max]`, in whole years.
    fn ages(&self) -> Result<(u8, u8), SetupError> {
        let items = self.items()?;
        let [min, max] = items.as_slice() else {
            return Err(self
                .fail("« ages » doit indiquer deux âges [minimum, maximum], par exemple [6, 12]"));
        };
        let age = |field: &Field<'_, '_>| {
            let years = field.count(0)?;
            u8::try_from(years).map_err(|_| {
                field.fail(format!("« ages » : {years} ans n'est pas un âge possible"))
            })
        };
        let (min, max) = (age(min)?, age(max)?);
        if min > max {
            return Err(self.fail(format!(
                "« ages » : l'âge minimum ({min}) dépasse l'âge maximum ({max})"
            )));
        }
        Ok((min, max))
    }

    /// French weekday names, as ISO numbers sorted without duplicates.
    fn weekdays(&self) -> Result<Vec<u8>, SetupError> {
        let items = self.items()?;
        if items.is_empty() {
            return Err(
                self.fail("« weekdays » : indiquez au moins un jour, par exemple [\"mercredi\"]")
            );
        }
        let mut days = BTreeSet::new();
        for item in items {
            let name = item.string()?;
            let folded = fold(name.trim());
            let number = domain::wording::WEEKDAY_NAMES
                .iter()
                .zip(1u8..)
                .find(|(day, _)| **day == folded)
                .map(|(_, number)| number)
                .ok_or_else(|| {
                    item.fail(format!(
                        "« weekdays » : jour inconnu « {name} » (lundi, mardi, mercredi, jeudi, \
                         vendredi, samedi ou dimanche)"
                    ))
                })?;
            days.insert(number);
        }
        Ok(days.into_iter().collect())
    }
}

/// Keys already seen for one kind of entity: refuses duplicates, resolves references.
struct Keys<'s, T> {
    src: Source<'s>,
    /// "un autre porte-monnaie": what a duplicate collides with.
    what: String,
    known: HashMap<String, (T, Range<usize>)>,
}

impl<'s, T: Copy> Keys<'s, T> {
    fn new(src: Source<'s>, what: &str) -> Self {
        Keys {
            src,
            what: what.to_owned(),
            known: HashMap::new(),
        }
    }

    fn insert(&mut self, key: &KeyText, value: T) -> Result<(), SetupError> {
        if let Some((_, first)) = self.known.get(&key.text) {
            return Err(self.src.error(
                key.span.clone(),
                format!(
                    "« {} » est déjà utilisé par {} (ligne {})",
                    key.text,
                    self.what,
                    self.src.line(first.start)
                ),
            ));
        }
        self.known
            .insert(key.text.clone(), (value, key.span.clone()));
        Ok(())
    }

    /// The entity a reference names; `unknown` is "structure inconnue"…
    fn resolve(&self, field: &Field<'_, '_>, unknown: &str) -> Result<T, SetupError> {
        let key = field.string()?;
        self.known
            .get(key)
            .map(|(value, _)| *value)
            .ok_or_else(|| field.fail(format!("« {} » : {unknown} « {key} »", field.key)))
    }

    fn line_of(&self, key: &str) -> usize {
        self.known
            .get(key)
            .map_or(0, |(_, span)| self.src.line(span.start))
    }
}

// ------------------------------------------------------------------------------ small parsers

fn describe(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "un texte",
        DeValue::Integer(_) => "un nombre entier",
        DeValue::Float(_) => "un nombre à virgule",
        DeValue::Boolean(_) => "un booléen",
        DeValue::Datetime(_) => "une date",
        DeValue::Array(_) => "une liste",
        DeValue::Table(_) => "une table",
    }
}

fn is_line_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{0085}' | '\u{2028}' | '\u{2029}')
}

/// Lower case without French accents: "Mercredi" and "MERCRÉDI" fold alike.
fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            other => other,
        })
        .collect()
}

enum DateProblem {
    Shape,
    NoSuchDay,
}

impl DateProblem {
    fn explain(&self) -> &'static str {
        match self {
            DateProblem::Shape => "format attendu AAAA-MM-JJ, par exemple 2027-01-06",
            DateProblem::NoSuchDay => "ce jour n'existe pas",
        }
    }
}

/// `YYYY-MM-DD`, exactly.
fn parse_date(text: &str) -> Result<NaiveDate, DateProblem> {
    if !domain::calendar::is_day_shaped(text) {
        return Err(DateProblem::Shape);
    }
    let number = |range: Range<usize>| text.get(range).and_then(|digits| digits.parse().ok());
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return Err(DateProblem::Shape);
    };
    let year = i32::try_from(year).map_err(|_| DateProblem::Shape)?;
    NaiveDate::from_ymd_opt(year, month, day).ok_or(DateProblem::NoSuchDay)
}

/// `HH:MM` (or `HHhMM`), exactly two digits each.
fn parse_hh_mm(text: &str) -> Option<NaiveTime> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 5
        && matches!(bytes.get(2), Some(b':' | b'h'))
        && bytes
            .iter()
            .enumerate()
            .all(|(index, byte)| index == 2 || byte.is_ascii_digit());
    if !shaped {
        return None;
    }
    let hour = text.get(0..2)?.parse().ok()?;
    let minute = text.get(3..5)?.parse().ok()?;
    NaiveTime::from_hms_opt(hour, minute, 0)
}

/// `YYYY-MM-DD HH:MM` (a `T` is accepted in place of the space).
fn parse_local_datetime(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    let date = parse_date(text.get(..10)?).ok()?;
    let rest = text.get(10..)?;
    let time = rest
        .strip_prefix('T')
        .or_else(|| rest.strip_prefix(' '))
        .map(str::trim_start)?;
    Some(date.and_time(parse_hh_mm(time)?))
}

fn native_local_datetime(datetime: &toml::value::Datetime) -> Option<NaiveDateTime> {
    let date = datetime.date?;
    let time = datetime.time?;
    let day = NaiveDate::from_ymd_opt(i32::from(date.year), date.month.into(), date.day.into())?;
    let at = NaiveTime::from_hms_opt(
        time.hour.into(),
        time.minute.into(),
        time.second.unwrap_or(0).into(),
    )?;
    Some(day.and_time(at))
}

/// `J-2 18:00`, also `J-2 à 18:00` and `J-0 09h00`.
fn parse_deadline(text: &str) -> Option<Deadline> {
    let rest = text.trim().strip_prefix(['J', 'j'])?.strip_prefix('-')?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let days_before = rest.get(..digits)?.parse().ok()?;
    let rest = rest.get(digits..)?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let rest = rest.trim_start();
    let rest = rest.strip_prefix('à').map_or(rest, str::trim_start);
    Some(Deadline {
        days_before,
        at: parse_hh_mm(rest)?,
    })
}
