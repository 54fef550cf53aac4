//! Reads of the money read model: balances, what is billed and what is not yet, the histories,
//! card payments. (The accepted places a day bills and the requests an estimate counts are read
//! from the booking tables: billing is their only reader here.)

use chrono::{DateTime, NaiveDate, Utc};
use domain::Money;
use domain::ids::{
    ActivityId, ChildId, ConsumptionId, FamilyId, OnlinePaymentId, PaymentId, ReservationId,
    WalletId,
};
use domain::values::OnlinePaymentFailure;
use rusqlite::{Connection, params};
use uuid::Uuid;

use crate::ProjectionError;
use crate::row;

/// Balance of one family in one wallet (zero when nothing was ever recorded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BalanceRow {
    pub wallet_id: WalletId,
    pub credits: Money,
    pub debits: Money,
    pub balance: Money,
}

pub fn balances(conn: &Connection, family: FamilyId) -> Result<Vec<BalanceRow>, ProjectionError> {
    row::all(
        conn,
        "wallet_balances",
        "SELECT wallet_id, credits, debits, balance FROM wallet_balances WHERE family_id = ?1 ORDER BY wallet_id",
        params![family.to_string()],
        |row| {
            Ok(BalanceRow {
                wallet_id: row.id(0)?,
                credits: row.money(1)?,
                debits: row.money(2)?,
                balance: row.money(3)?,
            })
        },
    )
}

/// A place accepted for a day: what the nightly consumption bills.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AcceptedPlace {
    pub reservation_id: ReservationId,
    pub family_id: FamilyId,
    pub child_id: ChildId,
    pub activity_id: ActivityId,
}

/// Every place accepted on `day`, by reservation id.
pub fn accepted_places(
    conn: &Connection,
    day: NaiveDate,
) -> Result<Vec<AcceptedPlace>, ProjectionError> {
    row::all(
        conn,
        "reservations",
        "SELECT reservation_id, family_id, child_id, activity_id FROM reservations
         WHERE day = ?1 AND state = 'acceptee' ORDER BY reservation_id",
        params![day.to_string()],
        |row| {
            Ok(AcceptedPlace {
                reservation_id: row.id(0)?,
                family_id: row.id(1)?,
                child_id: row.id(2)?,
                activity_id: row.id(3)?,
            })
        },
    )
}

/// The accepted place of a child on an activity and day, if any.
pub fn accepted_reservation(
    conn: &Connection,
    child: ChildId,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<Option<ReservationId>, ProjectionError> {
    row::one(
        conn,
        "reservations",
        "SELECT reservation_id FROM reservations WHERE child_id = ?1 AND activity_id = ?2 AND day = ?3 AND state = 'acceptee'",
        params![child.to_string(), activity.to_string(), day.to_string()],
        |row| row.id(0),
    )
}

/// Whether that consumption is already recorded.
pub fn consumption_recorded(
    conn: &Connection,
    consumption: ConsumptionId,
) -> Result<bool, ProjectionError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM consumption_history WHERE consumption_id = ?1)",
        )?
        .query_row(params![consumption.to_string()], |row| row.get(0))?)
}

/// Whether a consumption billing that reservation is recorded, whatever its id.
pub fn reservation_billed(
    conn: &Connection,
    reservation: ReservationId,
) -> Result<bool, ProjectionError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM consumption_history WHERE reservation_id = ?1)",
        )?
        .query_row(params![reservation.to_string()], |row| row.get(0))?)
}

/// A payment made at the desk, as the history holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeskPaymentRow {
    pub family_id: FamilyId,
    pub wallet_id: WalletId,
    pub amount: Money,
    /// The payment mode's code (`CH`, `ESP`, `CB`…).
    pub mode: String,
    pub paid_on: NaiveDate,
    pub cancelled: bool,
}

/// A desk payment, whatever its mode (a card at the desk's terminal is one); a card payment
/// made on the portal is not.
pub fn desk_payment(
    conn: &Connection,
    payment: PaymentId,
) -> Result<Option<DeskPaymentRow>, ProjectionError> {
    row::one(
        conn,
        "payment_history",
        "SELECT family_id, wallet_id, amount, mode, paid_on, cancelled FROM payment_history p
         WHERE payment_id = ?1
           AND NOT EXISTS (SELECT 1 FROM online_payments o WHERE o.online_payment_id = p.payment_id)",
        params![payment.to_string()],
        |row| {
            Ok(DeskPaymentRow {
                family_id: row.id(0)?,
                wallet_id: row.id(1)?,
                amount: row.money(2)?,
                mode: row.get(3)?,
                paid_on: row.day(4)?,
                cancelled: row.get(5)?,
            })
        },
    )
}

/// Which of the wallet statement's estimates a place or request not yet debited counts in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Estimate {
    /// An accepted place.
    Confirmed,
    /// A waitlisted place or a request not yet transmitted.
    Pending,
}

/// A place or a booking request of a family not yet debited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnbilledRow {
    pub activity_id: ActivityId,
    pub day: NaiveDate,
    pub estimate: Estimate,
}

/// The family's accepted and waitlisted places not yet debited, and its booking requests not
/// yet transmitted.
pub fn unbilled(conn: &Connection, family: FamilyId) -> Result<Vec<UnbilledRow>, ProjectionError> {
    let rows = row::all(
        conn,
        "reservations",
        "SELECT r.activity_id, r.day, r.state = 'acceptee', c.consumption_id IS NOT NULL FROM reservations r
           LEFT JOIN consumption_history c ON c.reservation_id = r.reservation_id
          WHERE r.family_id = ?1 AND r.state IN ('acceptee', 'liste_attente')
         UNION ALL
         SELECT q.activity_id, q.day, 0, 0 FROM booking_requests q
          WHERE q.family_id = ?1 AND q.kind = 'booking' AND +q.state = 'non_transmis'",
        params![family.to_string()],
        |row| {
            let consumed: bool = row.get(3)?;
            let estimate = if row.get(2)? {
                Estimate::Confirmed
            } else {
                Estimate::Pending
            };
            Ok((!consumed).then_some(UnbilledRow {
                activity_id: row.id(0)?,
                day: row.day(1)?,
                estimate,
            }))
        },
    )?;
    Ok(rows.into_iter().flatten().collect())
}

/// One consumption of the history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConsumptionRow {
    pub day: NaiveDate,
    pub child_id: ChildId,
    pub activity_id: ActivityId,
    pub unit_price: Money,
    pub quantity: u32,
    pub amount: Money,
    /// The régie debited.
    pub wallet_id: WalletId,
}

/// The family's consumptions of the days `from` ≤ day < `to`, by day and child.
pub fn consumptions(
    conn: &Connection,
    family: FamilyId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ConsumptionRow>, ProjectionError> {
    row::all(
        conn,
        "consumption_history",
        "SELECT day, child_id, activity_id, unit_price, quantity, amount, wallet_id FROM consumption_history
         WHERE family_id = ?1 AND day >= ?2 AND day < ?3 ORDER BY day, child_id",
        params![family.to_string(), from.to_string(), to.to_string()],
        |row| {
            Ok(ConsumptionRow {
                day: row.day(0)?,
                child_id: row.id(1)?,
                activity_id: row.id(2)?,
                unit_price: row.money(3)?,
                quantity: row.get(4)?,
                amount: row.money(5)?,
                wallet_id: row.id(6)?,
            })
        },
    )
}

/// One payment of the history (desk or card).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentRow {
    /// A desk payment's id, or a card payment's online payment id.
    pub payment_id: Uuid,
    pub paid_on: NaiveDate,
    /// The payment mode's code (`CH`, `CB`…).
    pub mode: String,
    pub amount: Money,
    pub cancelled: bool,
    /// The régie credited.
    pub wallet_id: WalletId,
}

/// The family's payments made `from` ≤ day < `to`, by day.
pub fn payments(
    conn: &Connection,
    family: FamilyId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<PaymentRow>, ProjectionError> {
    row::all(
        conn,
        "payment_history",
        "SELECT payment_id, paid_on, mode, amount, cancelled, wallet_id FROM payment_history
         WHERE family_id = ?1 AND paid_on >= ?2 AND paid_on < ?3 ORDER BY paid_on, payment_id",
        params![family.to_string(), from.to_string(), to.to_string()],
        |row| {
            Ok(PaymentRow {
                payment_id: row.id(0)?,
                paid_on: row.day(1)?,
                mode: row.get(2)?,
                amount: row.money(3)?,
                cancelled: row.get(4)?,
                wallet_id: row.id(5)?,
            })
        },
    )
}

/// The months (`YYYY-MM`) in which the family has consumptions, oldest first.
pub fn consumption_months(
    conn: &Connection,
    family: FamilyId,
) -> Result<Vec<String>, ProjectionError> {
    row::all(
        conn,
        "consumption_history",
        "SELECT DISTINCT substr(day, 1, 7) FROM consumption_history WHERE family_id = ?1 ORDER BY 1",
        params![family.to_string()],
        |row| row.get(0),
    )
}

/// The months (`YYYY-MM`) in which the family has payments, oldest first.
pub fn payment_months(conn: &Connection, family: FamilyId) -> Result<Vec<String>, ProjectionError> {
    row::all(
        conn,
        "payment_history",
        "SELECT DISTINCT substr(paid_on, 1, 7) FROM payment_history WHERE family_id = ?1 ORDER BY 1",
        params![family.to_string()],
        |row| row.get(0),
    )
}

/// Where a card payment stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnlinePaymentState {
    /// Created with the provider, not settled yet.
    Started,
    /// Confirmed and credited.
    Paid,
    /// Ended without credit.
    Failed(OnlinePaymentFailure),
}

impl OnlinePaymentState {
    /// The stored form, in `online_payments.state`.
    pub(crate) fn code(self) -> &'static str {
        match self {
            OnlinePaymentState::Started => "started",
            OnlinePaymentState::Paid => "paid",
            OnlinePaymentState::Failed(OnlinePaymentFailure::Refused) => "refused",
            OnlinePaymentState::Failed(OnlinePaymentFailure::Cancelled) => "cancelled",
            OnlinePaymentState::Failed(OnlinePaymentFailure::Expired) => "expired",
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        [
            OnlinePaymentState::Started,
            OnlinePaymentState::Paid,
            OnlinePaymentState::Failed(OnlinePaymentFailure::Refused),
            OnlinePaymentState::Failed(OnlinePaymentFailure::Cancelled),
            OnlinePaymentState::Failed(OnlinePaymentFailure::Expired),
        ]
        .into_iter()
        .find(|state| state.code() == code)
    }
}

/// A card payment as recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OnlinePaymentRow {
    pub online_payment_id: OnlinePaymentId,
    pub family_id: FamilyId,
    pub wallet_id: WalletId,
    pub amount: Money,
    pub started_at: DateTime<Utc>,
    pub state: OnlinePaymentState,
}

/// The card payment of the provider's operation `operation_id`, if it is ours.
pub fn online_payment(
    conn: &Connection,
    operation_id: &str,
) -> Result<Option<OnlinePaymentRow>, ProjectionError> {
    row::one(
        conn,
        "online_payments",
        "SELECT online_payment_id, family_id, wallet_id, amount, started_at, state FROM online_payments
         WHERE operation_id = ?1",
        params![operation_id],
        |row| {
            Ok(OnlinePaymentRow {
                online_payment_id: row.id(0)?,
                family_id: row.id(1)?,
                wallet_id: row.id(2)?,
                amount: row.money(3)?,
                started_at: row.instant(4)?,
                state: row.code(5, OnlinePaymentState::from_code)?,
            })
        },
    )
}

/// The operation ids of the card payments not settled yet, oldest first.
pub fn started_operations(conn: &Connection) -> Result<Vec<String>, ProjectionError> {
    row::all(
        conn,
        "online_payments",
        "SELECT operation_id FROM online_payments WHERE state = ?1 ORDER BY started_at",
        params![OnlinePaymentState::Started.code()],
        |row| row.get(0),
    )
}

#[cfg(test)]
mod tests;
