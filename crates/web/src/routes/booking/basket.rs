//! A click on a day (`POST /reservations/{child}/panier`): into or out of the basket, or the
//! withdrawal of a pending request, then back to the day clicked; and the basket beside the
//! calendar. What a click may do is `app::portal::click`'s.

use app::portal::{Click, Clicked, DayChoice};
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use domain::ids::{ActivityId, ChildId, RequestId, ReservationId};
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

use super::view::{Booker, activity_anchor, calendar_url, day_anchor};
use crate::extract::{Form, FromFields, Path};
use crate::layout::csrf_field;
use crate::session::{Parent, see_other};
use crate::{Shared, WebError, blocking};

/// The click a day's form asks, as its `action` field names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ClickKind {
    Book,
    Cancel,
    TakeOut,
    Withdraw,
}

impl ClickKind {
    /// The form's code of the click.
    pub(super) fn code(self) -> &'static str {
        match self {
            ClickKind::Book => "reserver",
            ClickKind::Cancel => "annuler",
            ClickKind::TakeOut => "retirer",
            ClickKind::Withdraw => "retirer_demande",
        }
    }

    fn from_code(code: &str) -> Option<ClickKind> {
        [
            ClickKind::Book,
            ClickKind::Cancel,
            ClickKind::TakeOut,
            ClickKind::Withdraw,
        ]
        .into_iter()
        .find(|kind| kind.code() == code)
    }
}

/// A day's form as sent.
#[derive(Debug, Deserialize)]
pub(crate) struct ToggleForm {
    action: String,
    activite: String,
    jour: String,
    mois: Option<String>,
    reference: Option<String>,
    vue: Option<String>,
    filtre: Option<String>,
}

/// The click asked, with the id it names.
#[derive(Clone, Copy, Debug)]
enum Asked {
    Book,
    Cancel(ReservationId),
    TakeOut(Option<ReservationId>),
    Withdraw(RequestId),
}

/// The page a click returns to.
#[derive(Clone, Copy, Debug)]
enum Return {
    Day,
    Calendar(Option<ActivityId>),
}

/// A day's form, parsed: an unknown action, or a click without the id it needs, names
/// nothing (404).
pub(crate) struct Toggle {
    asked: Asked,
    activity: ActivityId,
    day: NaiveDate,
    month: NaiveDate,
    back: Return,
}

impl FromFields for Toggle {
    type Raw = ToggleForm;
    fn from_fields(raw: ToggleForm) -> Result<Toggle, WebError> {
        let (Ok(activity), Ok(day)) = (
            raw.activite.parse::<ActivityId>(),
            raw.jour.parse::<NaiveDate>(),
        ) else {
            return Err(WebError::NotFound);
        };
        let reference = raw
            .reference
            .as_deref()
            .and_then(|r| r.parse::<Uuid>().ok());
        let asked = match ClickKind::from_code(&raw.action).ok_or(WebError::NotFound)? {
            ClickKind::Book => Asked::Book,
            ClickKind::Cancel => {
                Asked::Cancel(reference.map(ReservationId).ok_or(WebError::NotFound)?)
            }
            ClickKind::TakeOut => Asked::TakeOut(reference.map(ReservationId)),
            ClickKind::Withdraw => {
                Asked::Withdraw(reference.map(RequestId).ok_or(WebError::NotFound)?)
            }
        };
        let back = match raw.vue.as_deref() {
            Some("jour") => Return::Day,
            Some("activite") => {
                Return::Calendar(raw.filtre.as_deref().and_then(|f| f.parse().ok()))
            }
            _ => Return::Calendar(None),
        };
        Ok(Toggle {
            asked,
            activity,
            day,
            month: app::portal::parse_month(raw.mois.as_deref(), day),
            back,
        })
    }
}

impl Toggle {
    /// The click on `child`'s calendar.
    pub(crate) fn click(&self, child: ChildId) -> Click {
        let choice = DayChoice {
            child_id: child,
            activity_id: self.activity,
            day: self.day,
        };
        match self.asked {
            Asked::Book => Click::Book(choice),
            Asked::Cancel(reservation) => Click::Cancel(reservation),
            Asked::TakeOut(reservation) => Click::TakeOut(choice, reservation),
            Asked::Withdraw(request) => Click::Withdraw(request),
        }
    }

    /// Back to the day clicked (its id: the browser scrolls to it and Tab goes on from there),
    /// under the calendar's `base`.
    pub(crate) fn back_url(&self, base: &str, child: ChildId) -> String {
        let day = self.day;
        match self.back {
            Return::Day => format!(
                "{base}/{child}/jour/{day}#{}",
                activity_anchor(self.activity)
            ),
            Return::Calendar(activity) => format!(
                "{}#{}",
                calendar_url(base, child, self.month, activity),
                day_anchor(day)
            ),
        }
    }
}

/// A click on a day: add to or take out of the basket, or withdraw a pending request.
pub(crate) async fn toggle(
    State(services): State<Shared>,
    parent: Parent,
    Path(child): Path<ChildId>,
    Form(toggle): Form<Toggle>,
) -> Result<Response, WebError> {
    let app = services.app.clone();
    let family = parent.family();
    let session = parent.session.clone();
    let click = toggle.click(child);
    match blocking(move || app::portal::click(&app, &session, family, child, click)).await? {
        Clicked::Done => Ok(see_other(&toggle.back_url("/reservations", child))),
        Clicked::NotTheirs => Err(WebError::NotFound),
    }
}

/// The basket beside the calendar: its lines and « Valider » / « Abandonner ».
pub(crate) fn basket_aside(booker: &Booker<'_>) -> Markup {
    let basket = booker.basket;
    let bookings = basket.bookings();
    let cancellations = basket.cancellations();
    html! {
        aside class="basket" aria-labelledby="panier" {
            h2 id="panier" { "Votre panier" }
            @if basket.lines.is_empty() {
                p { "Aucune demande en cours. Cliquez sur les jours à réserver ou à annuler." }
            } @else {
                p {
                    (bookings) " réservation" @if bookings > 1 { "s" } " et "
                    (cancellations) " annulation" @if cancellations > 1 { "s" } " à valider. "
                    strong { "Tant que vous n'avez pas cliqué sur « Valider », vos demandes ne sont pas prises en compte." }
                }
                div class="actions" {
                    a class="button" href=(booker.summary) { "Valider" }
                    form method="post" action=(booker.abandon) {
                        (csrf_field(booker.csrf))
                        button class="secondary" type="submit" { "Abandonner" }
                    }
                }
            }
        }
    }
}
