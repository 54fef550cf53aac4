//! What the desk's payment form offers for a family: its wallets (régies).

use domain::ids::{FamilyId, WalletId};
use domain::staff::Permission;

use crate::money::MoneyRefusal;
use crate::registry;
use crate::staff::Acting;
use crate::{App, AppError};

/// The family a payment is recorded for, and the wallets its structures are billed through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentTarget {
    pub family_id: FamilyId,
    pub login: String,
    /// « M. DUPONT Jean-Paul ».
    pub addressee: String,
    /// (wallet, label), each once.
    pub wallets: Vec<(WalletId, String)>,
}

/// The payment form's choices: `by` needs `RecordPayment` on one of the family's structures.
pub fn payment_target(app: &App, by: &Acting, family: FamilyId) -> Result<PaymentTarget, AppError> {
    let by = by.clone();
    let today = app.today();
    app.query(move |conn| {
        let row = projections::family(conn, family, today)?.ok_or(MoneyRefusal::UnknownFamily)?;
        by.require_any(Permission::RecordPayment, &row.structures)?;
        let account = registry::family_account(conn, family)?.ok_or(MoneyRefusal::UnknownFamily)?;
        let mut wallets: Vec<(WalletId, String)> = Vec::new();
        for structure in projections::structures(conn)? {
            if row.structures.contains(&structure.structure_id)
                && !wallets.iter().any(|(id, _)| *id == structure.wallet_id)
            {
                wallets.push((structure.wallet_id, structure.wallet_label));
            }
        }
        Ok(PaymentTarget {
            family_id: family,
            login: account.login.clone(),
            addressee: account.addressee(),
            wallets,
        })
    })
}
