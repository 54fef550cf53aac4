//! Card payment on the portal ("Paiement CB") behind the provider port of the `payment` crate.
//!
//! The flow: `start` takes the parent's amount within PayFiP's bounds (1.00 € – 100 000 €;
//! proposed by the server: what brings the estimated balance back to zero, at least 1.00 €),
//! creates the operation with the provider
//! (outside the writer: no network call holds the writer), then records `OnlinePaymentStarted`.
//! The provider's notification, the browser's return and the reconciliation pass all call
//! `settle`, which asks the provider (`detail`) and records `OnlinePaymentConfirmed` or
//! `OnlinePaymentFailed` at most once per operation: the state is re-read inside the writer
//! transaction, and the operation id is UNIQUE in the read model.

use domain::Money;
use domain::event::payloads::{OnlinePaymentConfirmed, OnlinePaymentFailed, OnlinePaymentStarted};
use domain::ids::{FamilyId, OnlinePaymentId, WalletId};
use domain::values::OnlinePaymentFailure;
use payment::{CreatePayment, PaymentProvider, PaymentStatus};
use serde::Serialize;
use uuid::Uuid;

pub use projections::OnlinePaymentState;

use crate::money::{self, MoneyRefusal};
use crate::registry;
use crate::{App, AppError, Command};

/// The least a parent may pay by card (PayFiP's floor).
pub fn minimum() -> Money {
    Money::from_cents(payment::MIN_AMOUNT_CENTS)
}

/// The most a parent may pay by card in one operation (PayFiP's ceiling).
pub fn maximum() -> Money {
    Money::from_cents(payment::MAX_AMOUNT_CENTS)
}

/// What the proposed « Montant à créditer » is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Proposal {
    /// What the estimated balance misses: paying it brings the estimated balance to zero.
    ClearsEstimatedBalance { amount: Money },
    /// The estimated balance owes nothing, or less than a card payment's minimum: the minimum
    /// is proposed, and the estimated balance becomes `new_estimated_balance` (positive).
    Minimum {
        amount: Money,
        estimated_balance: Money,
        new_estimated_balance: Money,
    },
}

impl Proposal {
    /// « Montant à créditer » proposed, the default of the form.
    pub fn amount(&self) -> Money {
        match self {
            Proposal::ClearsEstimatedBalance { amount } | Proposal::Minimum { amount, .. } => {
                *amount
            }
        }
    }
}

/// The proposed « Montant à créditer »: what brings the wallet's estimated balance (confirmed
/// and pending reservations counted) back to zero, or PayFiP's minimum when that is less than
/// 1.00 € (nothing owed, or almost nothing).
pub fn proposal(statement: &money::WalletStatement) -> Proposal {
    let missing = -statement.estimated_balance;
    if missing >= minimum() {
        Proposal::ClearsEstimatedBalance { amount: missing }
    } else {
        Proposal::Minimum {
            amount: minimum(),
            estimated_balance: statement.estimated_balance,
            new_estimated_balance: statement.estimated_balance + minimum(),
        }
    }
}

/// The amount of [`proposal`].
pub fn suggested_amount(statement: &money::WalletStatement) -> Money {
    proposal(statement).amount()
}

/// What the payment page shows: every wallet's statement (all reservations counted) and the
/// profile's address, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkout {
    pub wallets: Vec<money::WalletStatement>,
    pub email: Option<String>,
}

/// The payment page's data for `family`.
pub fn checkout(app: &App, family: FamilyId) -> Result<Checkout, AppError> {
    let today = app.today();
    app.query(move |conn| {
        Ok(Checkout {
            wallets: money::statement_in(conn, family, today, true, true)?,
            email: registry::family_account(conn, family)?
                .and_then(|a| a.email)
                .map(String::from),
        })
    })
}

/// What the portal needs to send the parent to the provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Started {
    pub online_payment_id: Uuid,
    pub operation_id: String,
    pub amount: Money,
    pub redirect_url: String,
}

/// Where the provider calls back, built from the configured base URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallbackUrls {
    pub notify_url: String,
    pub return_url: String,
}

/// Starts a card payment of `requested` (or the suggested amount) on `wallet` for `family`.
/// `email`: the address typed on the payment page when the profile has none (used for this
/// payment only); otherwise the profile's.
pub fn start(
    app: &App,
    provider: &dyn PaymentProvider,
    family: FamilyId,
    wallet: WalletId,
    requested: Option<Money>,
    email: Option<&str>,
    callbacks: &CallbackUrls,
) -> Result<Started, AppError> {
    let typed = email
        .filter(|e| !e.trim().is_empty())
        .map(crate::accounts::parse_email)
        .transpose()?;
    let today = app.today();
    let (statement, email) = app.query(move |conn| {
        let statement = money::statement_in(conn, family, today, true, true)?
            .into_iter()
            .find(|w| w.wallet_id == wallet.0)
            .ok_or(MoneyRefusal::NotYourWallet)?;
        let email = registry::family_account(conn, family)?.and_then(|a| a.email);
        Ok((statement, email))
    })?;
    let Some(email) = typed.or(email) else {
        return Err(MoneyRefusal::EmailRequired.into());
    };
    let amount = requested.unwrap_or_else(|| suggested_amount(&statement));
    if amount < minimum() || amount > maximum() {
        return Err(MoneyRefusal::AmountOutOfBounds {
            amount,
            minimum: minimum(),
            maximum: maximum(),
        }
        .into());
    }
    let online_payment = OnlinePaymentId(Uuid::now_v7());
    let simple = online_payment.0.simple().to_string();
    let reference = simple[simple.len() - payment::MAX_REFERENCE_LENGTH..].to_uppercase();
    let created = provider
        .create(&CreatePayment {
            amount,
            email: email.into(),
            reference,
            object: format!("Porte-monnaie {}", statement.wallet),
            notify_url: callbacks.notify_url.clone(),
            return_url: callbacks.return_url.clone(),
        })
        .map_err(|e| MoneyRefusal::PaymentNotStarted {
            detail: e.to_string(),
        })?;
    let provider_name = provider.name().to_owned();
    let operation = created.operation_id.clone();
    let actor = format!("family:{family}");
    app.execute(&actor, move |command| {
        command.emit(OnlinePaymentStarted {
            online_payment_id: online_payment,
            family_id: family,
            wallet_id: wallet,
            amount,
            provider: provider_name,
            operation_id: operation,
            started_at: command.now(),
        })?;
        Ok(())
    })?;
    Ok(Started {
        online_payment_id: online_payment.0,
        operation_id: created.operation_id,
        amount,
        redirect_url: created.redirect_url,
    })
}

/// What `settle` found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Settlement {
    /// Credited now.
    Paid { amount: Money },
    /// Ended without credit now (refused, cancelled, expired).
    Failed { state: OnlinePaymentFailure },
    /// Still in progress at the provider.
    Pending,
    /// Already settled earlier (a repeated notification or return): nothing changed.
    AlreadySettled { state: OnlinePaymentState },
    /// No such operation here: a forged or misrouted call, ignored.
    Unknown,
}

/// Settles an operation from the provider's own answer. Safe to call any number of times, in
/// any order, from the notification, the return and the reconciliation.
pub fn settle(
    app: &App,
    provider: &dyn PaymentProvider,
    operation_id: &str,
) -> Result<Settlement, AppError> {
    if !payment::valid_operation_id(operation_id) {
        tracing::warn!(
            operation_id,
            "payment callback with a malformed operation id ignored"
        );
        return Ok(Settlement::Unknown);
    }
    let id = operation_id.to_owned();
    let Some(known) = app.query(move |conn| Ok(projections::online_payment(conn, &id)?))? else {
        tracing::warn!(
            operation_id,
            "payment callback for an unknown operation ignored"
        );
        return Ok(Settlement::Unknown);
    };
    if known.state != OnlinePaymentState::Started {
        return Ok(Settlement::AlreadySettled { state: known.state });
    }
    let age = app.now() - known.started_at;
    let status = match provider
        .detail(operation_id)
        .map_err(|e| MoneyRefusal::ProviderUnavailable {
            detail: e.to_string(),
        })?
        .aged(age)
    {
        // An abandoned operation stays payable while it is valid (the parent may go back to the
        // page and pay): « A » is final only once the operation could no longer be paid.
        PaymentStatus::Cancelled if age < payment::PENDING_EXPIRY => PaymentStatus::Pending,
        status => status,
    };
    let id = operation_id.to_owned();
    let today = app.today();
    app.execute("system:payment", move |command| {
        // Re-read inside the writer: a concurrent notification may have settled it meanwhile.
        let Some(current) = projections::online_payment(command.conn(), &id)? else {
            return Ok(Settlement::Unknown);
        };
        if current.state != OnlinePaymentState::Started {
            return Ok(Settlement::AlreadySettled {
                state: current.state,
            });
        }
        record_outcome(command, &current, &id, &status, today)
    })
}

/// Records what the provider says of an operation still started: a credit, a failure, or
/// nothing while it is pending.
fn record_outcome(
    command: &mut Command<'_, '_>,
    current: &projections::OnlinePaymentRow,
    id: &str,
    status: &PaymentStatus,
    today: chrono::NaiveDate,
) -> Result<Settlement, AppError> {
    match status {
        PaymentStatus::Pending => Ok(Settlement::Pending),
        PaymentStatus::Paid { result, amount } => {
            if *amount != current.amount {
                tracing::warn!(operation_id = %id, started = %current.amount, paid = %amount,
                    "the provider took another amount than the one started; crediting what was paid");
            }
            command.emit(OnlinePaymentConfirmed {
                online_payment_id: current.online_payment_id,
                family_id: current.family_id,
                wallet_id: current.wallet_id,
                amount: *amount,
                operation_id: id.to_owned(),
                provider_result: result.clone(),
                paid_on: today,
            })?;
            Ok(Settlement::Paid { amount: *amount })
        }
        other => {
            let Some(outcome) = other.failure() else {
                return Ok(Settlement::Pending);
            };
            command.emit(OnlinePaymentFailed {
                online_payment_id: current.online_payment_id,
                family_id: current.family_id,
                operation_id: id.to_owned(),
                outcome,
                provider_result: other.result_code().to_owned(),
            })?;
            Ok(Settlement::Failed { state: outcome })
        }
    }
}

/// What a reconciliation pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ReconcileReport {
    pub checked: u32,
    pub paid: u32,
    pub failed: u32,
    pub still_pending: u32,
    pub errors: u32,
}

/// Asks the provider about every operation still in progress (a notification can be lost).
pub fn reconcile(app: &App, provider: &dyn PaymentProvider) -> Result<ReconcileReport, AppError> {
    let pending = app.query(|conn| Ok(projections::started_operations(conn)?))?;
    let mut report = ReconcileReport::default();
    for operation_id in pending {
        report.checked += 1;
        match settle(app, provider, &operation_id) {
            Ok(Settlement::Paid { .. }) => report.paid += 1,
            Ok(Settlement::Failed { .. }) => report.failed += 1,
            Ok(Settlement::Pending) => report.still_pending += 1,
            Ok(_) => {}
            Err(error) => {
                report.errors += 1;
                tracing::warn!(%operation_id, %error, "reconciliation of an operation failed; retried next time");
            }
        }
    }
    Ok(report)
}
