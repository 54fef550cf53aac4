//! The sections of the family's file page.

use app::desk::FamilyFile;
use app::money::{ConsumptionLine, History, PaymentLine};
use domain::staff::Permission;
use maud::{Markup, html};

use crate::layout::{NBSP, amount, csrf_field, long_date, numeric_date};
use crate::staff::StaffUser;

/// The family's other pages: payment, phone booking, Suivi, documents.
pub(super) fn links(staff: &StaffUser, file: &FamilyFile) -> Markup {
    let base = format!("/gestion/familles/{}", file.family_id);
    html! {
        nav aria-label="Actions pour cette famille" {
            ul class="actions" {
                @if staff.may(Permission::RecordPayment) {
                    li { a href={ (base) "/reglement" } { "Enregistrer un règlement" } }
                }
                @if staff.may(Permission::BookByPhone) {
                    li { a href={ (base) "/reservations" } { "Réserver par téléphone" } }
                    li { a href={ (base) "/suivi" } { "Suivi" } }
                }
                @if staff.may(Permission::IssueAttestations) {
                    li { a href={ (base) "/documents" } { "Attestations, relevés et reçus" } }
                }
            }
        }
    }
}

pub(super) fn identity(file: &FamilyFile) -> Markup {
    html! {
        section aria-labelledby="famille" {
            h2 id="famille" { "Famille" }
            dl class="facts" {
                div { dt { "Payeur" } dd { (file.addressee) } }
                div { dt { "Identifiant" } dd { (file.login) } }
                div { dt { "E-mail" } dd { (file.email.as_ref().map_or("—", |e| e.as_str())) } }
                div { dt { "Téléphone" } dd { (file.phone.as_deref().unwrap_or("—")) } }
                div { dt { "Structures" } dd {
                    (file.structures.iter().map(|(_, label)| label.as_str()).collect::<Vec<_>>().join(", "))
                } }
            }
        }
    }
}

pub(super) fn children(file: &FamilyFile) -> Markup {
    html! {
        section aria-labelledby="enfants" {
            h2 id="enfants" { "Enfants" }
            div class="table-wrap" {
                table class="data" {
                    caption { "Enfants de la famille" }
                    thead { tr {
                        th scope="col" { "Prénom" } th scope="col" { "Nom" }
                        th scope="col" { "Date de naissance" } th scope="col" class="num" { "Âge" }
                    } }
                    tbody {
                        @for child in &file.children {
                            tr {
                                th scope="row" { (child.first_name) }
                                td { (child.last_name) }
                                td { (numeric_date(child.birth_date)) }
                                td class="num" { (domain::wording::age_phrase(child.age)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub(super) fn quotient(staff: &StaffUser, file: &FamilyFile) -> Markup {
    let action = format!("/gestion/familles/{}/quotient", file.family_id);
    html! {
        section aria-labelledby="quotient" {
            h2 id="quotient" { "Quotient familial" }
            p { "En vigueur aujourd'hui : " strong { (quotient_text(file.quotient)) } }
            @if !file.quotients.is_empty() {
                div class="table-wrap" {
                    table class="data" {
                        caption { "Quotients successifs" }
                        thead { tr { th scope="col" { "À partir du" } th scope="col" class="num" { "Quotient" } th scope="col" { "État" } } }
                        tbody {
                            @for q in &file.quotients {
                                tr {
                                    th scope="row" { (long_date(q.effective_from)) }
                                    td class="num" { (quotient_text(q.quotient)) }
                                    td { @if q.current { "en vigueur" } }
                                }
                            }
                        }
                    }
                }
            }
            @if staff.may(Permission::UpdateFamilyFile) {
                form class="stack" method="post" action=(action) {
                    (csrf_field(staff.csrf()))
                    div class="field" {
                        label for="qf" { "Nouveau quotient familial (€)" }
                        input id="qf" name="quotient" type="text" inputmode="numeric" pattern="[0-9]{1,6}" required;
                    }
                    div class="field" {
                        label for="qf-date" { "À partir du" }
                        input id="qf-date" name="date" type="date" required;
                    }
                    button type="submit" { "Enregistrer le quotient" }
                }
            }
        }
    }
}

fn quotient_text(quotient: Option<u32>) -> String {
    quotient.map_or_else(
        || "inconnu (tranche la plus haute)".to_owned(),
        |q| q.to_string(),
    )
}

pub(super) fn dossier(staff: &StaffUser, file: &FamilyFile) -> Markup {
    let action = format!("/gestion/familles/{}/dossier", file.family_id);
    html! {
        section aria-labelledby="dossier" {
            h2 id="dossier" { "Dossier" }
            p role="status" {
                @if file.dossier_complete { "Dossier complet." }
                @else { "Dossier incomplet : la famille ne peut pas réserver tant qu'une pièce manque." }
            }
            @if staff.may(Permission::UpdateFamilyFile) && !file.dossier.is_empty() {
                form class="stack" method="post" action=(action) {
                    (csrf_field(staff.csrf()))
                    fieldset {
                        legend { "Pièces reçues" }
                        @for (i, item) in file.dossier.iter().enumerate() {
                            div class="check" {
                                input id={ "piece-" (i) } type="checkbox" name="recu" value=(item.label) checked[item.received];
                                label for={ "piece-" (i) } { (item.label) }
                            }
                        }
                    }
                    button type="submit" { "Enregistrer le dossier" }
                }
            } @else {
                ul {
                    @for item in &file.dossier {
                        li { (item.label) " : " @if item.received { "reçu" } @else { "manquant" } }
                    }
                }
            }
        }
    }
}

pub(super) fn access(staff: &StaffUser, file: &FamilyFile) -> Markup {
    let base = format!("/gestion/familles/{}", file.family_id);
    html! {
        section aria-labelledby="acces" {
            h2 id="acces" { "Accès au portail" }
            div class="actions" {
                form method="post" action={ (base) "/deblocage" } {
                    (csrf_field(staff.csrf()))
                    button type="submit" { "Débloquer la connexion" }
                }
                @if file.email.is_some() {
                    form method="post" action={ (base) "/lien" } {
                        (csrf_field(staff.csrf()))
                        button type="submit" { "Envoyer un lien de nouveau mot de passe" }
                    }
                }
                form method="post" action={ (base) "/activation" } {
                    (csrf_field(staff.csrf()))
                    button type="submit" { "Nouveau code et lettre d'activation" }
                }
            }
            p class="hint" { "Le nouveau code d'activation remplace l'ancien ; il n'est affiché qu'une fois, sur la lettre à imprimer." }
        }
    }
}

pub(super) fn money(staff: &StaffUser, file: &FamilyFile) -> Markup {
    html! {
        section aria-labelledby="solde" {
            h2 id="solde" { "Solde" }
            div class="table-wrap" {
                table class="data" {
                    caption { "Solde par porte-monnaie" }
                    thead { tr {
                        th scope="col" { "Porte-monnaie" } th scope="col" class="num" { "Solde (€)" }
                        th scope="col" class="num" { "Coût estimé (€)" } th scope="col" class="num" { "Solde estimé (€)" }
                    } }
                    tbody {
                        @for w in &file.wallets {
                            tr {
                                th scope="row" { (w.wallet) }
                                td class="num" { (amount(w.balance)) }
                                td class="num" { (amount(w.estimated_cost(true, true))) }
                                td class="num" { (amount(w.estimated_balance)) }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="reglements" {
            h2 id="reglements" { "Règlements" }
            @for history in &file.payments { (payments(staff, history)) }
        }
        section aria-labelledby="consommations" {
            h2 id="consommations" { "Consommations" }
            @for history in &file.consumptions { (consumptions(history)) }
        }
    }
}

fn month_caption(month: &str) -> String {
    chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .map(domain::wording::month_title)
        .unwrap_or_else(|_| month.to_owned())
}

fn payments(staff: &StaffUser, history: &History<PaymentLine>) -> Markup {
    let receipts = staff.may(Permission::RecordPayment) || staff.may(Permission::CancelPayment);
    html! {
        div class="table-wrap" {
            table class="data" {
                caption { (month_caption(&history.month)) }
                thead { tr {
                    th scope="col" { "Date" } th scope="col" { "Mode" } th scope="col" { "N°" } th scope="col" { "Payeur" }
                    th scope="col" { "Banque" } th scope="col" class="num" { "Montant (€)" } th scope="col" { "Reçu" }
                } }
                tbody {
                    @if history.lines.is_empty() { tr { td colspan="7" { "Aucun règlement ce mois-ci." } } }
                    @for line in &history.lines {
                        tr {
                            td { (numeric_date(line.paid_on)) }
                            td { (line.mode) }
                            td { (line.number.as_deref().unwrap_or("")) }
                            td { (line.payer.as_deref().unwrap_or("")) }
                            td { (line.bank.as_deref().unwrap_or("")) }
                            td class="num" { (amount(line.amount)) @if line.cancelled { " (annulé)" } }
                            td { @if line.desk && receipts { a href={ "/gestion/reglements/" (line.payment_id) } { "Reçu du " (numeric_date(line.paid_on)) } } }
                        }
                    }
                }
                tfoot { tr class="total" { th scope="row" colspan="5" { "Total" } td class="num" { (amount(history.total)) (NBSP) "€" } td {} } }
            }
        }
    }
}

fn consumptions(history: &History<ConsumptionLine>) -> Markup {
    html! {
        div class="table-wrap" {
            table class="data" {
                caption { (month_caption(&history.month)) }
                thead { tr {
                    th scope="col" { "Date" } th scope="col" { "Consommateur" } th scope="col" { "Activité" }
                    th scope="col" class="num" { "Prix (€)" } th scope="col" class="num" { "Qté" } th scope="col" class="num" { "Total (€)" }
                } }
                tbody {
                    @if history.lines.is_empty() { tr { td colspan="6" { "Aucune consommation ce mois-ci." } } }
                    @for line in &history.lines {
                        tr {
                            td { (numeric_date(line.day)) }
                            td { (line.consumer) }
                            td { (line.activity) }
                            td class="num" { (amount(line.unit_price)) }
                            td class="num" { (line.quantity) }
                            td class="num" { (amount(line.total)) }
                        }
                    }
                }
                tfoot { tr class="total" { th scope="row" colspan="5" { "Total" } td class="num" { (amount(history.total)) } } }
            }
        }
    }
}

pub(super) fn follow_up(file: &FamilyFile) -> Markup {
    let waitlisted: Vec<_> = file.waitlisted().collect();
    html! {
        section aria-labelledby="listes" {
            h2 id="listes" { "Listes d'attente" }
            @if waitlisted.is_empty() {
                p { "Aucun enfant de la famille n'est sur une liste d'attente." }
            } @else {
                ul {
                    @for line in &waitlisted {
                        li { (line.child) " — " (line.activity) ", " (long_date(line.day)) " : " (line.state_text) }
                    }
                }
            }
        }
        section aria-labelledby="suivi" {
            h2 id="suivi" { "Suivi" }
            @if file.follow_up.is_empty() {
                p { "Aucune demande." }
            } @else {
                div class="table-wrap" {
                    table class="data" {
                        caption { "Demandes et réservations" }
                        thead { tr { th scope="col" { "Jour" } th scope="col" { "Enfant" } th scope="col" { "Activité" } th scope="col" { "État" } } }
                        tbody {
                            @for line in &file.follow_up {
                                tr {
                                    td { (numeric_date(line.day)) }
                                    td { (line.child) }
                                    td { (line.activity) }
                                    td { (line.state_text) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
