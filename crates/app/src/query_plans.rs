//! The reads of booking day use their indexes. Every statement that a calendar month, « Suivi »,
//! « Solde et Paiement » and the récapitulatif (the basket's validation look-ups) run is recorded
//! as SQLite runs it, then planned with `EXPLAIN QUERY PLAN`: none may scan a table that grows
//! with the families and their bookings. A dropped index, or a query rewritten so that SQLite
//! no longer uses one, fails here instead of slowing every page on booking day.

use std::sync::{Arc, Mutex};

use chrono::{Datelike, Days, NaiveDate, TimeZone, Utc};
use domain::booking::DeadlineRule;
use domain::ids::{ActivityId, ChildId, FamilyId, derive_id};
use rusqlite::trace::{TraceEvent, TraceEventCodes};
use rusqlite::{Connection, OpenFlags};

use crate::booking::LineRequest;
use crate::{App, FixedClock};

/// Tables whose size is the organisation's setup (structures, activities, periods, prices,
/// capacities), not the number of families or bookings: reading them whole is fine.
const SETUP_TABLES: [&str; 9] = [
    "structures",
    "activities",
    "opening_periods",
    "period_activities",
    "booking_windows",
    "activity_capacities",
    "activity_prices",
    "wallets",
    "organisation_settings",
];

/// The demo world on a stopped clock, and the database file it lives in.
fn demo() -> (tempfile::TempDir, App, std::path::PathBuf) {
    let now = Utc
        .with_ymd_and_hms(2026, 10, 15, 12, 0, 0)
        .single()
        .unwrap_or_else(|| panic!("a valid instant"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("demo.db");
    let app = App::open(&path, Arc::new(FixedClock(now))).unwrap_or_else(|e| panic!("{e}"));
    crate::demo::build(&app).unwrap_or_else(|e| panic!("{e}"));
    (dir, app, path)
}

fn dupont() -> FamilyId {
    FamilyId::from_uuid(derive_id("family", "dupont"))
}

fn lilou() -> ChildId {
    ChildId::from_uuid(derive_id("child", "dupont/lilou"))
}

/// The statements `read` runs, with their values, as SQLite ran them.
fn statements_of(path: &std::path::Path, read: impl FnOnce(&Connection)) -> Vec<String> {
    let mut conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap_or_else(|e| panic!("{e}"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    conn.trace_v2(
        TraceEventCodes::SQLITE_TRACE_STMT,
        Some(move |event: TraceEvent<'_>| {
            // Both texts: SQLite plans the statement with its parameters unknown (an
            // `?2 IS NULL OR id = ?2` is a scan), and with its values when it re-plans.
            if let TraceEvent::Stmt(statement, _) = event
                && let Ok(mut seen) = sink.lock()
            {
                seen.push(statement.sql().into_owned());
                if let Some(sql) = statement.expanded_sql() {
                    seen.push(sql);
                }
            }
        }),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    read(&conn);
    let mut statements = seen.lock().map(|s| s.clone()).unwrap_or_default();
    statements.sort();
    statements.dedup();
    statements
}

/// The full scans of tables outside the setup in the plans of `statements`.
fn growing_scans(path: &std::path::Path, statements: &[String]) -> Vec<String> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut scans = Vec::new();
    for sql in statements {
        let plan = format!("EXPLAIN QUERY PLAN {sql}");
        let mut statement = conn.prepare(&plan).unwrap_or_else(|e| panic!("{e}: {sql}"));
        // Unbound parameters are planned as unknown values (`raw_query` binds nothing).
        let mut rows = statement.raw_query();
        let mut details: Vec<String> = Vec::new();
        while let Some(row) = rows.next().unwrap_or_else(|e| panic!("{e}: {sql}")) {
            details.push(row.get(3).unwrap_or_else(|e| panic!("{e}: {sql}")));
        }
        for detail in details {
            let Some(table) = growing_table_read_whole(&detail) else {
                continue;
            };
            if !SETUP_TABLES.contains(&table_of(sql, table).as_str()) {
                scans.push(format!("{detail}\n    in {sql}"));
            }
        }
    }
    scans
}

/// The table (or alias) a plan line reads whole: `SCAN t…`, or `SEARCH t USING INDEX i (…)`
/// constrained on nothing but a state or kind code (every pending request is no key).
fn growing_table_read_whole(detail: &str) -> Option<&str> {
    if let Some(rest) = detail.strip_prefix("SCAN ") {
        return rest
            .split_whitespace()
            .next()
            .filter(|name| !name.starts_with('('));
    }
    let rest = detail.strip_prefix("SEARCH ")?;
    let table = rest.split_whitespace().next()?;
    let constraints = rest.split_once('(')?.1.split(')').next()?;
    let columns = constraints
        .split(" AND ")
        .map(|c| c.split(['=', '<', '>', ' ']).next().unwrap_or(c));
    let mut codes_only = true;
    for column in columns {
        codes_only &= column == "state" || column == "kind";
    }
    codes_only.then_some(table)
}

/// The table `name` stands for in `sql`: itself, or the table it aliases (`FROM activities a`).
fn table_of(sql: &str, name: &str) -> String {
    let words: Vec<&str> = sql
        .split(|c: char| c.is_whitespace() || ['(', ')', ','].contains(&c))
        .filter(|w| !w.is_empty())
        .collect();
    words
        .windows(3)
        .find(|w| {
            (w[0].eq_ignore_ascii_case("FROM") || w[0].eq_ignore_ascii_case("JOIN")) && w[2] == name
        })
        .map_or(name, |w| w[1])
        .to_owned()
}

fn assert_indexed(what: &str, path: &std::path::Path, statements: &[String]) {
    assert!(statements.len() > 2, "{what}: {statements:?}");
    let scans = growing_scans(path, statements);
    assert!(scans.is_empty(), "{what} scans:\n{}", scans.join("\n"));
}

#[test]
fn a_calendar_month_reads_through_indexes() {
    // Given the demo, a family and its child
    let (_dir, app, path) = demo();
    let first = app.today().with_day(1).unwrap_or_else(|| app.today());
    let last = first + Days::new(30);
    // When the child's month is read, then no statement scans a growing table
    let statements = statements_of(&path, |conn| {
        crate::portal::days_in(
            conn,
            app.now(),
            (dupont(), lilou()),
            (first, last),
            (None, DeadlineRule::Applies),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    });
    assert_indexed("the calendar", &path, &statements);
}

#[test]
fn suivi_and_the_wallet_statement_read_through_indexes() {
    // Given the demo, whose Dupont family has places, requests and consumptions
    let (_dir, app, path) = demo();
    // When « Suivi » and « Solde et Paiement » are read
    let follow_up = statements_of(&path, |conn| {
        crate::booking::follow_up_in(conn, app.now(), dupont(), DeadlineRule::Applies)
            .unwrap_or_else(|e| panic!("{e}"));
    });
    let statement = statements_of(&path, |conn| {
        crate::money::statement_in(conn, dupont(), app.today(), true, true)
            .unwrap_or_else(|e| panic!("{e}"));
    });
    // Then no statement of either scans a growing table
    assert_indexed("« Suivi »", &path, &follow_up);
    assert_indexed("« Solde et Paiement »", &path, &statement);
}

#[test]
fn a_basket_is_judged_through_indexes() {
    // Given the demo and a basket of a coming day for each activity Lilou may book
    let (_dir, app, path) = demo();
    let days = crate::portal::month(&app, dupont(), lilou(), app.today(), None)
        .unwrap_or_else(|e| panic!("{e}"));
    let lines: Vec<LineRequest> = days
        .iter()
        .filter(|d| d.day > app.today())
        .flat_map(|d| d.cells.iter().map(move |c| (d.day, c.activity_id)))
        .take(6)
        .map(
            |(day, activity_id): (NaiveDate, ActivityId)| LineRequest::Book {
                child_id: lilou(),
                activity_id,
                day,
            },
        )
        .collect();
    assert!(!lines.is_empty());
    // When the récapitulatif judges it (the look-ups « Valider » makes in the writer)
    let statements = statements_of(&path, |conn| {
        crate::booking::preview_in(conn, app.now(), dupont(), &lines, DeadlineRule::Applies)
            .unwrap_or_else(|e| panic!("{e}"));
    });
    // Then no statement scans a growing table
    assert_indexed("the basket", &path, &statements);
}
