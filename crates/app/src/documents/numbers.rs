//! Document numbers: « FG-2026-00012 », given once per (family, kind, period) and reused.

use chrono::{DateTime, Utc};
use domain::ids::FamilyId;
use rusqlite::{Connection, OptionalExtension, params};

use crate::AppError;

/// What a document is, and the prefix of its number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentKind {
    /// « Attestation de frais de garde » for a year.
    Childcare,
    /// « Relevé de compte » for a period.
    Statement,
    /// « Reçu » of one payment.
    Receipt,
}

impl DocumentKind {
    pub fn prefix(self) -> &'static str {
        match self {
            DocumentKind::Childcare => "FG",
            DocumentKind::Statement => "RL",
            DocumentKind::Receipt => "RC",
        }
    }
}

/// A number given, with who first issued the document and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentNumber {
    /// « FG-2026-00012 ».
    pub text: String,
    pub issued_by: String,
    pub issued_at: DateTime<Utc>,
}

/// The number of `family`'s document of `kind` for `period`: the one given before, or the next
/// of the kind's sequence in `year`, recorded with `by` and `at` (in the caller's transaction).
pub(super) fn number_document(
    conn: &Connection,
    family: FamilyId,
    kind: DocumentKind,
    period: &str,
    year: i32,
    by: &str,
    at: DateTime<Utc>,
) -> Result<DocumentNumber, AppError> {
    let given: Option<(i32, u32, String, String)> = conn
        .prepare_cached(
            "SELECT year, sequence, issued_by, issued_at FROM document_numbers
             WHERE family_id = ?1 AND kind = ?2 AND period = ?3",
        )?
        .query_row(params![family.to_string(), kind.prefix(), period], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })
        .optional()?;
    if let Some((year, sequence, issued_by, issued_at)) = given {
        let issued_at = DateTime::parse_from_rfc3339(&issued_at)
            .map_err(|e| AppError::corrupt("document_numbers", e))?
            .with_timezone(&Utc);
        return Ok(DocumentNumber {
            text: text(kind, year, sequence),
            issued_by,
            issued_at,
        });
    }
    let sequence: u32 = conn
        .prepare_cached(
            "SELECT COALESCE(MAX(sequence), 0) + 1 FROM document_numbers WHERE kind = ?1 AND year = ?2",
        )?
        .query_row(params![kind.prefix(), year], |row| row.get(0))?;
    conn.prepare_cached(
        "INSERT INTO document_numbers (family_id, kind, period, year, sequence, issued_by, issued_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        family.to_string(),
        kind.prefix(),
        period,
        year,
        sequence,
        by,
        at.to_rfc3339()
    ])?;
    Ok(DocumentNumber {
        text: text(kind, year, sequence),
        issued_by: by.to_owned(),
        issued_at: at,
    })
}

/// Every number given to `family`'s documents, oldest first (for the family's data download).
pub(crate) fn numbers_of(
    conn: &Connection,
    family: FamilyId,
) -> Result<Vec<DocumentNumber>, AppError> {
    let mut statement = conn.prepare_cached(
        "SELECT kind, year, sequence, issued_by, issued_at FROM document_numbers
         WHERE family_id = ?1 ORDER BY issued_at, kind, sequence",
    )?;
    let rows = statement.query_map(params![family.to_string()], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, i32>(1)?,
            row.get::<_, u32>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, String>(4)?,
        ))
    })?;
    let mut numbers = Vec::new();
    for row in rows {
        let (prefix, year, sequence, issued_by, issued_at) = row?;
        let issued_at = DateTime::parse_from_rfc3339(&issued_at)
            .map_err(|e| AppError::corrupt("document_numbers", e))?
            .with_timezone(&Utc);
        numbers.push(DocumentNumber {
            text: numbered(&prefix, year, sequence),
            issued_by,
            issued_at,
        });
    }
    Ok(numbers)
}

fn text(kind: DocumentKind, year: i32, sequence: u32) -> String {
    numbered(kind.prefix(), year, sequence)
}

/// « FG-2026-00012 »: the kind's prefix, the year, the sequence on five digits.
fn numbered(prefix: &str, year: i32, sequence: u32) -> String {
    format!("{prefix}-{year}-{sequence:05}")
}
