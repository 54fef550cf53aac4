//! `GET /gestion/courriels?etat=attente|envoye|echec&page=`: the mail outbox, newest first,
//! paged, the SMTP error of a failed mail; `POST /gestion/courriels/{mail}/renvoi`:
//! « Renvoyer » (`app::console::resend_mail`). `ManageOutbox`.

use app::console::{OutboxPage, mail_kind_text, mail_status_text};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use domain::staff::Permission;
use mail::{OutboxEntry, OutboxFilter, OutboxStatus};
use maud::{Markup, html};
use serde::Deserialize;

use super::{MailId, console_blocking};
use crate::extract::FromFields;
use crate::extract::{Path, Query};
use crate::layout::{csrf_field, flash, paris_date_time};
use crate::session::see_other;
use crate::staff::StaffUser;
use crate::staff_layout::gestion_page;
use crate::{Shared, WebError};

/// The filters, as the page names them in its address and its menu.
const FILTERS: [(Option<&str>, OutboxFilter, &str); 4] = [
    (None, OutboxFilter::All, "Tous"),
    (Some("attente"), OutboxFilter::Pending, "En attente"),
    (Some("envoye"), OutboxFilter::Sent, "Envoyés"),
    (Some("echec"), OutboxFilter::Failed, "En échec"),
];

/// `?etat=&page=&fait=` as sent.
#[derive(Debug, Deserialize)]
pub(crate) struct OutboxQuery {
    etat: Option<String>,
    page: Option<String>,
    fait: Option<String>,
}

/// The page asked: a filter (its code in the address), a page number, what was just done.
pub(crate) struct OutboxChoice {
    state: Option<&'static str>,
    filter: OutboxFilter,
    page: usize,
    resent: bool,
}

impl FromFields for OutboxChoice {
    type Raw = OutboxQuery;
    fn from_fields(raw: OutboxQuery) -> Result<OutboxChoice, WebError> {
        let wanted = raw.etat.as_deref().filter(|s| !s.is_empty());
        let (state, filter, _) = FILTERS
            .into_iter()
            .find(|(code, _, _)| *code == wanted)
            .ok_or(WebError::NotFound)?;
        let page = match raw.page.as_deref().filter(|p| !p.is_empty()) {
            None => 1,
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|p| (1..=100_000).contains(p))
                .ok_or(WebError::NotFound)?,
        };
        Ok(OutboxChoice {
            state,
            filter,
            page,
            resent: raw.fait.as_deref() == Some("renvoi"),
        })
    }
}

fn url(state: Option<&str>, page: usize) -> String {
    match (state, page) {
        (None, 1) => "/gestion/courriels".to_owned(),
        (None, page) => format!("/gestion/courriels?page={page}"),
        (Some(state), 1) => format!("/gestion/courriels?etat={state}"),
        (Some(state), page) => format!("/gestion/courriels?etat={state}&page={page}"),
    }
}

pub(crate) async fn outbox(
    State(services): State<Shared>,
    staff: StaffUser,
    Query(choice): Query<OutboxChoice>,
) -> Result<Response, WebError> {
    staff.require(Permission::ManageOutbox)?;
    let (app, by, filter, page) = (
        services.app.clone(),
        staff.acting(),
        choice.filter,
        choice.page,
    );
    let shown =
        console_blocking(move || app::console::outbox_page(&app, &by, filter, page)).await?;
    let body = html! {
        @if choice.resent {
            (flash("success", "Courriel remis dans la file : il part au prochain passage de l'envoi."))
        }
        nav class="filters" aria-label="État des courriels" {
            ul {
                @for (code, _, label) in FILTERS {
                    li {
                        a href=(url(code, 1)) aria-current=[(code == choice.state).then_some("page")] { (label) }
                    }
                }
            }
        }
        (mail_table(&staff, &shown))
        (pager(choice.state, &shown))
    };
    Ok(gestion_page(&staff.chrome, "Courriels", "transmission", body).into_response())
}

fn mail_table(staff: &StaffUser, shown: &OutboxPage) -> Markup {
    html! {
        @if shown.mails.is_empty() {
            p { "Aucun courriel." }
        } @else {
            div class="table-wrap" {
                table class="data outbox" {
                    caption { (shown.total) " courriel(s), les plus récents en premier" }
                    thead { tr {
                        th scope="col" { "Créé le" }
                        th scope="col" { "Destinataire" }
                        th scope="col" { "Objet" }
                        th scope="col" { "Nature" }
                        th scope="col" { "État" }
                        th scope="col" { "Essais" }
                        th scope="col" { "Erreur" }
                        th scope="col" { "Action" }
                    } }
                    tbody {
                        @for mail in &shown.mails { (mail_row(staff, mail)) }
                    }
                }
            }
        }
    }
}

fn mail_row(staff: &StaffUser, mail: &OutboxEntry) -> Markup {
    html! {
        tr {
            th scope="row" { (paris_date_time(mail.created_at)) }
            td { (mail.recipient) }
            td { (mail.subject) }
            td { (mail_kind_text(mail.kind)) }
            td {
                (mail_status_text(mail.status))
                @if let Some(sent) = mail.sent_at { " le " (paris_date_time(sent)) }
            }
            td class="num" { (mail.attempts) }
            td { (mail.last_error.as_deref().unwrap_or("")) }
            td {
                @if mail.status != OutboxStatus::Pending {
                    form method="post" action={ "/gestion/courriels/" (mail.mail_id) "/renvoi" } {
                        (csrf_field(staff.csrf()))
                        button type="submit" aria-label={ "Renvoyer le courriel à " (mail.recipient) } { "Renvoyer" }
                    }
                }
            }
        }
    }
}

fn pager(state: Option<&str>, shown: &OutboxPage) -> Markup {
    html! {
        @if shown.page > 1 || shown.has_next() {
            nav class="pager" aria-label="Pages" {
                @if shown.page > 1 {
                    a href=(url(state, shown.page - 1)) rel="prev" { "Page précédente" }
                    " "
                }
                span { "Page " (shown.page) }
                @if shown.has_next() {
                    " "
                    a href=(url(state, shown.page + 1)) rel="next" { "Page suivante" }
                }
            }
        }
    }
}

pub(crate) async fn resend(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(MailId(mail)): Path<MailId>,
) -> Result<Response, WebError> {
    staff.require(Permission::ManageOutbox)?;
    let (app, by) = (services.app.clone(), staff.acting());
    console_blocking(move || app::console::resend_mail(&app, &by, mail)).await?;
    Ok(see_other("/gestion/courriels?fait=renvoi"))
}
