//! « Télécharger mes données » (RGPD).

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::session::Parent;
use crate::{Shared, WebError, blocking};

/// « Télécharger mes données » (RGPD): everything the portal holds about the family, as JSON.
pub async fn download_data(
    State(services): State<Shared>,
    parent: Parent,
) -> Result<Response, WebError> {
    let app = services.app.clone();
    let family = parent.family();
    let data = blocking(move || app::privacy::family_data(&app, family)).await?;
    let json = serde_json::to_string_pretty(&data)
        .map_err(|_| WebError::Internal("family data as JSON".to_owned()))?;
    let file = format!(
        "attachment; filename=\"portail-famille-{}.json\"",
        data.account
            .login
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>()
    );
    let mut response = json.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json; charset=utf-8"),
    );
    if let Ok(value) = header::HeaderValue::from_str(&file) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
