//! The mail outbox as staff sees it, and « Renvoyer ». `Permission::ManageOutbox`.

use domain::staff::Permission;
use mail::{OutboxEntry, OutboxFilter, Resent};

use super::ConsoleRefusal;
use crate::staff::Acting;
use crate::{App, AppError};

/// Mails on one page of the outbox.
pub const OUTBOX_PAGE: usize = 50;

/// One page of the outbox, newest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxPage {
    pub mails: Vec<OutboxEntry>,
    /// The page shown, from 1.
    pub page: usize,
    /// How many mails the filter holds.
    pub total: usize,
}

impl OutboxPage {
    /// Whether a page follows this one.
    pub fn has_next(&self) -> bool {
        self.page.saturating_mul(OUTBOX_PAGE) < self.total
    }
}

/// Page `page` (from 1) of the mails `filter` keeps, newest first.
pub fn outbox_page(
    app: &App,
    by: &Acting,
    filter: OutboxFilter,
    page: usize,
) -> Result<OutboxPage, AppError> {
    by.require(Permission::ManageOutbox, None)?;
    let page = page.max(1);
    let offset = (page - 1).saturating_mul(OUTBOX_PAGE);
    let (mails, total) = app.query(|conn| Ok(mail::page(conn, filter, offset, OUTBOX_PAGE)?))?;
    Ok(OutboxPage { mails, page, total })
}

/// « Renvoyer » (see `mail::resend`): a failed mail is due again now, a sent one is queued
/// again as a new copy. A mail still pending is refused, nothing changes.
pub fn resend_mail(app: &App, by: &Acting, mail_id: uuid::Uuid) -> Result<Resent, AppError> {
    let by = by.clone();
    app.execute(&by.actor_text(), move |command| {
        by.require(Permission::ManageOutbox, None)?;
        let now = command.now();
        match mail::resend(command.conn(), &mail_id.to_string(), now)? {
            Resent::Unknown => Err(AppError::Console(ConsoleRefusal::UnknownMail)),
            Resent::StillPending => Err(AppError::Console(ConsoleRefusal::MailStillPending)),
            done => Ok(done),
        }
    })
}
