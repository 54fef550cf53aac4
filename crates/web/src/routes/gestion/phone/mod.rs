//! Phone bookings at the desk (`/gestion/familles/{family}/reservations…`, `…/recapitulatif`,
//! `…/abandonner`, `…/suivi`): the parent's calendar, basket and récapitulatif, drawn for a
//! staff member acting for one family (`routes::booking::Booker`), the rules and the rights
//! being `app::desk::phone`'s and `app::booking::submit_staff_basket`'s.

mod calendar;
mod children;
mod follow_up;
mod summary;

use app::desk::phone::{PhoneBasket, PhoneFamily};
use app::portal::Basket;
use domain::ids::{ChildId, FamilyId};
use domain::staff::Permission;
use maud::{Markup, html};

use crate::extract::FromPath;
use crate::layout::flash;
use crate::routes::booking::Booker;
use crate::staff::StaffUser;
use crate::{Shared, WebError, blocking};

pub(super) use calendar::{calendar, toggle};
pub(super) use children::children;
pub(super) use follow_up::{follow_up, follow_up_action};
pub(super) use summary::{abandon, summary, validate};

/// `/gestion/familles/{family}/…`: the family of the address.
pub(crate) struct FamilyPath(FamilyId);

impl FromPath for FamilyPath {
    type Raw = String;
    fn from_path(raw: String) -> Option<FamilyPath> {
        raw.parse().ok().map(FamilyPath)
    }
}

/// `/gestion/familles/{family}/reservations/{child}…`.
pub(crate) struct FamilyChildPath(FamilyId, ChildId);

impl FromPath for FamilyChildPath {
    type Raw = (String, String);
    fn from_path((family, child): (String, String)) -> Option<FamilyChildPath> {
        Some(FamilyChildPath(family.parse().ok()?, child.parse().ok()?))
    }
}

/// The family served and the session's phone basket, once the member's rights on the family
/// are checked (403 otherwise; an unknown family is the 404).
pub(super) async fn serve(
    services: &Shared,
    staff: &StaffUser,
    family: FamilyId,
) -> Result<(PhoneFamily, PhoneBasket), WebError> {
    staff.require(Permission::BookByPhone)?;
    let app = services.app.clone();
    let by = staff.acting();
    let session = staff.session.clone();
    blocking(move || {
        let Some(served) = app::desk::phone::phone_family(&app, &by, family)? else {
            return Ok(None);
        };
        Ok(Some((
            served,
            app::desk::phone::phone_basket(&app, &session)?,
        )))
    })
    .await?
    .ok_or(WebError::NotFound)
}

/// The phone pages' addresses for `family`, and their forms' token and basket.
pub(super) fn booker<'a>(staff: &'a StaffUser, family: FamilyId, basket: &'a Basket) -> Booker<'a> {
    Booker {
        csrf: staff.csrf(),
        basket,
        base: format!("/gestion/familles/{family}/reservations"),
        summary: format!("/gestion/familles/{family}/recapitulatif"),
        abandon: format!("/gestion/familles/{family}/abandonner"),
        day_pages: false,
    }
}

/// Who is served, the links between the phone pages, and the notices of the family (blocked,
/// another family's basket in the session).
pub(super) fn served_header(served: &PhoneFamily, phone: &PhoneBasket) -> Markup {
    let family = served.family_id;
    html! {
        p class="no-print" {
            "Famille : " strong { (served.addressee) } " — "
            a href={ "/gestion/familles/" (family) } { "Dossier de la famille" } " · "
            a href={ "/gestion/familles/" (family) "/reservations" } { "Réservations" } " · "
            a href={ "/gestion/familles/" (family) "/suivi" } { "Suivi" }
        }
        @if phone.holds_other_family(family) {
            (flash("info", "Le panier en cours est celui d'une autre famille : il sera vidé dès que vous ajouterez une demande pour celle-ci."))
        }
        @if let Some(block) = &served.blocked {
            div class="flash error" role="alert" {
                p { strong { "Cette famille ne peut pas réserver pour le moment." } }
                p { (block.reason()) }
            }
        }
    }
}
