//! « Réservations »: the choice of the child (or why the family may not book now).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::html;

use super::basket::basket_aside;
use super::view::{Booker, blocked_notice};
use crate::layout::page;
use crate::session::Parent;
use crate::{Shared, WebError, blocking};

pub(crate) async fn children(
    State(services): State<Shared>,
    parent: Parent,
) -> Result<Response, WebError> {
    let app = services.app.clone();
    let family = parent.family();
    let (blocked, children) = blocking(move || {
        let blocked = app::booking::booking_blocked(&app, family)?;
        let children = app::portal::children_of(&app, family)?;
        Ok((blocked, children))
    })
    .await?;
    Ok(page(
        &parent.chrome,
        "Réservations",
        "reservations",
        html! {
            @if let Some(reason) = &blocked {
                (blocked_notice(reason))
            } @else {
                p { "Sélectionnez l'enfant concerné par la réservation." }
                ul class="choices" {
                    @for child in &children {
                        li { a class="choice" href={ "/reservations/" (child.child_id) } { (child.first_name) " " (child.last_name) } }
                    }
                }
                @if children.is_empty() { p { "Aucun enfant n'est rattaché à votre compte : contactez la structure." } }
                (basket_aside(&Booker::parent(&parent)))
            }
        },
    )
    .into_response())
}
