//! `/agenda/{token}.ics`: the family's calendar feed, no session — the secret address is the
//! key; an unknown or revoked one is the 404.

use app::accounts::LinkToken;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::extract::{FromPath, Path};
use crate::{Shared, WebError, blocking};

/// `<64 lowercase hex>.ics`.
pub(crate) struct FeedFile(LinkToken);

impl FromPath for FeedFile {
    type Raw = String;
    fn from_path(raw: String) -> Option<FeedFile> {
        raw.strip_suffix(".ics")
            .and_then(LinkToken::parse)
            .map(FeedFile)
    }
}

pub(super) async fn feed(
    State(services): State<Shared>,
    Path(FeedFile(token)): Path<FeedFile>,
) -> Result<Response, WebError> {
    let app = services.app.clone();
    let calendar = blocking(move || app::agenda::agenda_calendar(&app, &token))
        .await?
        .ok_or(WebError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, max-age=900"),
        ],
        calendar,
    )
        .into_response())
}
