//! The staff caller of `/gestion`: its own cookie, its own session table, its own limits
//! (`app::staff`: idle 15 min, absolute 8 h), and the one check of its rights.
//!
//! [`StaffUser`] is the extractor of every back-office page: it accepts only a session whose
//! log-in is complete (password and second factor); a session still waiting for its TOTP code or
//! its enrolment is sent to that step, anything else to the staff log-in page — so a parent's
//! cookie on `/gestion` gets the staff log-in page, never a parent's view. Each handler then asks
//! [`StaffUser::require`] (or [`StaffUser::require_in`]) for the permission of its use case, the
//! `domain::staff` table: a missing permission is the French 403 page, before anything is read
//! or written. The `app` use cases ask the same table again through [`app::staff::Acting`].

use app::staff::{Acting, StaffSession, Stage};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::ids::StructureId;
use domain::staff::Permission;

use crate::session::{CsrfBinding, cookie, set_cookie};
use crate::staff_layout::{self, StaffChrome};
use crate::{Shared, WebConfig, WebError, blocking};

/// The staff session cookie (256 random bits; the server keeps their sha256).
pub const STAFF_COOKIE: &str = "pf_gestion";
pub(crate) const HOST_STAFF_COOKIE: &str = "__Host-pf_gestion";

/// Whether `path` belongs to the back office (its forms are bound to the staff cookie).
pub(crate) fn is_staff_path(path: &str) -> bool {
    path == "/gestion" || path.starts_with("/gestion/")
}

/// `Set-Cookie` for the staff cookie; `None` deletes it.
pub(crate) fn staff_cookie(config: &WebConfig, value: Option<&str>) -> HeaderValue {
    set_cookie(config.staff_cookie(), value, config.secure_cookies)
}

/// The staff cookie sent with a request, if any.
pub(crate) fn staff_token(parts: &Parts, config: &WebConfig) -> Option<String> {
    cookie(&parts.headers, config.staff_cookie()).map(str::to_owned)
}

/// The CSRF token of the forms of a page seen with staff cookie `token`.
pub(crate) fn staff_csrf(services: &Shared, token: &str) -> String {
    CsrfBinding::Staff(token).token(&services.csrf_key)
}

/// A staff member whose log-in is complete: the session, the page frame, the CSRF token.
pub struct StaffUser {
    pub session: StaffSession,
    /// The staff cookie's value.
    pub token: String,
    pub chrome: StaffChrome,
}

impl StaffUser {
    /// Who acts in the use cases this member starts.
    pub fn acting(&self) -> Acting {
        Acting::member(&self.session.member)
    }

    pub fn csrf(&self) -> &str {
        &self.chrome.csrf
    }

    /// The French 403 page unless the member's roles grant `permission` somewhere.
    pub fn require(&self, permission: Permission) -> Result<(), WebError> {
        if self.session.member.rights.may(permission) {
            Ok(())
        } else {
            Err(WebError::Forbidden(permission))
        }
    }

    /// The French 403 page unless the member's roles grant `permission` on `structure`.
    pub fn require_in(
        &self,
        permission: Permission,
        structure: StructureId,
    ) -> Result<(), WebError> {
        if self.session.member.rights.may_in(permission, structure) {
            Ok(())
        } else {
            Err(WebError::Forbidden(permission))
        }
    }

    /// Whether the member may use `permission` somewhere (to show or hide a button).
    pub fn may(&self, permission: Permission) -> bool {
        self.session.member.rights.may(permission)
    }
}

/// Where a staff caller without a complete log-in goes: the step its session is at, else the
/// staff log-in page (the cookie of a dead session is deleted).
fn to_staff_login(stage: Option<Stage>, expired: bool, config: &WebConfig) -> Response {
    let target = match stage {
        Some(Stage::SecondFactor) => "/gestion/connexion/code",
        Some(Stage::Enrolment) => "/gestion/enrolement",
        Some(Stage::Ready) | None if expired => "/gestion/connexion?expiree=1",
        Some(Stage::Ready) | None => "/gestion/connexion",
    };
    let mut response = Redirect::to(target).into_response();
    if expired {
        response
            .headers_mut()
            .append(header::SET_COOKIE, staff_cookie(config, None));
    }
    response
}

impl FromRequestParts<Shared> for StaffUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, services: &Shared) -> Result<Self, Response> {
        let config = &services.config;
        let Some(token) = staff_token(parts, config) else {
            return Err(to_staff_login(None, false, config));
        };
        let app = services.app.clone();
        let lookup = token.clone();
        let csrf = staff_csrf(services, &token);
        let loaded = blocking(move || {
            let Some(session) = app::staff::staff_session(&app, &lookup)? else {
                return Ok(None);
            };
            let chrome = staff_layout::staff_chrome(&app, &session, csrf)?;
            Ok(Some((session, chrome)))
        })
        .await;
        match loaded {
            Ok(Some((session, chrome))) if session.stage == Stage::Ready => Ok(StaffUser {
                session,
                token,
                chrome,
            }),
            Ok(Some((session, _))) => Err(to_staff_login(Some(session.stage), false, config)),
            Ok(None) => Err(to_staff_login(None, true, config)),
            Err(error) => Err(error.into_response()),
        }
    }
}
