//! The calendar behind a feed's secret address: the family's accepted places, one all-day
//! event each, « Activité — Enfant ».

use documents::ical::{AllDay, calendar};
use domain::booking::ReservationState;

use super::secret::family_of;
use crate::accounts::LinkToken;
use crate::{App, AppError, registry};

/// The iCalendar text of the feed `token` opens; `None` for an unknown or revoked address.
pub fn agenda_calendar(app: &App, token: &LinkToken) -> Result<Option<String>, AppError> {
    let token = token.clone();
    let now = app.now();
    app.query(move |conn| {
        let Some(family) = family_of(conn, &token)? else {
            return Ok(None);
        };
        let mut events = Vec::new();
        for row in projections::booking::follow_up(conn, family)? {
            let (ReservationState::Accepted, Some(reservation)) = (row.state, row.reservation_id)
            else {
                continue;
            };
            let activity = projections::activity(conn, row.activity_id, row.day)?;
            let child = registry::child(conn, row.child_id)?
                .map(|c| format!("{} {}", c.first_name, c.last_name))
                .unwrap_or_default();
            events.push(AllDay {
                uid: format!("{reservation}@portail-famille"),
                day: row.day,
                summary: format!(
                    "{} — {child}",
                    activity
                        .as_ref()
                        .map(|a| a.label.as_str())
                        .unwrap_or("Activité")
                ),
                location: activity.map(|a| a.structure_label),
            });
        }
        events.sort_by(|a, b| (a.day, &a.uid).cmp(&(b.day, &b.uid)));
        Ok(Some(calendar(
            "Portail Famille — réservations",
            now,
            &events,
        )))
    })
}
