//! The page of « Suivi » (`GET /suivi?enfant=&mois=`).

use app::booking::{FollowUpLine, Withdrawable};
use app::portal::ChildProfile;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use domain::booking::ReservationState;
use domain::ids::ChildId;
use maud::{Markup, html};
use serde::Deserialize;

use crate::extract::{FromFields, Query};
use crate::layout::{self, csrf_field, flash, page};
use crate::routes::booking::withdrawable_text;
use crate::session::Parent;
use crate::{Shared, WebError, blocking};

/// Which days « Suivi » lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Period {
    Upcoming,
    All,
    Month(NaiveDate),
}

/// `?enfant=&mois=&fait=` as sent.
#[derive(Debug, Deserialize)]
pub(crate) struct FollowUpQuery {
    enfant: Option<String>,
    mois: Option<String>,
    fait: Option<String>,
}

/// The filters asked: a child (none when empty or no id), the month's text, and whether a
/// request was just withdrawn.
pub(crate) struct Filters {
    child: Option<ChildId>,
    month: Option<String>,
    withdrawn: bool,
}

impl FromFields for Filters {
    type Raw = FollowUpQuery;
    fn from_fields(raw: FollowUpQuery) -> Result<Filters, WebError> {
        Ok(Filters {
            child: raw
                .enfant
                .as_deref()
                .filter(|c| !c.is_empty())
                .and_then(|c| c.parse().ok()),
            month: raw.mois,
            withdrawn: raw.fait.as_deref() == Some("retiree"),
        })
    }
}

impl Filters {
    /// No month chosen: from this month on (what a parent checks); « tous »: everything.
    fn period(&self, today: NaiveDate) -> Period {
        match self.month.as_deref().map(str::trim) {
            None | Some("") => Period::Upcoming,
            Some("tous") => Period::All,
            Some(m) => Period::Month(app::portal::parse_month(Some(m), today)),
        }
    }
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

pub(crate) async fn follow_up(
    State(services): State<Shared>,
    parent: Parent,
    Query(filters): Query<Filters>,
) -> Result<Response, WebError> {
    let app = services.app.clone();
    let family = parent.family();
    let (lines, children) = blocking(move || {
        let lines = app::booking::follow_up(&app, family, domain::booking::DeadlineRule::Applies)?;
        let children = app::portal::children_of(&app, family)?;
        Ok((lines, children))
    })
    .await?;
    let today = services.app.today();
    let this_month = today.with_day(1).unwrap_or(today);
    let period = filters.period(today);
    let shown: Vec<&FollowUpLine> = lines
        .iter()
        .filter(|l| filters.child.is_none_or(|c| c == l.child_id))
        .filter(|l| match period {
            Period::All => true,
            Period::Upcoming => l.day >= this_month,
            Period::Month(m) => l.day.year() == m.year() && l.day.month() == m.month(),
        })
        .collect();
    let done = filters
        .withdrawn
        .then_some("La demande est retirée : elle ne sera pas transmise.");
    let chosen = Chosen {
        child: filters.child,
        period,
        this_month,
    };
    Ok(page(
        &parent.chrome,
        "Suivi de vos réservations",
        "suivi",
        html! {
            @if let Some(done) = done { (flash("success", done)) }
            p { "Les réservations que vous venez de faire sont à l'état « Non transmis » : elles seront transmises dans la nuit et vous pourrez consulter le lendemain leur état définitif. Si des places en liste d'attente ne vous intéressent plus, annulez-les le plus tôt possible afin d'en faire bénéficier les autres enfants." }
            (filter_form(&chosen, &children, &months_of(&lines)))
            (table(&SuiviForms::parent(&parent), &shown))
        },
    )
    .into_response())
}

/// The months that have a line, in order.
fn months_of(lines: &[FollowUpLine]) -> Vec<NaiveDate> {
    let mut months: Vec<NaiveDate> = lines.iter().filter_map(|l| l.day.with_day(1)).collect();
    months.sort();
    months.dedup();
    months
}

/// What the filters show as chosen.
struct Chosen {
    child: Option<ChildId>,
    period: Period,
    this_month: NaiveDate,
}

fn filter_form(chosen: &Chosen, children: &[ChildProfile], months: &[NaiveDate]) -> Markup {
    let Chosen {
        child,
        period,
        this_month,
    } = *chosen;
    let month = match period {
        Period::Month(m) => Some(m),
        _ => None,
    };
    html! {
        form class="no-print filters" method="get" action="/suivi" {
            div class="field" {
                label for="enfant" { "Enfant" }
                select id="enfant" name="enfant" {
                    option value="" { "Tous" }
                    @for c in children {
                        option value=(c.child_id) selected[child == Some(c.child_id)] { (c.first_name) " " (c.last_name) }
                    }
                }
            }
            div class="field" {
                label for="mois" { "Mois" }
                select id="mois" name="mois" {
                    option value="" selected[period == Period::Upcoming] { "À partir de " (domain::wording::month_title(this_month)) }
                    option value="tous" selected[period == Period::All] { "Tous les mois" }
                    @for m in months {
                        option value=(layout::month_param(*m)) selected[month == Some(*m)] { (domain::wording::month_title(*m)) }
                    }
                }
            }
            button class="small" type="submit" { "Filtrer" }
        }
    }
}

/// Where the buttons of « Suivi » post, with which token: the parent's pages, or the desk's
/// for one family (one address for both buttons, told apart by their fields).
pub(crate) struct SuiviForms<'a> {
    pub(crate) csrf: &'a str,
    pub(crate) withdraw: String,
    pub(crate) cancel: String,
    /// « Vos réservations », or the family's.
    pub(crate) caption: &'static str,
}

impl<'a> SuiviForms<'a> {
    fn parent(parent: &'a Parent) -> SuiviForms<'a> {
        SuiviForms {
            csrf: parent.csrf(),
            withdraw: "/suivi/retirer".to_owned(),
            cancel: "/suivi/annuler".to_owned(),
            caption: "Vos réservations",
        }
    }
}

/// The requests shown, each with its state and the button allowed.
pub(crate) fn table(forms: &SuiviForms<'_>, shown: &[&FollowUpLine]) -> Markup {
    html! {
        div class="table-wrap" {
            table class="data" {
                caption { (forms.caption) }
                thead { tr {
                    th scope="col" { "Jour" } th scope="col" { "Enfant" } th scope="col" { "Activité" }
                    th scope="col" { "État" } th scope="col" class="no-print" { "Action" }
                } }
                tbody {
                    @for line in shown {
                        (row(forms, line))
                    }
                    @if shown.is_empty() {
                        tr { td colspan="5" { "Aucune réservation." } }
                    }
                }
            }
        }
    }
}

/// One request: its day, child, activity, state and the button allowed.
fn row(forms: &SuiviForms<'_>, line: &FollowUpLine) -> Markup {
    html! {
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
                    form method="post" action=(forms.withdraw) {
                        (csrf_field(forms.csrf))
                        input type="hidden" name="demande" value=(pending.request_id());
                        button class="small secondary" type="submit"
                            aria-label={ (what) (layout::long_date(line.day)) " pour " (line.child) ", " (line.activity) } { "Retirer" }
                    }
                } @else if line.cancellable {
                    @if let Some(reservation) = line.reservation_id {
                        form method="post" action=(forms.cancel) {
                            (csrf_field(forms.csrf))
                            input type="hidden" name="reservation" value=(reservation);
                            button class="small danger" type="submit"
                                aria-label={ "Annuler la réservation du " (layout::long_date(line.day)) " pour " (line.child) ", " (line.activity) } { "Annuler" }
                        }
                    }
                }
            }
        }
    }
}
