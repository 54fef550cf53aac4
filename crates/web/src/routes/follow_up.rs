//! « Suivi »: every request with its state (Non transmis, Acceptée, Liste d'attente — rang n,
//! Refusée — motif, Annulée), filters by child and month, and the buttons that are allowed:
//! withdraw a request not transmitted (a booking, or the cancellation of a place), cancel a
//! place (waitlisted ones too) through the basket.

use app::booking::{self, Withdrawable};
use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use domain::booking::ReservationState;
use domain::ids::{ChildId, RequestId, ReservationId};
use maud::html;
use serde::Deserialize;

use crate::layout::{self, csrf_field, flash, page};
use crate::routes::booking::withdrawable_text;
use crate::session::{Parent, see_other};
use crate::{Shared, WebError, blocking};

/// Which days « Suivi » lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Period {
    Upcoming,
    All,
    Month(chrono::NaiveDate),
}

#[derive(Debug, Default, Deserialize)]
pub struct FollowUpQuery {
    enfant: Option<String>,
    mois: Option<String>,
    fait: Option<String>,
}

fn badge(state: ReservationState) -> &'static str {
    match state {
        ReservationState::Pending => "badge badge-pending",
        ReservationState::Accepted => "badge badge-accepted",
        ReservationState::Waitlisted => "badge badge-waitlist",
        ReservationState::Refused => "badge badge-refused",
        _ => "badge badge-cancelled",
    }
}

pub async fn follow_up(
    State(services): State<Shared>,
    parent: Parent,
    Query(query): Query<FollowUpQuery>,
) -> Response {
    let app = services.app.clone();
    let family = parent.family();
    let loaded = blocking(move || {
        let lines = booking::follow_up(&app, family)?;
        let children = app.query(move |conn| app::registry::children_of(conn, family))?;
        Ok((lines, children))
    })
    .await;
    let (lines, children) = match loaded {
        Ok(loaded) => loaded,
        Err(error) => return error.into_response(),
    };
    let child: Option<ChildId> = query
        .enfant
        .as_deref()
        .filter(|c| !c.is_empty())
        .and_then(|c| c.parse().ok());
    // No month chosen: from this month on (what a parent checks); « tous »: everything.
    let today = services.app.today();
    let this_month = today.with_day(1).unwrap_or(today);
    let period = match query.mois.as_deref().map(str::trim) {
        None | Some("") => Period::Upcoming,
        Some("tous") => Period::All,
        Some(m) => Period::Month(layout::parse_month(Some(m), today)),
    };
    let month = match period {
        Period::Month(m) => Some(m),
        _ => None,
    };
    let mut months: Vec<chrono::NaiveDate> =
        lines.iter().filter_map(|l| l.day.with_day(1)).collect();
    months.sort();
    months.dedup();
    let shown: Vec<_> = lines
        .iter()
        .filter(|l| child.is_none_or(|c| c == l.child_id))
        .filter(|l| match period {
            Period::All => true,
            Period::Upcoming => l.day >= this_month,
            Period::Month(m) => l.day.year() == m.year() && l.day.month() == m.month(),
        })
        .collect();
    let done = match query.fait.as_deref() {
        Some("retiree") => Some("La demande est retirée : elle ne sera pas transmise."),
        _ => None,
    };
    page(
        &parent.chrome,
        "Suivi de vos réservations",
        "suivi",
        html! {
            @if let Some(done) = done { (flash("success", done)) }
            p { "Les réservations que vous venez de faire sont à l'état « Non transmis » : elles seront transmises dans la nuit et vous pourrez consulter le lendemain leur état définitif. Si des places en liste d'attente ne vous intéressent plus, annulez-les le plus tôt possible afin d'en faire bénéficier les autres enfants." }
            form class="no-print filters" method="get" action="/suivi" {
                div class="field" {
                    label for="enfant" { "Enfant" }
                    select id="enfant" name="enfant" {
                        option value="" { "Tous" }
                        @for c in &children {
                            option value=(c.child_id) selected[child == Some(c.child_id)] { (c.first_name) " " (c.last_name) }
                        }
                    }
                }
                div class="field" {
                    label for="mois" { "Mois" }
                    select id="mois" name="mois" {
                        option value="" selected[period == Period::Upcoming] { "À partir de " (domain::wording::month_title(this_month)) }
                        option value="tous" selected[period == Period::All] { "Tous les mois" }
                        @for m in &months {
                            option value=(layout::month_param(*m)) selected[month == Some(*m)] { (domain::wording::month_title(*m)) }
                        }
                    }
                }
                button class="small" type="submit" { "Filtrer" }
            }
            div class="table-wrap" {
                table class="data" {
                    caption { "Vos réservations" }
                    thead { tr {
                        th scope="col" { "Jour" } th scope="col" { "Enfant" } th scope="col" { "Activité" }
                        th scope="col" { "État" } th scope="col" class="no-print" { "Action" }
                    } }
                    tbody {
                        @for line in &shown {
                            tr {
                                td { (layout::long_date(line.day)) }
                                td { (line.child) }
                                td { (line.activity) }
                                td {
                                    span class=(badge(line.state)) { (line.state_text) }
                                    @if let Some(pending @ Withdrawable::Cancellation(_)) = line.withdrawable {
                                        " — " (withdrawable_text(pending))
                                    }
                                }
                                td class="no-print" {
                                    @if let Some(pending) = line.withdrawable {
                                        @let what = match pending {
                                            Withdrawable::Booking(_) => "Retirer la demande du ",
                                            Withdrawable::Cancellation(_) => "Retirer la demande d'annulation du ",
                                        };
                                        form method="post" action="/suivi/retirer" {
                                            (csrf_field(parent.csrf()))
                                            input type="hidden" name="demande" value=(pending.request_id());
                                            button class="small secondary" type="submit"
                                                aria-label={ (what) (layout::long_date(line.day)) " pour " (line.child) ", " (line.activity) } { "Retirer" }
                                        }
                                    } @else if line.cancellable {
                                        @if let Some(reservation) = line.reservation_id {
                                            form method="post" action="/suivi/annuler" {
                                                (csrf_field(parent.csrf()))
                                                input type="hidden" name="reservation" value=(reservation);
                                                button class="small danger" type="submit"
                                                    aria-label={ "Annuler la réservation du " (layout::long_date(line.day)) " pour " (line.child) ", " (line.activity) } { "Annuler" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                        @if shown.is_empty() {
                            tr { td colspan="5" { "Aucune réservation." } }
                        }
                    }
                }
            }
        },
    )
    .into_response()
}

#[derive(Debug, Deserialize)]
pub struct WithdrawForm {
    demande: String,
}

/// Withdraws a request not transmitted yet (a booking or a cancellation).
pub async fn withdraw(
    State(services): State<Shared>,
    parent: Parent,
    Form(form): Form<WithdrawForm>,
) -> Response {
    let Ok(request) = form.demande.trim().parse::<RequestId>() else {
        return WebError::NotFound.into_response();
    };
    let app = services.app.clone();
    let family = parent.family();
    match blocking(move || {
        booking::withdraw_request(&app, &format!("family:{family}"), family, request)
    })
    .await
    {
        Ok(()) => see_other("/suivi?fait=retiree"),
        Err(error) => error.into_response(),
    }
}

#[derive(Debug, Deserialize)]
pub struct CancelForm {
    reservation: String,
}

/// « Annuler »: the cancellation goes into the basket and the récapitulatif shows it.
pub async fn cancel(
    State(services): State<Shared>,
    parent: Parent,
    Form(form): Form<CancelForm>,
) -> Response {
    let Ok(reservation) = form.reservation.trim().parse::<ReservationId>() else {
        return WebError::NotFound.into_response();
    };
    let app = services.app.clone();
    let family = parent.family();
    let session = parent.session.clone();
    let result = blocking(move || {
        crate::routes::booking::add_cancellation(&app, family, None, reservation, &session)
    })
    .await;
    match result {
        Ok(true) => see_other("/reservations/recapitulatif"),
        Ok(false) => WebError::NotFound.into_response(),
        Err(error) => error.into_response(),
    }
}
