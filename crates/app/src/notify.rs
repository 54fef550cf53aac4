//! Mails caused by decisions, composed and enqueued in the decision's transaction (the outbox):
//! sent later by the mail worker, never twice for the same cause, never by a replay.

use std::collections::BTreeMap;

use domain::booking::{Decision, RequestKind};
use domain::ids::{ChildId, FamilyId, StructureId, TransmissionId};
use mail::templates::{
    self, ContactBlock, LineOutcome, PromotionNotice, ReportLine, TransmissionReport,
};
use mail::{MailKind, OutgoingMail};
use projections::booking::{PendingRow, ReservationRow};
use rusqlite::Connection;

use crate::lookup::Lookup;
use crate::registry;
use crate::settings::portal_url;
use crate::wording::booking::refusal_text;
use crate::{AppError, Command};

/// The organisation's contact block, for the foot of every mail.
pub fn contact_block(conn: &Connection) -> Result<ContactBlock, AppError> {
    let profile = registry::organisation(conn)?;
    Ok(match profile {
        Some(p) => ContactBlock {
            name: p.name,
            address: p.address,
            phone: p.phone,
            fax: p.fax,
            email: p.email.into(),
            website: p.website,
        },
        None => ContactBlock {
            name: "Portail Famille".to_owned(),
            address: String::new(),
            phone: String::new(),
            fax: None,
            email: String::new(),
            website: None,
        },
    })
}

fn child_name(conn: &Connection, child: ChildId) -> Result<String, AppError> {
    Ok(registry::child(conn, child)?
        .map(|c| c.display_name())
        .unwrap_or_else(|| child.to_string()))
}

/// What one family's report for one structure says, gathered from the run.
#[derive(Default)]
struct Draft {
    received_bookings: u32,
    received_cancellations: u32,
    accepted: u32,
    waitlisted: u32,
    cancelled: u32,
    refused: u32,
    lines: Vec<ReportLine>,
}

type Drafts = BTreeMap<(FamilyId, StructureId), Draft>;

/// One report per family and structure touched by a transmission, to families with an e-mail.
pub(crate) fn transmission_reports(
    command: &mut Command<'_, '_>,
    transmission: TransmissionId,
    pending: &[PendingRow],
    decisions: &[Decision],
    cache: &mut Lookup,
) -> Result<u32, AppError> {
    let conn = command.conn();
    let mut drafts = Drafts::new();
    count_received(conn, pending, cache, &mut drafts)?;
    report_decisions(conn, decisions, cache, &mut drafts)?;
    let mails = report_mails(conn, transmission, drafts)?;
    let now = command.now();
    let mut enqueued = 0;
    for outgoing in mails {
        if mail::enqueue(command.conn(), &outgoing, now)? {
            enqueued += 1;
        }
    }
    Ok(enqueued)
}

/// The requests received, per family and structure.
fn count_received(
    conn: &Connection,
    pending: &[PendingRow],
    cache: &mut Lookup,
    drafts: &mut Drafts,
) -> Result<(), AppError> {
    for row in pending {
        let structure = match (row.activity_id, row.day) {
            (Some(activity), Some(day)) => {
                cache.activity(conn, activity, day)?.map(|a| a.structure_id)
            }
            _ => None,
        };
        let Some(structure) = structure else { continue };
        let draft = drafts.entry((row.family_id, structure)).or_default();
        match row.kind {
            RequestKind::Booking => draft.received_bookings += 1,
            RequestKind::Cancellation => draft.received_cancellations += 1,
        }
    }
    Ok(())
}

/// One line per decision, counted, per family and structure.
fn report_decisions(
    conn: &Connection,
    decisions: &[Decision],
    cache: &mut Lookup,
    drafts: &mut Drafts,
) -> Result<(), AppError> {
    for decision in decisions {
        let (activity, day) = decision.slot();
        let Some((structure, label)) = cache
            .activity(conn, activity, day)?
            .map(|a| (a.structure_id, a.label.clone()))
        else {
            continue;
        };
        let draft = drafts.entry((decision.family_id(), structure)).or_default();
        let (child, outcome) = match decision {
            Decision::Accepted { child_id, .. } => {
                draft.accepted += 1;
                (*child_id, LineOutcome::Accepted)
            }
            Decision::Waitlisted { child_id, rank, .. } => {
                draft.waitlisted += 1;
                (*child_id, LineOutcome::Waitlisted { rank: *rank })
            }
            Decision::Refused {
                child_id, reason, ..
            } => {
                draft.refused += 1;
                (
                    *child_id,
                    LineOutcome::Refused {
                        reason: refusal_text(*reason).to_owned(),
                    },
                )
            }
            Decision::Cancelled { child_id, .. } => {
                draft.cancelled += 1;
                (*child_id, LineOutcome::Cancelled)
            }
            Decision::Promoted { child_id, .. } => {
                draft.accepted += 1;
                (*child_id, LineOutcome::Promoted)
            }
        };
        draft.lines.push(ReportLine {
            child: cache.child_name(conn, child)?,
            activity: label,
            day,
            outcome,
        });
    }
    Ok(())
}

/// The report mails, for the families with an e-mail.
fn report_mails(
    conn: &Connection,
    transmission: TransmissionId,
    drafts: Drafts,
) -> Result<Vec<OutgoingMail>, AppError> {
    let structures: BTreeMap<StructureId, String> = projections::structures(conn)?
        .into_iter()
        .map(|s| (s.structure_id, s.label))
        .collect();
    let contact = contact_block(conn)?;
    let url = portal_url(conn)?;
    let mut mails = Vec::new();
    for ((family, structure), draft) in drafts {
        let Some(account) = registry::family_account(conn, family)? else {
            continue;
        };
        let Some(email) = account.email.clone() else {
            continue;
        };
        let report = TransmissionReport {
            addressee: account.addressee(),
            structure: structures.get(&structure).cloned().unwrap_or_default(),
            received: draft.received_bookings + draft.received_cancellations,
            new_requests: draft.received_bookings,
            cancellation_requests: draft.received_cancellations,
            accepted: draft.accepted,
            waitlisted: draft.waitlisted,
            cancelled: draft.cancelled,
            refused: draft.refused,
            lines: draft.lines,
            contact: contact.clone(),
            portal_url: url.clone(),
        };
        let (subject, body) = templates::transmission_report(&report);
        mails.push(OutgoingMail {
            kind: MailKind::TransmissionReport,
            dedup_key: format!(
                "{}{family}:{structure}",
                transmission_mail_prefix(transmission)
            ),
            recipient: email.into(),
            subject,
            body,
        });
    }
    Ok(mails)
}

/// How the cause of every report mail of `transmission` begins
/// (`transmission_report:<transmission>:<family>:<structure>`).
pub(crate) fn transmission_mail_prefix(transmission: TransmissionId) -> String {
    format!("transmission_report:{transmission}:")
}

/// The family's address and what a mail about its `place` says (none: no address).
fn place_notice(
    conn: &Connection,
    place: &ReservationRow,
) -> Result<Option<(String, PromotionNotice)>, AppError> {
    let Some(account) = registry::family_account(conn, place.family_id)? else {
        return Ok(None);
    };
    let Some(email) = account.email.clone() else {
        return Ok(None);
    };
    let Some(activity) = projections::activity(conn, place.activity_id, place.day)? else {
        return Ok(None);
    };
    let structure = projections::structures(conn)?
        .into_iter()
        .find(|s| s.structure_id == activity.structure_id)
        .map(|s| s.label)
        .unwrap_or_default();
    let notice = PromotionNotice {
        addressee: account.addressee(),
        structure,
        child: child_name(conn, place.child_id)?,
        activity: activity.label,
        day: place.day,
        contact: contact_block(conn)?,
        portal_url: portal_url(conn)?,
    };
    Ok(Some((email.into(), notice)))
}

/// The mail telling a family its waitlisted place was given (outside a transmission).
pub(crate) fn promotion(
    command: &mut Command<'_, '_>,
    position: u64,
    place: &ReservationRow,
) -> Result<(), AppError> {
    let Some((recipient, notice)) = place_notice(command.conn(), place)? else {
        return Ok(());
    };
    let (subject, body) = templates::waitlist_promotion(&notice);
    let outgoing = OutgoingMail {
        kind: MailKind::WaitlistPromotion,
        dedup_key: format!("waitlist_promotion:{position}:{}", place.reservation_id),
        recipient,
        subject,
        body,
    };
    mail::enqueue(command.conn(), &outgoing, command.now())?;
    Ok(())
}

/// The mail telling a family that staff closed the day of its `place` (accepted or
/// waitlisted, read before its cancellation) and cancelled it.
pub(crate) fn day_closed(
    command: &mut Command<'_, '_>,
    position: u64,
    place: &ReservationRow,
) -> Result<(), AppError> {
    let Some((recipient, notice)) = place_notice(command.conn(), place)? else {
        return Ok(());
    };
    let waitlisted = place.state == domain::booking::ReservationState::Waitlisted;
    let (subject, body) = templates::day_closed(&notice, waitlisted);
    let outgoing = OutgoingMail {
        kind: MailKind::DayClosed,
        dedup_key: format!("day_closed:{position}:{}", place.reservation_id),
        recipient,
        subject,
        body,
    };
    mail::enqueue(command.conn(), &outgoing, command.now())?;
    Ok(())
}
