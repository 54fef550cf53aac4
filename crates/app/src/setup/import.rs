//! Importing a setup: compare what the file says with what the log says, and record only the
//! differences, as events (organisation rules, activities, calendars, families) and registry
//! rows (names, contact data). One transaction: any failure writes nothing.

use chrono::NaiveDate;
use domain::event::payloads::*;
use domain::ids::*;
use domain::values::Pricing;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::model::{self, Setup};
use crate::registry::{self, ChildProfile, FamilyAccount, OrganisationProfile};
use crate::staff::Acting;
use crate::{App, AppError, Command};
use domain::ids::derive_id;
use domain::staff::Permission;

/// The effective date of what a first definition sets: "from the start".
pub fn from_the_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Events appended (0 when the file says what the log already says).
    pub events: u64,
    pub created: Vec<String>,
    pub changed: Vec<String>,
    /// Registry rows (contact data, names, welcome messages) written.
    pub registry_rows: u64,
    /// One-time activation codes of the new family and staff accounts, to hand to the families
    /// and the staff members. Printed once; only their hash is stored.
    pub activation_codes: Vec<(String, String)>,
}

impl ImportReport {
    pub fn changed_nothing(&self) -> bool {
        self.events == 0 && self.registry_rows == 0
    }
}

/// The organisation's id: one organisation per database.
pub fn organisation_id() -> OrganisationId {
    OrganisationId::from_uuid(derive_id("organisation", "organisation"))
}

/// Imports `setup`; changes of capacity, price and quotient take effect on `effective_day`.
pub fn import(
    app: &App,
    by: &Acting,
    setup: Setup,
    effective_day: NaiveDate,
) -> Result<ImportReport, AppError> {
    let by = by.clone();
    app.execute(&by.actor_text(), move |command| {
        by.require(Permission::ImportSetup, None)?;
        let mut report = ImportReport::default();
        import_organisation(command, &setup.organisation, &mut report)?;
        for wallet in &setup.wallets {
            import_wallet(command, wallet, &mut report)?;
        }
        for structure in &setup.structures {
            import_structure(command, structure, &mut report)?;
        }
        let current = projections::activities(command.conn(), effective_day)?;
        for activity in &setup.activities {
            let existing = current.iter().find(|a| a.activity_id == activity.id);
            import_activity(command, activity, existing, effective_day, &mut report)?;
        }
        let periods = projections::periods(command.conn())?;
        for period in &setup.periods {
            let existing = periods.iter().find(|p| p.period_id == period.id);
            import_period(command, period, existing, &mut report)?;
        }
        let families = projections::families(command.conn(), effective_day)?;
        for family in &setup.families {
            let existing = families.iter().find(|f| f.family_id == family.id);
            import_family(command, family, existing, effective_day, &mut report)?;
        }
        super::staff::import_staff(command, &setup.staff, &mut report)?;
        report.events = command.appended();
        Ok(report)
    })
}

fn import_organisation(
    command: &mut Command<'_, '_>,
    organisation: &model::Organisation,
    report: &mut ImportReport,
) -> Result<(), AppError> {
    let profile = OrganisationProfile {
        name: organisation.name.clone(),
        address: organisation.address.clone(),
        phone: organisation.phone.clone(),
        fax: organisation.fax.clone(),
        email: organisation.email.clone(),
        website: organisation.website.clone(),
    };
    if registry::save_organisation(command.conn(), &profile)? {
        report.registry_rows += 1;
    }
    if registry::save_dossier_items(command.conn(), &organisation.dossier_items)? {
        report.registry_rows += 1;
    }
    let configured: Option<String> =
        rusqlite::OptionalExtension::optional(command.conn().query_row(
            "SELECT debt_threshold FROM organisation_settings WHERE singleton = 1",
            [],
            |row| row.get(0),
        ))?;
    if configured.as_deref() != Some(organisation.debt_threshold.to_string().as_str()) {
        let created = configured.is_none();
        command.emit(OrganisationConfigured {
            organisation_id: organisation_id(),
            debt_threshold: organisation.debt_threshold,
        })?;
        note(
            report,
            created,
            format!("organisation (seuil {} €)", organisation.debt_threshold),
        );
    }
    Ok(())
}

fn note(report: &mut ImportReport, created: bool, what: String) {
    if created {
        report.created.push(what);
    } else {
        report.changed.push(what);
    }
}

fn save_key(
    command: &Command<'_, '_>,
    kind: &str,
    key: &str,
    id: Uuid,
    report: &mut ImportReport,
) -> Result<(), AppError> {
    if registry::save_key(command.conn(), kind, key, id)? {
        report.registry_rows += 1;
    }
    Ok(())
}

fn import_wallet(
    command: &mut Command<'_, '_>,
    wallet: &model::Wallet,
    report: &mut ImportReport,
) -> Result<(), AppError> {
    save_key(command, "wallet", &wallet.key, wallet.id.0, report)?;
    let existing = projections::wallets(command.conn())?
        .into_iter()
        .find(|w| w.wallet_id == wallet.id);
    if existing.as_ref().map(|w| w.label.as_str()) != Some(wallet.label.as_str()) {
        command.emit(WalletDefined {
            wallet_id: wallet.id,
            label: wallet.label.clone(),
        })?;
        note(
            report,
            existing.is_none(),
            format!("porte-monnaie {}", wallet.key),
        );
    }
    Ok(())
}

fn import_structure(
    command: &mut Command<'_, '_>,
    structure: &model::Structure,
    report: &mut ImportReport,
) -> Result<(), AppError> {
    save_key(command, "structure", &structure.key, structure.id.0, report)?;
    if registry::save_welcome_messages(command.conn(), structure.id, &structure.welcome)? {
        report.registry_rows += 1;
    }
    let existing = projections::structures(command.conn())?
        .into_iter()
        .find(|s| s.structure_id == structure.id);
    let same = existing
        .as_ref()
        .is_some_and(|s| s.label == structure.label && s.wallet_id == structure.wallet);
    if !same {
        command.emit(StructureDefined {
            structure_id: structure.id,
            wallet_id: structure.wallet,
            label: structure.label.clone(),
        })?;
        note(
            report,
            existing.is_none(),
            format!("structure {}", structure.key),
        );
    }
    Ok(())
}

fn import_activity(
    command: &mut Command<'_, '_>,
    activity: &model::Activity,
    existing: Option<&projections::ActivityRow>,
    effective_day: NaiveDate,
    report: &mut ImportReport,
) -> Result<(), AppError> {
    save_key(command, "activity", &activity.key, activity.id.0, report)?;
    let Some(current) = existing else {
        command.emit(definition(
            activity,
            activity.capacity,
            activity.waitlist_size,
            &activity.pricing,
        ))?;
        report.created.push(format!("activité {}", activity.key));
        return Ok(());
    };
    let described_alike = current.structure_id == activity.structure
        && current.label == activity.label
        && current.unit == activity.unit
        && current.unit_minutes == activity.unit_minutes
        && current.quantity_per_day == activity.quantity_per_day
        && current.age_min == activity.age_min
        && current.age_max == activity.age_max
        && current.booking_deadline == activity.booking_deadline
        && current.cancellation_deadline == activity.cancellation_deadline
        && sorted(&current.incompatible_with) == sorted(&activity.incompatible_with);
    if !described_alike {
        // A redefinition changes the description only; capacity and price keep their histories
        // and change through their own events below.
        command.emit(definition(
            activity,
            current.capacity,
            current.waitlist_size,
            current.pricing.as_ref().unwrap_or(&activity.pricing),
        ))?;
        report.changed.push(format!("activité {}", activity.key));
    }
    if current.capacity != activity.capacity || current.waitlist_size != activity.waitlist_size {
        command.emit(ActivityCapacityChanged {
            activity_id: activity.id,
            effective_from: effective_day,
            capacity: activity.capacity,
            waitlist_size: activity.waitlist_size,
        })?;
        report.changed.push(format!(
            "capacité de {} : {} places, liste d'attente {} (à partir du {effective_day})",
            activity.key, activity.capacity, activity.waitlist_size
        ));
        // Places freed by a raised capacity go to the waitlist at once, in rank order.
        let promoted =
            crate::booking::promote_after_capacity_change(command, activity.id, effective_day)?;
        if promoted > 0 {
            report.changed.push(format!(
                "{promoted} place(s) attribuée(s) depuis la liste d'attente de {}",
                activity.key
            ));
        }
    }
    if !current
        .pricing
        .as_ref()
        .is_some_and(|pricing| same_pricing(pricing, &activity.pricing))
    {
        command.emit(ActivityPriceChanged {
            activity_id: activity.id,
            effective_from: effective_day,
            pricing: activity.pricing.clone(),
        })?;
        report.changed.push(format!(
            "tarif de {} (à partir du {effective_day})",
            activity.key
        ));
    }
    Ok(())
}

/// The `ActivityDefined` of a file's activity, with the given capacity and pricing (the file's
/// for a first definition, the ones in force for a redefinition).
fn definition(
    activity: &model::Activity,
    capacity: u32,
    waitlist_size: u32,
    pricing: &Pricing,
) -> ActivityDefined {
    ActivityDefined {
        activity_id: activity.id,
        structure_id: activity.structure,
        label: activity.label.clone(),
        unit: activity.unit,
        quantity_per_day: activity.quantity_per_day,
        age_min: activity.age_min,
        age_max: activity.age_max,
        pricing: pricing.clone(),
        capacity,
        waitlist_size,
        booking_deadline: activity.booking_deadline,
        cancellation_deadline: activity.cancellation_deadline,
        incompatible_with: activity.incompatible_with.clone(),
        unit_minutes: activity.unit_minutes,
    }
}

fn sorted<T: Ord + Clone>(items: &[T]) -> Vec<T> {
    let mut items = items.to_vec();
    items.sort();
    items
}

fn same_pricing(a: &Pricing, b: &Pricing) -> bool {
    a == b
}

fn import_period(
    command: &mut Command<'_, '_>,
    period: &model::Period,
    existing: Option<&projections::PeriodRow>,
    report: &mut ImportReport,
) -> Result<(), AppError> {
    save_key(command, "period", &period.key, period.id.0, report)?;
    let wanted = OpeningPeriodDefined {
        period_id: period.id,
        label: period.label.clone(),
        activity_ids: sorted(&period.activities),
        first_day: period.first_day,
        last_day: period.last_day,
        weekdays: sorted(&period.weekdays),
        excluded_days: sorted(&period.excluded_days),
        open_on_public_holidays: period.open_on_public_holidays,
    };
    let same = existing.is_some_and(|p| {
        p.label == wanted.label
            && sorted(&p.activity_ids) == wanted.activity_ids
            && p.first_day == wanted.first_day
            && p.last_day == wanted.last_day
            && sorted(&p.weekdays) == wanted.weekdays
            && sorted(&p.excluded_days) == wanted.excluded_days
            && p.open_on_public_holidays == wanted.open_on_public_holidays
    });
    if !same {
        command.emit(wanted)?;
        note(
            report,
            existing.is_none(),
            format!("période {}", period.key),
        );
    }
    if let Some(window) = &period.booking {
        let current: Option<(String, String)> =
            rusqlite::OptionalExtension::optional(command.conn().query_row(
                "SELECT opens_at, closes_at FROM booking_windows WHERE window_id = ?1",
                [window.id.to_string()],
                |row| Ok((row.get(0)?, row.get(1)?)),
            ))?;
        let format = |t: &chrono::DateTime<chrono::Utc>| {
            t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        };
        let wanted = (format(&window.opens_at), format(&window.closes_at));
        if current.as_ref() != Some(&wanted) {
            command.emit(BookingWindowDefined {
                window_id: window.id,
                period_id: period.id,
                opens_at: window.opens_at,
                closes_at: window.closes_at,
            })?;
            note(
                report,
                current.is_none(),
                format!("ouverture des réservations de {}", period.key),
            );
        }
    }
    Ok(())
}

fn import_family(
    command: &mut Command<'_, '_>,
    family: &model::Family,
    existing: Option<&projections::FamilyRow>,
    effective_day: NaiveDate,
    report: &mut ImportReport,
) -> Result<(), AppError> {
    let account = FamilyAccount {
        family_id: family.id,
        login: family.login.clone(),
        title: family.title.clone(),
        payer_name: family.payer_name.clone(),
        email: family.email.clone(),
        phone: family.phone.clone(),
    };
    if registry::save_family_account(command.conn(), &account)? {
        report.registry_rows += 1;
    }
    save_key(command, "family", &family.login, family.id.0, report)?;
    let structures = sorted(&family.structures);
    match existing {
        None => register_family(command, family, structures, report)?,
        Some(current) => {
            update_family(command, family, current, structures, effective_day, report)?
        }
    }
    import_children(command, family, existing, report)?;
    Ok(())
}

/// A family new to the log: registered with its quotient and dossier, and an activation code.
fn register_family(
    command: &mut Command<'_, '_>,
    family: &model::Family,
    structures: Vec<StructureId>,
    report: &mut ImportReport,
) -> Result<(), AppError> {
    command.emit(FamilyRegistered {
        family_id: family.id,
        structure_ids: structures,
    })?;
    command.emit(FamilyQuotientSet {
        family_id: family.id,
        effective_from: from_the_start(),
        quotient: family.quotient,
    })?;
    if !family.dossier_complete {
        command.emit(FamilyDossierUpdated {
            family_id: family.id,
            complete: false,
            missing_items: family.missing_items.clone(),
        })?;
    }
    let code = activation_code();
    registry::set_activation_code_hash(command.conn(), family.id, &hash_activation_code(&code))?;
    report.activation_codes.push((family.login.clone(), code));
    report.created.push(format!("famille {}", family.login));
    Ok(())
}

/// A known family: only what differs from what the log says is recorded.
fn update_family(
    command: &mut Command<'_, '_>,
    family: &model::Family,
    current: &projections::FamilyRow,
    structures: Vec<StructureId>,
    effective_day: NaiveDate,
    report: &mut ImportReport,
) -> Result<(), AppError> {
    if sorted(&current.structures) != structures {
        command.emit(FamilyStructuresChanged {
            family_id: family.id,
            structure_ids: structures,
        })?;
        report
            .changed
            .push(format!("structures de la famille {}", family.login));
    }
    if current.quotient != family.quotient {
        command.emit(FamilyQuotientSet {
            family_id: family.id,
            effective_from: effective_day,
            quotient: family.quotient,
        })?;
        report.changed.push(format!(
            "quotient familial de {} (à partir du {effective_day})",
            family.login
        ));
    }
    if current.dossier_complete != family.dossier_complete
        || current.missing_items != family.missing_items
    {
        command.emit(FamilyDossierUpdated {
            family_id: family.id,
            complete: family.dossier_complete,
            missing_items: family.missing_items.clone(),
        })?;
        report
            .changed
            .push(format!("dossier de la famille {}", family.login));
    }
    Ok(())
}

/// The family's children: registered when new to the log; their keys and identities saved.
fn import_children(
    command: &mut Command<'_, '_>,
    family: &model::Family,
    existing: Option<&projections::FamilyRow>,
    report: &mut ImportReport,
) -> Result<(), AppError> {
    let known_children = existing.map(|f| f.children.clone()).unwrap_or_default();
    for child in &family.children {
        if !known_children.contains(&child.id) {
            command.emit(ChildRegistered {
                family_id: family.id,
                child_id: child.id,
            })?;
            if existing.is_some() {
                report
                    .created
                    .push(format!("enfant {}/{}", family.login, child.key));
            }
        }
        save_key(
            command,
            "child",
            &format!("{}/{}", family.login, child.key),
            child.id.0,
            report,
        )?;
        let profile = ChildProfile {
            child_id: child.id,
            family_id: family.id,
            first_name: child.first_name.clone(),
            last_name: child.last_name.clone(),
            birth_date: child.birth_date,
        };
        if registry::save_child(command.conn(), &profile)? {
            report.registry_rows += 1;
        }
    }
    Ok(())
}

const CODE_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A one-time activation code, `XXXX-XXXX-XXXX` (60 random bits, no look-alike characters).
pub(crate) fn activation_code() -> String {
    let random = Uuid::new_v4().as_u128();
    let mut code = String::with_capacity(14);
    for i in 0..12 {
        if i > 0 && i % 4 == 0 {
            code.push('-');
        }
        let index = ((random >> (5 * i)) & 31) as usize;
        code.push(char::from(CODE_ALPHABET[index]));
    }
    code
}

/// The stored form of an activation code: sha256 of the code, upper-cased, without dashes or
/// spaces (so "abcd-efgh-jkmn" typed by a parent matches).
pub fn hash_activation_code(code: &str) -> String {
    let normalized: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    hex::encode(Sha256::digest(normalized.as_bytes()))
}
