//! Money services: consumptions (debits), absences, desk payments (credits), the wallet balance
//! with the estimated cost of reservations not yet debited, and the histories.

use chrono::{Datelike, NaiveDate};
use domain::Money;
use domain::event::payloads::*;
use domain::ids::*;
use domain::values::PaymentMode;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use uuid::Uuid;

use crate::registry::{self, PaymentDetails};
use crate::{App, AppError};

fn derived(kind: &str, key: &str) -> Uuid {
    domain::ids::derive_id(kind, key)
}

/// The price of one booked day of `activity` for `family` on `day`: unit price (quotient bracket
/// in force that day; no known quotient pays the highest bracket), quantity, total, and the wallet
/// that bills the activity's structure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayPrice {
    pub unit_price: Money,
    pub quantity: u32,
    pub amount: Money,
    pub wallet: WalletId,
}

pub fn day_price(
    conn: &Connection,
    family: FamilyId,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<DayPrice, AppError> {
    let Some(row) = projections::activity(conn, activity, day)? else {
        return Err(AppError::Refused("Activité inconnue.".to_owned()));
    };
    let quotient = projections::family(conn, family, day)?.and_then(|f| f.quotient);
    let unit_price = row
        .pricing
        .as_ref()
        .ok_or(domain::pricing::PricingError::NoPriceInForce)
        .and_then(|pricing| domain::pricing::unit_price(pricing, quotient))
        .map_err(|e| AppError::Refused(e.to_string()))?;
    let wallet = projections::structures(conn)?
        .into_iter()
        .find(|s| s.structure_id == row.structure_id)
        .map(|s| s.wallet_id)
        .ok_or_else(|| AppError::corrupt("structures", format!("no structure for {activity}")))?;
    Ok(DayPrice {
        unit_price,
        quantity: row.quantity_per_day,
        amount: domain::pricing::day_cost(unit_price, row.quantity_per_day),
        wallet,
    })
}

/// What `consume` did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ConsumeReport {
    pub day: Option<NaiveDate>,
    /// Consumptions recorded now.
    pub recorded: u32,
    /// Reservations already billed (an earlier run).
    pub already_recorded: u32,
    /// Reservations not billed because staff recorded a justified absence.
    pub justified_absences: u32,
    pub total: Money,
}

/// Turns every accepted reservation of a past `day` into a consumption at the price in force,
/// unless a justified absence was recorded (an unjustified absence is billed). Idempotent.
pub fn consume(app: &App, day: NaiveDate) -> Result<ConsumeReport, AppError> {
    if day >= app.today() {
        return Err(AppError::Refused(format!(
            "Le {} n'est pas encore passé : les consommations se facturent le lendemain.",
            day.format("%d/%m/%Y")
        )));
    }
    app.execute("system:consumption", move |command| {
        let mut report = ConsumeReport {
            day: Some(day),
            ..ConsumeReport::default()
        };
        let places: Vec<(String, String, String, String)> = command
            .conn()
            .prepare_cached(
                "SELECT reservation_id, family_id, child_id, activity_id FROM reservations
                 WHERE day = ?1 AND state = 'acceptee' ORDER BY reservation_id",
            )?
            .query_map(params![day.to_string()], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
            })?
            .collect::<Result<_, _>>()?;
        for (reservation, family, child, activity) in places {
            let parse = |text: &str| {
                Uuid::parse_str(text).map_err(|e| AppError::corrupt("reservations", e))
            };
            let reservation = ReservationId(parse(&reservation)?);
            let (family, child, activity) = (
                FamilyId(parse(&family)?),
                ChildId(parse(&child)?),
                ActivityId(parse(&activity)?),
            );
            let consumption = ConsumptionId(derived("consumption", &reservation.to_string()));
            if consumption_exists(command.conn(), consumption)? {
                report.already_recorded += 1;
                continue;
            }
            if justified_absence(command.conn(), child, activity, day)? {
                report.justified_absences += 1;
                continue;
            }
            let price = day_price(command.conn(), family, activity, day)?;
            command.emit(ConsumptionRecorded {
                consumption_id: consumption,
                family_id: family,
                wallet_id: price.wallet,
                child_id: child,
                activity_id: activity,
                day,
                unit_price: price.unit_price,
                quantity: price.quantity,
                amount: price.amount,
                reservation_id: Some(reservation),
            })?;
            report.recorded += 1;
            report.total = report.total + price.amount;
        }
        Ok(report)
    })
}

fn consumption_exists(conn: &Connection, consumption: ConsumptionId) -> Result<bool, AppError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM consumption_history WHERE consumption_id = ?1)",
        )?
        .query_row(params![consumption.to_string()], |row| row.get(0))?)
}

/// A justified absence was recorded for that child, activity and day (read model `absences`).
fn justified_absence(
    conn: &Connection,
    child: ChildId,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<bool, AppError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM absences WHERE child_id = ?1 AND activity_id = ?2 AND day = ?3 AND justified = 1)",
        )?
        .query_row(params![child.to_string(), activity.to_string(), day.to_string()], |row| row.get(0))?)
}

/// Records an absence of a child on an activity and day. A justified absence is not billed; it
/// must be recorded before the day is billed (`consume`).
pub fn record_absence(
    app: &App,
    family: FamilyId,
    child: ChildId,
    activity: ActivityId,
    day: NaiveDate,
    justified: bool,
) -> Result<AbsenceId, AppError> {
    app.execute("staff:absence", move |command| {
        let Some(profile) = registry::child(command.conn(), child)?.filter(|c| c.family_id == family) else {
            return Err(AppError::Refused("Cet enfant n'est pas rattaché à cette famille.".to_owned()));
        };
        let reservation: Option<String> = command
            .conn()
            .prepare_cached(
                "SELECT reservation_id FROM reservations WHERE child_id = ?1 AND activity_id = ?2 AND day = ?3 AND state = 'acceptee'",
            )?
            .query_row(params![child.to_string(), activity.to_string(), day.to_string()], |row| row.get(0))
            .optional()?;
        let reservation = reservation
            .map(|r| Uuid::parse_str(&r).map(ReservationId).map_err(|e| AppError::corrupt("reservations", e)))
            .transpose()?;
        if justified
            && let Some(reservation) = reservation
            && consumption_exists(command.conn(), ConsumptionId(derived("consumption", &reservation.to_string())))?
        {
            return Err(AppError::Refused(format!(
                "La journée du {} de {} est déjà facturée : une absence justifiée doit être saisie avant la facturation.",
                day.format("%d/%m/%Y"),
                profile.first_name
            )));
        }
        let absence = AbsenceId(derived("absence", &format!("{child}/{activity}/{day}/{justified}")));
        command.emit(AbsenceRecorded {
            absence_id: absence,
            family_id: family,
            child_id: child,
            activity_id: activity,
            day,
            justified,
            reservation_id: reservation,
        })?;
        Ok(absence)
    })
}

/// Staff record a consumption without a reservation (a child who came without booking).
///
/// The day must be one the opening calendar opens and the child's age must fit the activity,
/// the same rules as a booking (`domain::booking::day_open`, `age_eligible`): otherwise
/// [`AppError::RuleRefused`] lists every breach and nothing is written. See
/// [`record_consumption_as_exception`] for a consumption staff approved despite them.
pub fn record_consumption(
    app: &App,
    family: FamilyId,
    child: ChildId,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<ConsumptionRecorded, AppError> {
    staff_consumption(app, family, child, activity, day, Breaches::Refuse).map(|(event, _)| event)
}

/// A consumption recorded as an exception, with the rules it set aside (none: it broke none).
#[derive(Clone, Debug, PartialEq)]
pub struct ConsumptionException {
    pub recorded: ConsumptionRecorded,
    pub set_aside: Vec<domain::booking::LineRefusal>,
}

/// The same, recorded even when the day is closed or the child outside the activity's ages: a
/// staff-approved exception. The rules it sets aside are named in the event's metadata
/// (`overrides`); a consumption that breaks no rule is recorded as an ordinary one.
pub fn record_consumption_as_exception(
    app: &App,
    family: FamilyId,
    child: ChildId,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<ConsumptionException, AppError> {
    staff_consumption(app, family, child, activity, day, Breaches::SetAside).map(
        |(recorded, set_aside)| ConsumptionException {
            recorded,
            set_aside,
        },
    )
}

/// What a staff consumption does with the booking rules it breaks.
#[derive(Clone, Copy)]
enum Breaches {
    Refuse,
    SetAside,
}

fn staff_consumption(
    app: &App,
    family: FamilyId,
    child: ChildId,
    activity: ActivityId,
    day: NaiveDate,
    breaches: Breaches,
) -> Result<(ConsumptionRecorded, Vec<domain::booking::LineRefusal>), AppError> {
    app.execute("staff:consumption", move |command| {
        let Some(profile) =
            registry::child(command.conn(), child)?.filter(|c| c.family_id == family)
        else {
            return Err(AppError::Refused(
                "Cet enfant n'est pas rattaché à cette famille.".to_owned(),
            ));
        };
        let Some(on_day) = crate::booking::activity_on_day(command.conn(), activity, day)? else {
            return Err(AppError::Refused("Activité inconnue.".to_owned()));
        };
        let facts = domain::booking::ChildFacts {
            child_id: child,
            first_name: profile.first_name.clone(),
            birth_date: profile.birth_date,
        };
        let broken: Vec<domain::booking::LineRefusal> = [
            domain::booking::day_open(&on_day),
            domain::booking::age_eligible(&facts, &on_day, day),
        ]
        .into_iter()
        .filter_map(Result::err)
        .collect();
        if !broken.is_empty() {
            match breaches {
                Breaches::Refuse => return Err(AppError::RuleRefused(broken)),
                Breaches::SetAside => command.set_overrides(&broken),
            }
        }
        let consumption =
            ConsumptionId(derived("consumption", &format!("{child}/{activity}/{day}")));
        if consumption_exists(command.conn(), consumption)? {
            return Err(AppError::Refused(
                "Cette consommation est déjà enregistrée.".to_owned(),
            ));
        }
        let price = day_price(command.conn(), family, activity, day)?;
        let event = ConsumptionRecorded {
            consumption_id: consumption,
            family_id: family,
            wallet_id: price.wallet,
            child_id: child,
            activity_id: activity,
            day,
            unit_price: price.unit_price,
            quantity: price.quantity,
            amount: price.amount,
            reservation_id: None,
        };
        command.emit(event.clone())?;
        Ok((event, broken))
    })
}

/// A desk payment as typed by staff.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeskPayment {
    pub family: FamilyId,
    pub wallet: WalletId,
    pub amount: Money,
    pub mode: PaymentMode,
    pub number: Option<String>,
    pub bank: Option<String>,
    pub payer: Option<String>,
    pub paid_on: NaiveDate,
}

/// Parses a payment mode code (CH, ESP, CB, PRLV, VIR, CESU, ANCV).
pub fn parse_mode(text: &str) -> Result<PaymentMode, AppError> {
    serde_json::from_value(serde_json::Value::String(text.trim().to_uppercase())).map_err(|_| {
        AppError::Refused(format!(
            "Mode de règlement inconnu : « {text} » (CH, ESP, CB, PRLV, VIR, CESU ou ANCV)."
        ))
    })
}

/// Records a payment made at the desk: a credit of the wallet.
pub fn record_payment(app: &App, payment: DeskPayment) -> Result<PaymentId, AppError> {
    if !payment.amount.is_positive() {
        return Err(AppError::Refused(
            "Le montant d'un règlement doit être supérieur à 0.".to_owned(),
        ));
    }
    for text in [&payment.number, &payment.bank, &payment.payer]
        .into_iter()
        .flatten()
    {
        if text.chars().any(char::is_control) || text.len() > 200 {
            return Err(AppError::Refused(format!("Texte invalide : « {text} ».")));
        }
    }
    app.execute("staff:payment", move |command| {
        let today = domain::deadline::paris_day(command.now());
        let Some(family) = projections::family(command.conn(), payment.family, today)? else {
            return Err(AppError::Refused("Famille inconnue.".to_owned()));
        };
        let wallets: Vec<WalletId> = projections::structures(command.conn())?
            .into_iter()
            .filter(|s| family.structures.contains(&s.structure_id))
            .map(|s| s.wallet_id)
            .collect();
        if !wallets.contains(&payment.wallet) {
            return Err(AppError::Refused(
                "Ce porte-monnaie ne couvre aucune structure de la famille.".to_owned(),
            ));
        }
        let id = PaymentId(Uuid::now_v7());
        registry::save_payment_details(
            command.conn(),
            id.0,
            &PaymentDetails {
                piece_number: payment.number.clone(),
                payer_name: payment.payer.clone(),
                bank_name: payment.bank.clone(),
            },
        )?;
        command.emit(PaymentRecorded {
            payment_id: id,
            family_id: payment.family,
            wallet_id: payment.wallet,
            amount: payment.amount,
            mode: payment.mode,
            paid_on: payment.paid_on,
        })?;
        Ok(id)
    })
}

/// Cancels a desk payment recorded by mistake (a new event; the payment stays in the log).
pub fn cancel_payment(app: &App, payment: PaymentId) -> Result<Money, AppError> {
    app.execute("staff:payment", move |command| {
        let row: Option<(String, String, String, bool)> = command
            .conn()
            .prepare_cached("SELECT family_id, wallet_id, amount, cancelled FROM payment_history WHERE payment_id = ?1 AND mode <> 'CB'")?
            .query_row(params![payment.to_string()], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))
            .optional()?;
        let Some((family, wallet, amount, cancelled)) = row else {
            return Err(AppError::Refused("Règlement au guichet introuvable.".to_owned()));
        };
        if cancelled {
            return Err(AppError::Refused("Ce règlement est déjà annulé.".to_owned()));
        }
        let amount = Money::from_stored(&amount).map_err(|e| AppError::corrupt("payment_history", e))?;
        command.emit(PaymentCancelled {
            payment_id: payment,
            family_id: family.parse().map_err(|e| AppError::corrupt("payment_history", e))?,
            wallet_id: wallet.parse().map_err(|e| AppError::corrupt("payment_history", e))?,
            amount,
        })?;
        Ok(amount)
    })
}

/// The seed's "Solde et Paiement" for one wallet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WalletStatement {
    pub wallet_id: Uuid,
    pub wallet: String,
    /// Payments − consumptions (negative: the family owes it, « montant dû »).
    pub balance: Money,
    /// Cost of accepted reservations not yet debited.
    pub estimated_confirmed: Money,
    /// Cost of requests not yet transmitted and of waitlisted places.
    pub estimated_pending: Money,
    /// balance − the estimated costs the two check boxes select.
    pub estimated_balance: Money,
}

impl WalletStatement {
    /// The « Coût estimé » the two check boxes select.
    pub fn estimated_cost(&self, confirmed: bool, pending: bool) -> Money {
        let mut cost = Money::ZERO;
        if confirmed {
            cost = cost + self.estimated_confirmed;
        }
        if pending {
            cost = cost + self.estimated_pending;
        }
        cost
    }
}

/// The family's wallets; `confirmed` / `pending` are the seed's check boxes (Confirmées,
/// En attente) choosing what the estimated balance counts.
pub fn statement(
    app: &App,
    family: FamilyId,
    confirmed: bool,
    pending: bool,
) -> Result<Vec<WalletStatement>, AppError> {
    let today = app.today();
    app.query(move |conn| statement_in(conn, family, today, confirmed, pending))
}

pub fn statement_in(
    conn: &Connection,
    family: FamilyId,
    today: NaiveDate,
    confirmed: bool,
    pending: bool,
) -> Result<Vec<WalletStatement>, AppError> {
    let Some(row) = projections::family(conn, family, today)? else {
        return Err(AppError::Refused("Famille inconnue.".to_owned()));
    };
    let structures = projections::structures(conn)?;
    let mut wallets: Vec<(WalletId, String)> = structures
        .iter()
        .filter(|s| row.structures.contains(&s.structure_id))
        .map(|s| (s.wallet_id, s.wallet_label.clone()))
        .collect();
    let balances = projections::balances(conn, family)?;
    for balance in &balances {
        if !wallets.iter().any(|(w, _)| *w == balance.wallet_id) {
            let label = projections::wallets(conn)?
                .into_iter()
                .find(|w| w.wallet_id == balance.wallet_id)
                .map(|w| w.label)
                .unwrap_or_default();
            wallets.push((balance.wallet_id, label));
        }
    }
    wallets.sort();
    wallets.dedup();
    // Places and requests not yet debited.
    let open: Vec<(String, String, String, Option<String>)> = conn
        .prepare_cached(
            "SELECT r.activity_id, r.day, r.state, c.consumption_id FROM reservations r
               LEFT JOIN consumption_history c ON c.reservation_id = r.reservation_id
              WHERE r.family_id = ?1 AND r.state IN ('acceptee', 'liste_attente')
             UNION ALL
             SELECT q.activity_id, q.day, 'non_transmis', NULL FROM booking_requests q
              WHERE q.family_id = ?1 AND q.kind = 'booking' AND +q.state = 'non_transmis'",
        )?
        .query_map(params![family.to_string()], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut estimates: Vec<(WalletId, bool, Money)> = Vec::new();
    for (activity, day, state, consumed) in open {
        if consumed.is_some() {
            continue;
        }
        let activity = ActivityId(
            Uuid::parse_str(&activity).map_err(|e| AppError::corrupt("reservations", e))?,
        );
        let day: NaiveDate = day
            .parse()
            .map_err(|e| AppError::corrupt("reservations", e))?;
        let price = day_price(conn, family, activity, day)?;
        estimates.push((price.wallet, state == "acceptee", price.amount));
    }
    Ok(wallets
        .into_iter()
        .map(|(wallet, label)| {
            let balance = balances
                .iter()
                .find(|b| b.wallet_id == wallet)
                .map(|b| b.balance)
                .unwrap_or(Money::ZERO);
            let sum = |confirmed_part: bool| -> Money {
                estimates
                    .iter()
                    .filter(|(w, c, _)| *w == wallet && *c == confirmed_part)
                    .map(|(_, _, amount)| *amount)
                    .sum()
            };
            let mut statement = WalletStatement {
                wallet_id: wallet.0,
                wallet: label,
                balance,
                estimated_confirmed: sum(true),
                estimated_pending: sum(false),
                estimated_balance: balance,
            };
            statement.estimated_balance = balance - statement.estimated_cost(confirmed, pending);
            statement
        })
        .collect())
}

/// One line of the consumption history (the seed's table).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConsumptionLine {
    pub day: NaiveDate,
    /// "DUPONT Lilou".
    pub consumer: String,
    pub activity: String,
    pub unit_price: Money,
    pub quantity: u32,
    pub total: Money,
}

/// One line of the payment history (the seed's table).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PaymentLine {
    pub paid_on: NaiveDate,
    pub mode: String,
    pub number: Option<String>,
    pub payer: Option<String>,
    pub bank: Option<String>,
    pub amount: Money,
    pub cancelled: bool,
}

/// A month of history with its exact total.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct History<T> {
    pub month: String,
    pub lines: Vec<T>,
    pub total: Money,
    /// Months that have lines, oldest first (for the ← → arrows).
    pub months_with_data: Vec<String>,
}

fn month_bounds(month: NaiveDate) -> (String, String) {
    let first = month.with_day(1).unwrap_or(month);
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(first);
    (first.to_string(), next.to_string())
}

pub fn consumption_history(
    app: &App,
    family: FamilyId,
    month: NaiveDate,
) -> Result<History<ConsumptionLine>, AppError> {
    app.query(move |conn| {
        let (from, to) = month_bounds(month);
        let rows: Vec<(String, String, String, String, u32, String)> = conn
            .prepare_cached(
                "SELECT day, child_id, activity_id, unit_price, quantity, amount FROM consumption_history
                 WHERE family_id = ?1 AND day >= ?2 AND day < ?3 ORDER BY day, child_id",
            )?
            .query_map(params![family.to_string(), from, to], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?))
            })?
            .collect::<Result<_, _>>()?;
        let mut lines = Vec::with_capacity(rows.len());
        for (day, child, activity, unit_price, quantity, amount) in rows {
            let corrupt = |e: &dyn std::fmt::Display| AppError::corrupt("consumption_history", e.to_string());
            let day: NaiveDate = day.parse().map_err(|e| corrupt(&e))?;
            let child = ChildId(Uuid::parse_str(&child).map_err(|e| corrupt(&e))?);
            let activity = ActivityId(Uuid::parse_str(&activity).map_err(|e| corrupt(&e))?);
            lines.push(ConsumptionLine {
                day,
                consumer: registry::child(conn, child)?.map(|c| c.display_name()).unwrap_or_default(),
                activity: projections::activity(conn, activity, day)?.map(|a| a.label).unwrap_or_default(),
                unit_price: Money::from_stored(&unit_price).map_err(|e| corrupt(&e))?,
                quantity,
                total: Money::from_stored(&amount).map_err(|e| corrupt(&e))?,
            });
        }
        let months = months(conn, "SELECT DISTINCT substr(day, 1, 7) FROM consumption_history WHERE family_id = ?1 ORDER BY 1", family)?;
        Ok(History {
            month: from[..7].to_owned(),
            total: lines.iter().map(|l| l.total).sum(),
            lines,
            months_with_data: months,
        })
    })
}

pub fn payment_history(
    app: &App,
    family: FamilyId,
    month: NaiveDate,
) -> Result<History<PaymentLine>, AppError> {
    app.query(move |conn| {
        let (from, to) = month_bounds(month);
        // (paid_on, mode, amount) as stored, and the line's other fields.
        type Row = (String, String, String, PaymentLine);
        let rows: Vec<Row> = conn
            .prepare_cached(
                "SELECT p.paid_on, p.mode, p.amount, p.cancelled, d.piece_number, d.payer_name, d.bank_name
                 FROM payment_history p LEFT JOIN payment_details d ON d.payment_id = p.payment_id
                 WHERE p.family_id = ?1 AND p.paid_on >= ?2 AND p.paid_on < ?3 ORDER BY p.paid_on, p.payment_id",
            )?
            .query_map(params![family.to_string(), from, to], |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    PaymentLine {
                        paid_on: NaiveDate::MIN,
                        mode: String::new(),
                        number: row.get(4)?,
                        payer: row.get(5)?,
                        bank: row.get(6)?,
                        amount: Money::ZERO,
                        cancelled: row.get(3)?,
                    },
                ))
            })?
            .collect::<Result<_, _>>()?;
        let mut lines = Vec::with_capacity(rows.len());
        for (paid_on, mode, amount, mut line) in rows {
            line.paid_on = paid_on.parse().map_err(|e| AppError::corrupt("payment_history", e))?;
            line.mode = mode;
            line.amount = Money::from_stored(&amount).map_err(|e| AppError::corrupt("payment_history", e))?;
            lines.push(line);
        }
        let months = months(conn, "SELECT DISTINCT substr(paid_on, 1, 7) FROM payment_history WHERE family_id = ?1 ORDER BY 1", family)?;
        Ok(History {
            month: from[..7].to_owned(),
            total: lines.iter().filter(|l| !l.cancelled).map(|l| l.amount).sum(),
            lines,
            months_with_data: months,
        })
    })
}

fn months(conn: &Connection, sql: &str, family: FamilyId) -> Result<Vec<String>, AppError> {
    Ok(conn
        .prepare_cached(sql)?
        .query_map(params![family.to_string()], |row| row.get(0))?
        .collect::<Result<_, _>>()?)
}
