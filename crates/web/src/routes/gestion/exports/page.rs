//! `GET /gestion/exports?mois=` (`ExportMoney` or `ExportAttendance`): one form per file the
//! member may download — the month (last month by default), the structure among the member's —,
//! what each file holds, and the exports already made for the month.

use app::exports::{ExportKind, ExportLogLine, ExportMonth, ExportStructure};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use domain::staff::Permission;
use maud::{Markup, html};

use super::ExportChoice;
use crate::extract::Query;
use crate::staff::StaffUser;
use crate::staff_layout::gestion_page;
use crate::{Shared, WebError, blocking};

/// What a form of the page asks and says: the file, its path, its title, what it is for, its
/// columns, and whether it takes a month and a structure.
struct Described {
    kind: ExportKind,
    path: &'static str,
    title: &'static str,
    purpose: &'static str,
    columns: &'static str,
    month: bool,
    structure: bool,
}

const FILES: [Described; 4] = [
    Described {
        kind: ExportKind::Attendance,
        path: "/gestion/exports/presences.csv",
        title: "Présences pour la CAF",
        purpose: "Les heures de présence de chaque enfant dans le mois, par activité, et leurs totaux par tranche d'âge (moins de 6 ans, 6 ans et plus : l'âge au 1er du mois). Une journée de présence compte la durée de l'unité de l'activité (fichier de configuration, « duree »).",
        columns: "Enfant ; Famille ; Date de naissance ; Tranche d'âge ; Structure ; Activité ; Durée d'une place (heures) ; Jours de présence ; Heures de présence — puis « Total moins de 6 ans », « Total 6 ans et plus », « Total ».",
        month: true,
        structure: true,
    },
    Described {
        kind: ExportKind::Consumptions,
        path: "/gestion/exports/consommations.csv",
        title: "Consommations pour le comptable",
        purpose: "Les consommations facturées dans le mois, par régie et par activité. Les totaux sont ceux des historiques des familles, au centime.",
        columns: "Régie ; Structure ; Activité ; Consommations ; Quantité facturée ; Montant — puis un total par régie et le total du mois.",
        month: true,
        structure: true,
    },
    Described {
        kind: ExportKind::Payments,
        path: "/gestion/exports/reglements.csv",
        title: "Journal des règlements de la régie",
        purpose: "Chaque règlement du mois (guichet et carte bancaire). Un règlement annulé est suivi d'une ligne « Annulation » de montant négatif, datée du jour de l'annulation, avec son motif : le total est celui des historiques des familles.",
        columns: "Régie ; Jour ; Opération ; Reçu ; Mode ; Numéro ; Payeur ; Famille ; Montant ; Motif d'annulation — puis un total par régie et le total du mois.",
        month: true,
        structure: false,
    },
    Described {
        kind: ExportKind::Files,
        path: "/gestion/exports/dossiers-incomplets.csv",
        title: "Dossiers incomplets",
        purpose: "Les familles dont le dossier est incomplet aujourd'hui, avec ce qui manque.",
        columns: "Famille ; Identifiant ; Enfants ; Pièces manquantes ; Incomplet depuis.",
        month: false,
        structure: true,
    },
];

pub(in crate::routes::gestion) async fn page(
    State(services): State<Shared>,
    staff: StaffUser,
    Query(choice): Query<ExportChoice>,
) -> Result<Response, WebError> {
    if staff.require(Permission::ExportMoney).is_err() {
        staff.require(Permission::ExportAttendance)?;
    }
    let month = choice
        .month
        .unwrap_or_else(|| ExportMonth::before(services.app.today()));
    let (app, by) = (services.app.clone(), staff.acting());
    let (structures, log) = blocking(move || {
        Ok((
            app::exports::export_structures(&app, &by)?,
            app::exports::exports_of(&app, &by, month)?,
        ))
    })
    .await?;
    let body = html! {
        p { "Fichiers CSV pour un tableur (LibreOffice, Excel) : séparateur point-virgule, virgule décimale, encodage UTF-8. Chaque export est inscrit au journal des exports (qui, quand, quel fichier)." }
        @for file in FILES.iter().filter(|f| staff.require(f.kind.permission()).is_ok()) {
            (form(file, month, &structures))
        }
        (log_table(month, &log))
    };
    Ok(gestion_page(&staff.chrome, "Exports", "exports", body).into_response())
}

fn form(file: &Described, month: ExportMonth, structures: &[ExportStructure]) -> Markup {
    let stem = file.kind.stem();
    html! {
        section aria-labelledby={ "export-" (stem) } {
            h2 id={ "export-" (stem) } { (file.title) }
            p { (file.purpose) }
            p { "Colonnes : " (file.columns) }
            form class="sheet-choice" method="get" action=(file.path) {
                @if file.month {
                    p {
                        label for={ (stem) "-mois" } { "Mois (AAAA-MM)" }
                        " "
                        input id={ (stem) "-mois" } type="month" name="mois" value=(month.code())
                            pattern="[0-9]{4}-[0-9]{2}" required;
                    }
                }
                @if file.structure {
                    p {
                        label for={ (stem) "-structure" } { "Structure" }
                        " "
                        select id={ (stem) "-structure" } name="structure" {
                            option value="" { "Toutes mes structures" }
                            @for s in structures {
                                option value=(s.id) { (s.label) }
                            }
                        }
                    }
                }
                p { button type="submit" { "Télécharger " (stem) ".csv" } }
            }
        }
    }
}

fn kind_title(kind: ExportKind) -> &'static str {
    FILES
        .iter()
        .find(|f| f.kind == kind)
        .map_or("", |f| f.title)
}

fn log_table(month: ExportMonth, log: &[ExportLogLine]) -> Markup {
    html! {
        section aria-labelledby="journal-exports" {
            h2 id="journal-exports" { "Exports de " (month.code()) }
            @if log.is_empty() {
                p { "Aucun export pour ce mois." }
            } @else {
                table {
                    caption { "Exports faits pour " (month.code()) ", du plus ancien au plus récent" }
                    thead { tr { th scope="col" { "Quand" } th scope="col" { "Fichier" } th scope="col" { "Lignes" } } }
                    tbody {
                        @for line in log {
                            tr {
                                td { time datetime=(line.at.to_rfc3339()) { (line.at.with_timezone(&chrono_tz::Europe::Paris).format("%d/%m/%Y %H:%M")) } }
                                td { (kind_title(line.kind)) }
                                td { (line.lines) }
                            }
                        }
                    }
                }
            }
        }
    }
}
