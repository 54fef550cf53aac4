//! The registry: personal and mutable data (names, contact data, birth dates, credentials),
//! keyed by the ids the events carry. Plain rows, updated in place; see `registry.sql`.

use chrono::NaiveDate;
use domain::Email;
use domain::ids::{ChildId, FamilyId, StructureId, WalletId};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use crate::error::AppError;

const SCHEMA: &str = include_str!("registry.sql");

pub fn install(conn: &Connection) -> Result<(), AppError> {
    conn.execute_batch(SCHEMA)?;
    Ok(())
}

/// The organisation's contact block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrganisationProfile {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub fax: Option<String>,
    pub email: Email,
    pub website: Option<String>,
}

/// The columns of `organisation_profile` but the address, parsed next.
struct OrganisationRow {
    name: String,
    address: String,
    phone: String,
    fax: Option<String>,
    website: Option<String>,
}

/// An address read back from `table`: parsed again, as every value entering the program.
pub(crate) fn stored_email(table: &'static str, text: &str) -> Result<Email, AppError> {
    Email::parse(text).map_err(|e| AppError::corrupt(table, e))
}

pub fn organisation(conn: &Connection) -> Result<Option<OrganisationProfile>, AppError> {
    conn
        .prepare_cached("SELECT name, address, phone, fax, email, website FROM organisation_profile WHERE singleton = 1")?
        .query_row([], |row| {
            Ok((
                OrganisationRow {
                    name: row.get(0)?,
                    address: row.get(1)?,
                    phone: row.get(2)?,
                    fax: row.get(3)?,
                    website: row.get(5)?,
                },
                row.get::<_, String>(4)?,
            ))
        })
        .optional()?
        .map(|(row, email)| {
            Ok(OrganisationProfile {
                name: row.name,
                address: row.address,
                phone: row.phone,
                fax: row.fax,
                email: stored_email("organisation_profile", &email)?,
                website: row.website,
            })
        })
        .transpose()
}

/// Writes the profile; true when something changed.
pub fn save_organisation(
    conn: &Connection,
    profile: &OrganisationProfile,
) -> Result<bool, AppError> {
    if organisation(conn)?.as_ref() == Some(profile) {
        return Ok(false);
    }
    conn.prepare_cached(
        "INSERT INTO organisation_profile (singleton, name, address, phone, fax, email, website)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (singleton) DO UPDATE SET name = excluded.name, address = excluded.address,
             phone = excluded.phone, fax = excluded.fax, email = excluded.email, website = excluded.website",
    )?
    .execute(params![
        profile.name,
        profile.address,
        profile.phone,
        profile.fax,
        profile.email.as_str(),
        profile.website
    ])?;
    Ok(true)
}

pub fn welcome_messages(
    conn: &Connection,
    structure: StructureId,
) -> Result<Vec<String>, AppError> {
    let text: Option<String> = conn
        .prepare_cached("SELECT messages FROM structure_welcome WHERE structure_id = ?1")?
        .query_row(params![structure.to_string()], |row| row.get(0))
        .optional()?;
    match text {
        Some(text) => {
            serde_json::from_str(&text).map_err(|e| AppError::corrupt("structure_welcome", e))
        }
        None => Ok(Vec::new()),
    }
}

pub fn save_welcome_messages(
    conn: &Connection,
    structure: StructureId,
    messages: &[String],
) -> Result<bool, AppError> {
    if welcome_messages(conn, structure)? == messages {
        return Ok(false);
    }
    let text =
        serde_json::to_string(messages).map_err(|e| AppError::corrupt("structure_welcome", e))?;
    conn.prepare_cached(
        "INSERT INTO structure_welcome (structure_id, messages) VALUES (?1, ?2)
         ON CONFLICT (structure_id) DO UPDATE SET messages = excluded.messages",
    )?
    .execute(params![structure.to_string(), text])?;
    Ok(true)
}

/// The pieces of every family's file, in the setup file's order.
pub fn dossier_items(conn: &Connection) -> Result<Vec<String>, AppError> {
    let mut statement = conn.prepare_cached("SELECT label FROM dossier_items ORDER BY position")?;
    let rows = statement.query_map([], |row| row.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Replaces the list of file pieces; true when something changed.
pub fn save_dossier_items(conn: &Connection, items: &[String]) -> Result<bool, AppError> {
    if dossier_items(conn)? == items {
        return Ok(false);
    }
    conn.prepare_cached("DELETE FROM dossier_items")?
        .execute([])?;
    let mut insert =
        conn.prepare_cached("INSERT INTO dossier_items (position, label) VALUES (?1, ?2)")?;
    for (position, label) in items.iter().enumerate() {
        insert.execute(params![position as i64, label])?;
    }
    Ok(true)
}

/// Remembers that `key` names `id` among the entities of `kind`; true when it was new.
pub fn save_key(conn: &Connection, kind: &str, key: &str, id: Uuid) -> Result<bool, AppError> {
    let changed = conn
        .prepare_cached("INSERT OR IGNORE INTO setup_keys (kind, key, id) VALUES (?1, ?2, ?3)")?
        .execute(params![kind, key, id.to_string()])?;
    Ok(changed > 0)
}

/// The id a setup key names, if any.
pub fn id_of_key(conn: &Connection, kind: &str, key: &str) -> Result<Option<Uuid>, AppError> {
    let text: Option<String> = conn
        .prepare_cached("SELECT id FROM setup_keys WHERE kind = ?1 AND key = ?2")?
        .query_row(params![kind, key], |row| row.get(0))
        .optional()?;
    text.map(|t| Uuid::parse_str(&t).map_err(|e| AppError::corrupt("setup_keys", e)))
        .transpose()
}

/// The key of an id, if it came from a setup file.
pub fn key_of_id(conn: &Connection, kind: &str, id: Uuid) -> Result<Option<String>, AppError> {
    Ok(conn
        .prepare_cached("SELECT key FROM setup_keys WHERE kind = ?1 AND id = ?2")?
        .query_row(params![kind, id.to_string()], |row| row.get(0))
        .optional()?)
}

/// A family's account and contact data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FamilyAccount {
    pub family_id: FamilyId,
    pub login: String,
    pub title: Option<String>,
    pub payer_name: String,
    pub email: Option<Email>,
    pub phone: Option<String>,
}

impl FamilyAccount {
    /// "M. DUPONT Jean-Paul", as the mails address the payer.
    pub fn addressee(&self) -> String {
        match &self.title {
            Some(title) => format!("{title} {}", self.payer_name),
            None => self.payer_name.clone(),
        }
    }
}

/// The text columns of a `family_accounts` row, parsed by [`with_id`].
struct AccountRow {
    family_id: String,
    login: String,
    title: Option<String>,
    payer_name: String,
    email: Option<String>,
    phone: Option<String>,
}

fn account_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<AccountRow> {
    Ok(AccountRow {
        family_id: row.get(0)?,
        login: row.get(1)?,
        title: row.get(2)?,
        payer_name: row.get(3)?,
        email: row.get(4)?,
        phone: row.get(5)?,
    })
}

fn with_id(row: AccountRow) -> Result<FamilyAccount, AppError> {
    Ok(FamilyAccount {
        family_id: row
            .family_id
            .parse()
            .map_err(|e| AppError::corrupt("family_accounts", e))?,
        login: row.login,
        title: row.title,
        payer_name: row.payer_name,
        email: row
            .email
            .map(|email| stored_email("family_accounts", &email))
            .transpose()?,
        phone: row.phone,
    })
}

pub fn family_accounts(conn: &Connection) -> Result<Vec<FamilyAccount>, AppError> {
    let mut statement = conn.prepare_cached(
        "SELECT family_id, login, title, payer_name, email, phone FROM family_accounts ORDER BY login",
    )?;
    let rows = statement.query_map([], account_from_row)?;
    rows.map(|row| with_id(row?)).collect()
}

pub fn family_account(
    conn: &Connection,
    family: FamilyId,
) -> Result<Option<FamilyAccount>, AppError> {
    conn.prepare_cached("SELECT family_id, login, title, payer_name, email, phone FROM family_accounts WHERE family_id = ?1")?
        .query_row(params![family.to_string()], account_from_row)
        .optional()?
        .map(with_id)
        .transpose()
}

pub fn family_by_login(conn: &Connection, login: &str) -> Result<Option<FamilyAccount>, AppError> {
    conn.prepare_cached("SELECT family_id, login, title, payer_name, email, phone FROM family_accounts WHERE login = ?1")?
        .query_row(params![login], account_from_row)
        .optional()?
        .map(with_id)
        .transpose()
}

/// Writes the account's contact data (not its credentials); true when something changed.
pub fn save_family_account(conn: &Connection, account: &FamilyAccount) -> Result<bool, AppError> {
    if family_account(conn, account.family_id)?.as_ref() == Some(account) {
        return Ok(false);
    }
    conn.prepare_cached(
        "INSERT INTO family_accounts (family_id, login, title, payer_name, email, phone) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (family_id) DO UPDATE SET login = excluded.login, title = excluded.title,
             payer_name = excluded.payer_name, email = excluded.email, phone = excluded.phone",
    )?
    .execute(params![
        account.family_id.to_string(),
        account.login,
        account.title,
        account.payer_name,
        account.email.as_ref().map(Email::as_str),
        account.phone
    ])?;
    Ok(true)
}

/// Stores the hash of a new one-time activation code (the code itself is never stored).
pub fn set_activation_code_hash(
    conn: &Connection,
    family: FamilyId,
    hash: &str,
) -> Result<(), AppError> {
    conn.prepare_cached(
        "UPDATE family_accounts SET activation_code_hash = ?2 WHERE family_id = ?1",
    )?
    .execute(params![family.to_string(), hash])?;
    Ok(())
}

/// Stores a password hash (PHC string) and clears any pending activation code.
pub fn set_password_hash(conn: &Connection, family: FamilyId, hash: &str) -> Result<(), AppError> {
    conn.prepare_cached(
        "UPDATE family_accounts SET password_hash = ?2, activation_code_hash = NULL WHERE family_id = ?1",
    )?
    .execute(params![family.to_string(), hash])?;
    Ok(())
}

/// A child's identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChildProfile {
    pub child_id: ChildId,
    pub family_id: FamilyId,
    pub first_name: String,
    pub last_name: String,
    pub birth_date: NaiveDate,
}

impl ChildProfile {
    /// "DUPONT Lilou", as the seed's histories name the consumer.
    pub fn display_name(&self) -> String {
        format!("{} {}", self.last_name, self.first_name)
    }
}

pub fn children_of(conn: &Connection, family: FamilyId) -> Result<Vec<ChildProfile>, AppError> {
    let mut statement = conn.prepare_cached(
        "SELECT child_id, first_name, last_name, birth_date FROM child_profiles WHERE family_id = ?1
         ORDER BY birth_date, first_name",
    )?;
    let rows = statement.query_map(params![family.to_string()], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
        ))
    })?;
    rows.map(|row| {
        let (id, first_name, last_name, birth) = row?;
        Ok(ChildProfile {
            child_id: id
                .parse()
                .map_err(|e| AppError::corrupt("child_profiles", e))?,
            family_id: family,
            first_name,
            last_name,
            birth_date: birth
                .parse()
                .map_err(|e| AppError::corrupt("child_profiles", e))?,
        })
    })
    .collect()
}

/// One child's identity, whichever the family.
pub fn child(conn: &Connection, child: ChildId) -> Result<Option<ChildProfile>, AppError> {
    let row: Option<(String, String, String, String)> = conn
        .prepare_cached("SELECT family_id, first_name, last_name, birth_date FROM child_profiles WHERE child_id = ?1")?
        .query_row(params![child.to_string()], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))
        .optional()?;
    row.map(|(family, first_name, last_name, birth)| {
        Ok(ChildProfile {
            child_id: child,
            family_id: family
                .parse()
                .map_err(|e| AppError::corrupt("child_profiles", e))?,
            first_name,
            last_name,
            birth_date: birth
                .parse()
                .map_err(|e| AppError::corrupt("child_profiles", e))?,
        })
    })
    .transpose()
}

pub fn save_child(conn: &Connection, child: &ChildProfile) -> Result<bool, AppError> {
    let current = children_of(conn, child.family_id)?;
    if current.iter().any(|c| c == child) {
        return Ok(false);
    }
    conn.prepare_cached(
        "INSERT INTO child_profiles (child_id, family_id, first_name, last_name, birth_date) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (child_id) DO UPDATE SET family_id = excluded.family_id, first_name = excluded.first_name,
             last_name = excluded.last_name, birth_date = excluded.birth_date",
    )?
    .execute(params![
        child.child_id.to_string(),
        child.family_id.to_string(),
        child.first_name,
        child.last_name,
        child.birth_date.to_string()
    ])?;
    Ok(true)
}

/// Personal details of a desk payment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentDetails {
    pub piece_number: Option<String>,
    pub payer_name: Option<String>,
    pub bank_name: Option<String>,
}

/// The personal details of a payment (none for a card payment).
pub fn payment_details(
    conn: &Connection,
    payment: Uuid,
) -> Result<Option<PaymentDetails>, AppError> {
    Ok(conn
        .prepare_cached(
            "SELECT piece_number, payer_name, bank_name FROM payment_details WHERE payment_id = ?1",
        )?
        .query_row(params![payment.to_string()], |row| {
            Ok(PaymentDetails {
                piece_number: row.get(0)?,
                payer_name: row.get(1)?,
                bank_name: row.get(2)?,
            })
        })
        .optional()?)
}

pub fn save_payment_details(
    conn: &Connection,
    payment: Uuid,
    details: &PaymentDetails,
) -> Result<(), AppError> {
    conn.prepare_cached(
        "INSERT INTO payment_details (payment_id, piece_number, payer_name, bank_name) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (payment_id) DO UPDATE SET piece_number = excluded.piece_number,
             payer_name = excluded.payer_name, bank_name = excluded.bank_name",
    )?
    .execute(params![
        payment.to_string(),
        details.piece_number,
        details.payer_name,
        details.bank_name
    ])?;
    Ok(())
}

/// Why and when staff cancelled a desk payment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentCancellation {
    pub reason: String,
    pub cancelled_at: chrono::DateTime<chrono::Utc>,
}

pub fn payment_cancellation(
    conn: &Connection,
    payment: Uuid,
) -> Result<Option<PaymentCancellation>, AppError> {
    let row: Option<(String, String)> = conn
        .prepare_cached(
            "SELECT reason, cancelled_at FROM payment_cancellations WHERE payment_id = ?1",
        )?
        .query_row(params![payment.to_string()], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    row.map(|(reason, at)| {
        Ok(PaymentCancellation {
            reason,
            cancelled_at: chrono::DateTime::parse_from_rfc3339(&at)
                .map_err(|e| AppError::corrupt("payment_cancellations", e))?
                .with_timezone(&chrono::Utc),
        })
    })
    .transpose()
}

pub fn save_payment_cancellation(
    conn: &Connection,
    payment: Uuid,
    cancellation: &PaymentCancellation,
) -> Result<(), AppError> {
    conn.prepare_cached(
        "INSERT INTO payment_cancellations (payment_id, reason, cancelled_at) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![
        payment.to_string(),
        cancellation.reason,
        cancellation
            .cancelled_at
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    ])?;
    Ok(())
}

/// A desk payment's receipt number: its régie's sequence in the year it was recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReceiptNumber {
    pub year: i32,
    pub sequence: u32,
}

impl std::fmt::Display for ReceiptNumber {
    /// « 2026-00012 »: the year, then the régie's sequence in that year.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{:05}", self.year, self.sequence)
    }
}

/// Gives `payment` the next receipt number of `wallet` in `year` (once: a payment keeps its
/// number).
pub fn number_receipt(
    conn: &Connection,
    payment: Uuid,
    wallet: WalletId,
    year: i32,
) -> Result<ReceiptNumber, AppError> {
    if let Some(number) = receipt_number(conn, payment)? {
        return Ok(number);
    }
    let sequence: u32 = conn
        .prepare_cached(
            "SELECT COALESCE(MAX(sequence), 0) + 1 FROM desk_receipts WHERE wallet_id = ?1 AND year = ?2",
        )?
        .query_row(params![wallet.to_string(), year], |row| row.get(0))?;
    conn.prepare_cached(
        "INSERT INTO desk_receipts (payment_id, wallet_id, year, sequence) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        payment.to_string(),
        wallet.to_string(),
        year,
        sequence
    ])?;
    Ok(ReceiptNumber { year, sequence })
}

/// The receipt number of a desk payment (none for one recorded before receipts were numbered).
pub fn receipt_number(conn: &Connection, payment: Uuid) -> Result<Option<ReceiptNumber>, AppError> {
    Ok(conn
        .prepare_cached("SELECT year, sequence FROM desk_receipts WHERE payment_id = ?1")?
        .query_row(params![payment.to_string()], |row| {
            Ok(ReceiptNumber {
                year: row.get(0)?,
                sequence: row.get(1)?,
            })
        })
        .optional()?)
}
