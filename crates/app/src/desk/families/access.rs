//! Helping a family with its portal access: unlock a throttled log-in, mail a reset link, issue
//! a new activation code for the printed letter. Each is one `FamilyAccessAssisted` event (no
//! code, no address in it).

use domain::event::payloads::FamilyAccessAssisted;
use domain::ids::FamilyId;
use domain::staff::Permission;
use domain::values::AccessAssistance;

use super::DeskRefusal;
use super::file::family_structures;
use crate::accounts::{self, ResetMail};
use crate::registry::{self, FamilyAccount};
use crate::setup::import::{activation_code, hash_activation_code};
use crate::staff::Acting;
use crate::{App, AppError, Command};
use mail::templates::ContactBlock;

/// The printable « Lettre d'activation »: what a parent needs to open the account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivationLetter {
    /// « M. BERNARD Luc ».
    pub addressee: String,
    pub login: String,
    /// The one-time code, shown in this letter only (only its hash is kept).
    pub code: String,
    /// The organisation's contact block, the letter's heading.
    pub contact: ContactBlock,
}

/// Checks `by` may `AssistFamilyAccess` on one of the family's structures and reads its account.
fn assisted_account(
    command: &Command<'_, '_>,
    by: &Acting,
    family: FamilyId,
) -> Result<FamilyAccount, AppError> {
    let today = domain::deadline::paris_day(command.now());
    family_structures(
        command.conn(),
        by,
        Permission::AssistFamilyAccess,
        family,
        today,
    )?;
    Ok(registry::family_account(command.conn(), family)?.ok_or(DeskRefusal::UnknownFamily)?)
}

fn assisted(
    command: &mut Command<'_, '_>,
    family: FamilyId,
    assistance: AccessAssistance,
) -> Result<(), AppError> {
    command.emit(FamilyAccessAssisted {
        family_id: family,
        assistance,
    })?;
    Ok(())
}

/// Lets the family try to log in again at once: the failures counted against its identifiant
/// are forgotten.
pub fn unlock_login(app: &App, by: &Acting, family: FamilyId) -> Result<(), AppError> {
    let acting = by.clone();
    app.execute(&by.actor_text(), move |command| {
        let account = assisted_account(command, &acting, family)?;
        accounts::clear_account_throttles(command.conn(), &account.login, family)?;
        assisted(command, family, AccessAssistance::LoginUnlocked)
    })
}

/// Mails the family a password-reset link (`base_url`: the portal's address, for the link).
/// Refused when the family has no address, or when a link went a few minutes ago.
pub fn send_family_reset_link(
    app: &App,
    by: &Acting,
    family: FamilyId,
    base_url: &str,
) -> Result<(), AppError> {
    let acting = by.clone();
    let base_url = base_url.to_owned();
    app.execute(&by.actor_text(), move |command| {
        let account = assisted_account(command, &acting, family)?;
        match accounts::mail_reset_link(command.conn(), &account, command.now(), &base_url)? {
            ResetMail::Sent => assisted(command, family, AccessAssistance::ResetLinkSent),
            ResetMail::NoAddress => Err(DeskRefusal::NoEmailAddress.into()),
            ResetMail::SentRecently => Err(DeskRefusal::ResetLinkRecentlySent.into()),
        }
    })
}

/// Issues a new one-time activation code (the previous one no longer works) and returns the
/// letter that carries it: the code is never shown again. Activating with it sets a new
/// password, so a family that lost its password can also be helped this way.
pub fn issue_activation_code(
    app: &App,
    by: &Acting,
    family: FamilyId,
) -> Result<ActivationLetter, AppError> {
    let acting = by.clone();
    app.execute(&by.actor_text(), move |command| {
        let account = assisted_account(command, &acting, family)?;
        let code = activation_code();
        registry::set_activation_code_hash(command.conn(), family, &hash_activation_code(&code))?;
        assisted(command, family, AccessAssistance::ActivationCodeIssued)?;
        crate::staff::record_access(
            command.conn(),
            &acting,
            family,
            crate::staff::AccessKind::FamilyDocument,
            command.now(),
        )?;
        Ok(ActivationLetter {
            addressee: account.addressee(),
            login: account.login,
            code,
            contact: crate::notify::contact_block(command.conn())?,
        })
    })
}
