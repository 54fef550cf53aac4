//! The four `.csv` downloads: `text/csv; charset=utf-8`, saved as `presences-2026-11.csv`.

use app::exports::{ExportKind, ExportMonth, ExportRequest};
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::ExportChoice;
use crate::extract::Query;
use crate::staff::StaffUser;
use crate::{Shared, WebError, blocking};

/// `GET /gestion/exports/presences.csv?mois=&structure=` (`ExportAttendance`).
pub(in crate::routes::gestion) async fn attendance(
    State(services): State<Shared>,
    staff: StaffUser,
    Query(choice): Query<ExportChoice>,
) -> Result<Response, WebError> {
    staff.require(ExportKind::Attendance.permission())?;
    download(&services, &staff, ExportKind::Attendance, choice).await
}

/// `GET /gestion/exports/consommations.csv?mois=&structure=` (`ExportMoney`).
pub(in crate::routes::gestion) async fn consumptions(
    State(services): State<Shared>,
    staff: StaffUser,
    Query(choice): Query<ExportChoice>,
) -> Result<Response, WebError> {
    staff.require(ExportKind::Consumptions.permission())?;
    download(&services, &staff, ExportKind::Consumptions, choice).await
}

/// `GET /gestion/exports/reglements.csv?mois=` (`ExportMoney`).
pub(in crate::routes::gestion) async fn payments(
    State(services): State<Shared>,
    staff: StaffUser,
    Query(choice): Query<ExportChoice>,
) -> Result<Response, WebError> {
    staff.require(ExportKind::Payments.permission())?;
    download(&services, &staff, ExportKind::Payments, choice).await
}

/// `GET /gestion/exports/dossiers-incomplets.csv?structure=` (`ExportAttendance`): the files
/// as they are today, named after the current month.
pub(in crate::routes::gestion) async fn files(
    State(services): State<Shared>,
    staff: StaffUser,
    Query(choice): Query<ExportChoice>,
) -> Result<Response, WebError> {
    staff.require(ExportKind::Files.permission())?;
    let choice = ExportChoice {
        month: Some(ExportMonth::of(services.app.today())),
        ..choice
    };
    download(&services, &staff, ExportKind::Files, choice).await
}

async fn download(
    services: &Shared,
    staff: &StaffUser,
    kind: ExportKind,
    choice: ExportChoice,
) -> Result<Response, WebError> {
    let request = ExportRequest {
        kind,
        month: choice
            .month
            .unwrap_or_else(|| ExportMonth::before(services.app.today())),
        structure: choice.structure,
    };
    let app = services.app.clone();
    let by = staff.acting();
    let file = blocking(move || app::exports::export(&app, &by, request)).await?;
    let mut response = file.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    // The name is ours (a fixed stem and a parsed month), always a valid header value.
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", file.filename))
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
