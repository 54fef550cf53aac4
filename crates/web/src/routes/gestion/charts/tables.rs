//! Each chart's figures as a table (caption, headers with their scope), from the typed series.

use app::charts::{ActivityOccupancy, DayPressure, MonthAmounts};
use maud::{Markup, html};

use crate::layout::{NBSP, amount, long_date};

pub(super) fn occupancy_table(rows: &[ActivityOccupancy], caption: &str) -> Markup {
    html! {
        div class="table-wrap" {
            table class="data" {
                caption { (caption) }
                thead { tr {
                    th scope="col" { "Activité" }
                    th scope="col" { "Jours ouverts" }
                    th scope="col" { "Places offertes" }
                    th scope="col" { "Places acceptées" }
                    th scope="col" { "Taux d'occupation" }
                } }
                tbody {
                    @for r in rows {
                        tr {
                            th scope="row" { (r.label) }
                            td class="num" { (r.days) }
                            td class="num" { (r.offered) }
                            td class="num" { (r.accepted) }
                            td class="num" { (r.percent()) (NBSP) "%" }
                        }
                    }
                }
            }
        }
    }
}

pub(super) fn pressure_table(days: &[DayPressure], caption: &str) -> Markup {
    html! {
        div class="table-wrap" {
            table class="data" {
                caption { (caption) }
                thead { tr {
                    th scope="col" { "Jour" }
                    th scope="col" { "Enfants en liste d'attente" }
                    th scope="col" { "Places de liste d'attente" }
                } }
                tbody {
                    @for d in days.iter().filter(|d| d.waitlisted > 0) {
                        tr {
                            th scope="row" { (long_date(d.day)) }
                            td class="num" { (d.waitlisted) }
                            td class="num" { (d.waitlist_size) }
                        }
                    }
                }
            }
        }
    }
}

pub(super) fn money_table(months: &[MonthAmounts], caption: &str) -> Markup {
    html! {
        div class="table-wrap" {
            table class="data" {
                caption { (caption) }
                thead { tr {
                    th scope="col" { "Mois" }
                    th scope="col" { "Consommations (€)" }
                    th scope="col" { "Règlements (€)" }
                } }
                tbody {
                    @for m in months {
                        tr {
                            th scope="row" { (domain::wording::month_title(m.month)) }
                            td class="num" { (amount(m.consumptions)) }
                            td class="num" { (amount(m.payments)) }
                        }
                    }
                }
            }
        }
    }
}
