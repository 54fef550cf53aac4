//! `/gestion/enrolement`: the second factor at the first log-in. The secret as a QR code (SVG
//! drawn here, no JavaScript, no image request) and as text, confirmed by a first code; then
//! the ten recovery codes, shown once in the answer to that confirmation (never stored in
//! clear, so never shown again).

use app::staff::{self, Enrolment, EnrolmentOutcome, StaffRefusal, Stage};
use axum::extract::{Form, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, PreEscaped, html};
use qrcode::QrCode;
use qrcode::render::svg;
use serde::Deserialize;

use super::login::{StaffCookie, answer, stage_of, throttled, with_staff_cookie};
use crate::layout::{csrf_field, flash};
use crate::session::{Visitor, see_other};
use crate::staff::staff_cookie;
use crate::staff_layout::gestion_visitor_page;
use crate::{Shared, WebError, blocking};

/// The QR code of `uri` as inline SVG markup (what `qrcode` draws, without its XML prolog). The
/// markup is shapes only: the URI is encoded as dark modules, never written out as text.
fn qr_svg(uri: &str) -> Option<PreEscaped<String>> {
    let code = QrCode::new(uri.as_bytes()).ok()?;
    let drawn = code.render::<svg::Color>().min_dimensions(220, 220).build();
    let start = drawn.find("<svg")?;
    Some(PreEscaped(drawn[start..].to_owned()))
}

fn enrolment_page(visitor: &Visitor, enrolment: &Enrolment, error: Option<&str>) -> Markup {
    gestion_visitor_page(
        &visitor.chrome.contact,
        "Activer la double authentification",
        html! {
            @if let Some(error) = error { (flash("error", error)) }
            p { "Chaque connexion à la gestion demande, après le mot de passe, un code à 6 chiffres donné par une application d'authentification sur votre téléphone (par exemple FreeOTP, Aegis ou Google Authenticator). Cette étape est obligatoire." }
            section class="card" {
                h2 { "1. Ajoutez le compte dans votre application" }
                @if let Some(svg) = qr_svg(&enrolment.uri) {
                    figure class="qr" {
                        div role="img" aria-label="QR code à scanner avec l'application d'authentification" { (svg) }
                        figcaption { "Scannez ce QR code avec l'application." }
                    }
                }
                p { "Sans appareil photo, saisissez à la main cette clé (compte « " (enrolment.login) " », type « basé sur le temps ») :" }
                p class="secret" { code { (enrolment.secret.grouped()) } }
                details {
                    summary { "Adresse complète du compte (otpauth)" }
                    p class="secret" { code { (enrolment.uri) } }
                }
            }
            section class="card" {
                h2 { "2. Confirmez avec un premier code" }
                form class="stack" method="post" action="/gestion/enrolement" {
                    (csrf_field(&visitor.chrome.csrf))
                    div class="field" {
                        label for="code" { "Code à 6 chiffres affiché par l'application" }
                        input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                            required maxlength="10" autocapitalize="none" spellcheck="false";
                    }
                    div class="actions" { button type="submit" { "Confirmer" } }
                }
            }
        },
    )
}

fn recovery_codes_page(visitor: &Visitor, codes: &[String]) -> Markup {
    gestion_visitor_page(
        &visitor.chrome.contact,
        "Vos codes de secours",
        html! {
            (flash("success", "La double authentification est activée."))
            p { "Si vous perdez votre téléphone, chacun de ces " (codes.len()) " codes remplace une fois le code de l'application. Notez-les ou imprimez-les maintenant et gardez-les en lieu sûr : ils ne seront plus jamais affichés." }
            ol class="recovery-codes" {
                @for code in codes { li { code { (code) } } }
            }
            form method="get" action="/gestion" {
                div class="actions" { button type="submit" { "J'ai noté mes codes" } }
            }
        },
    )
}

pub(super) async fn enrolment_form(
    State(services): State<Shared>,
    visitor: Visitor,
    cookie: StaffCookie,
) -> Result<Response, WebError> {
    match stage_of(&services, &cookie).await? {
        Some(Stage::Enrolment) => {}
        Some(Stage::SecondFactor) => return Ok(see_other("/gestion/connexion/code")),
        Some(Stage::Ready) => return Ok(see_other("/gestion")),
        None => return Ok(see_other("/gestion/connexion")),
    }
    let Some(token) = cookie.0 else {
        return Ok(see_other("/gestion/connexion"));
    };
    let app = services.app.clone();
    let enrolment = blocking(move || staff::enrolment(&app, &token)).await?;
    Ok(enrolment_page(&visitor, &enrolment, None).into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct EnrolmentForm {
    code: String,
}

pub(super) async fn confirm(
    State(services): State<Shared>,
    visitor: Visitor,
    cookie: StaffCookie,
    Form(form): Form<EnrolmentForm>,
) -> Result<Response, WebError> {
    if stage_of(&services, &cookie).await? != Some(Stage::Enrolment) {
        return Ok(see_other("/gestion/connexion"));
    }
    let Some(token) = cookie.0 else {
        return Ok(see_other("/gestion/connexion"));
    };
    let app = services.app.clone();
    let ip = visitor.ip.clone();
    let (outcome, enrolment) = blocking(move || {
        let outcome = staff::confirm_enrolment(&app, &token, &form.code, ip.as_deref())?;
        let enrolment = match outcome {
            EnrolmentOutcome::Enrolled { .. } => None,
            _ => Some(staff::enrolment(&app, &token)?),
        };
        Ok((outcome, enrolment))
    })
    .await?;
    let (enrolment, status, message, retry_after) = match (outcome, enrolment) {
        (
            EnrolmentOutcome::Enrolled {
                token,
                recovery_codes,
            },
            _,
        ) => {
            let mut response = recovery_codes_page(&visitor, &recovery_codes).into_response();
            let headers = response.headers_mut();
            headers.append(
                header::SET_COOKIE,
                staff_cookie(&services.config, Some(&token)),
            );
            headers.insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("no-store"),
            );
            return Ok(response);
        }
        (_, None) => return Ok(with_staff_cookie(&services, "/gestion/connexion", None)),
        (EnrolmentOutcome::Rejected, Some(enrolment)) => (
            enrolment,
            StatusCode::UNAUTHORIZED,
            StaffRefusal::WrongCode.to_string(),
            None,
        ),
        (
            EnrolmentOutcome::Throttled {
                retry_after_seconds,
            },
            Some(enrolment),
        ) => (
            enrolment,
            StatusCode::TOO_MANY_REQUESTS,
            throttled(retry_after_seconds),
            Some(retry_after_seconds),
        ),
    };
    let page = enrolment_page(&visitor, &enrolment, Some(&message));
    Ok(answer(status, page, retry_after))
}
