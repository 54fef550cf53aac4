//! Typed values out of read-model rows: the one place where stored text becomes ids, days,
//! amounts and codes again. Every query of this crate reads its rows through [`all`] or
//! [`one`]; a value that does not parse is [`ProjectionError::Malformed`], naming the table.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use domain::Money;
use rusqlite::types::FromSql;
use rusqlite::{Connection, Params};
use serde::de::DeserializeOwned;

use crate::ProjectionError;

/// One row of a query on `table`, read column by column into typed values.
pub(crate) struct Row<'a, 'r> {
    row: &'a rusqlite::Row<'r>,
    table: &'static str,
}

impl Row<'_, '_> {
    /// A column SQLite gives as it is (integers, booleans, text kept as text).
    pub(crate) fn get<T: FromSql>(&self, column: usize) -> Result<T, ProjectionError> {
        Ok(self.row.get(column)?)
    }

    /// An id (`domain::ids`), stored as its UUID text.
    pub(crate) fn id<T: FromStr>(&self, column: usize) -> Result<T, ProjectionError> {
        let text: String = self.get(column)?;
        self.parse_id(&text)
    }

    /// An id that may be absent (`NULL`).
    pub(crate) fn optional_id<T: FromStr>(
        &self,
        column: usize,
    ) -> Result<Option<T>, ProjectionError> {
        let text: Option<String> = self.get(column)?;
        text.map(|text| self.parse_id(&text)).transpose()
    }

    fn parse_id<T: FromStr>(&self, text: &str) -> Result<T, ProjectionError> {
        text.parse()
            .map_err(|_| ProjectionError::malformed(self.table, format!("{text:?} is not an id")))
    }

    /// A day, stored `YYYY-MM-DD`.
    pub(crate) fn day(&self, column: usize) -> Result<NaiveDate, ProjectionError> {
        let text: String = self.get(column)?;
        text.parse()
            .map_err(|_| ProjectionError::malformed(self.table, format!("{text:?} is not a date")))
    }

    /// An amount, stored as the software wrote it (`Money::from_stored`).
    pub(crate) fn money(&self, column: usize) -> Result<Money, ProjectionError> {
        let text: String = self.get(column)?;
        Money::from_stored(&text).map_err(|e| ProjectionError::malformed(self.table, e))
    }

    /// An instant, stored in RFC 3339.
    pub(crate) fn instant(&self, column: usize) -> Result<DateTime<Utc>, ProjectionError> {
        let text: String = self.get(column)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| ProjectionError::malformed(self.table, e))
    }

    /// A value stored as JSON text.
    pub(crate) fn json<T: DeserializeOwned>(&self, column: usize) -> Result<T, ProjectionError> {
        let text: String = self.get(column)?;
        self.parse_json(&text)
    }

    pub(crate) fn parse_json<T: DeserializeOwned>(&self, text: &str) -> Result<T, ProjectionError> {
        serde_json::from_str(text).map_err(|e| ProjectionError::malformed(self.table, e))
    }

    /// A code of a closed set (a state, a kind), parsed by its owner's mapping.
    pub(crate) fn code<T>(
        &self,
        column: usize,
        parse: fn(&str) -> Option<T>,
    ) -> Result<T, ProjectionError> {
        let text: String = self.get(column)?;
        parse(&text).ok_or_else(|| {
            ProjectionError::malformed(self.table, format!("{text:?} is not a known code"))
        })
    }
}

/// Every row `sql` selects from `table`, each read by `map`.
pub(crate) fn all<T>(
    conn: &Connection,
    table: &'static str,
    sql: &str,
    params: impl Params,
    mut map: impl FnMut(&Row<'_, '_>) -> Result<T, ProjectionError>,
) -> Result<Vec<T>, ProjectionError> {
    let mut statement = conn.prepare_cached(sql)?;
    let mut rows = statement.query(params)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(map(&Row { row, table })?);
    }
    Ok(out)
}

/// The first row `sql` selects from `table`, if any, read by `map`.
pub(crate) fn one<T>(
    conn: &Connection,
    table: &'static str,
    sql: &str,
    params: impl Params,
    map: impl FnOnce(&Row<'_, '_>) -> Result<T, ProjectionError>,
) -> Result<Option<T>, ProjectionError> {
    let mut statement = conn.prepare_cached(sql)?;
    let mut rows = statement.query(params)?;
    match rows.next()? {
        Some(row) => map(&Row { row, table }).map(Some),
        None => Ok(None),
    }
}
