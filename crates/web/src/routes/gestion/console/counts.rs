//! The figures of a transmission as tables: its counts, per structure, per activity and day,
//! and the families refused.

use app::booking::{DecisionCounts, DecisionLine, Outcome, SlotCounts, StructureCounts};
use domain::event::payloads::TransmissionCounts;
use maud::{Markup, html};

use crate::layout::long_date;

/// The counts of a run, one row per figure.
pub(super) fn run_counts(
    caption: &str,
    counts: &TransmissionCounts,
    mails: Option<usize>,
) -> Markup {
    let rows: [(&str, u32); 8] = [
        ("Mouvements reçus", counts.received),
        ("Nouvelles demandes", counts.new_requests),
        ("Demandes d'annulation", counts.cancellation_requests),
        ("Acceptées", counts.accepted),
        ("En liste d'attente", counts.waitlisted),
        ("Refusées", counts.refused),
        ("Attribuées depuis la liste d'attente", counts.promoted),
        ("Annulées", counts.cancelled),
    ];
    html! {
        div class="table-wrap" {
            table class="data counts" {
                caption { (caption) }
                tbody {
                    @for (label, count) in rows {
                        tr { th scope="row" { (label) } td class="num" { (count) } }
                    }
                    @if let Some(mails) = mails {
                        tr { th scope="row" { "Courriels de compte rendu" } td class="num" { (mails) } }
                    }
                }
            }
        }
    }
}

fn count_cells(counts: &DecisionCounts) -> Markup {
    html! {
        td class="num" { (counts.accepted) }
        td class="num" { (counts.waitlisted) }
        td class="num" { (counts.refused) }
        td class="num" { (counts.promoted) }
        td class="num" { (counts.cancelled) }
    }
}

fn count_heads() -> Markup {
    html! {
        th scope="col" { "Acceptées" }
        th scope="col" { "Liste d'attente" }
        th scope="col" { "Refusées" }
        th scope="col" { "Promotions" }
        th scope="col" { "Annulations" }
    }
}

/// One row per structure.
pub(super) fn structure_table(structures: &[StructureCounts]) -> Markup {
    html! {
        div class="table-wrap" {
            table class="data" {
                caption { "Par structure" }
                thead { tr { th scope="col" { "Structure" } (count_heads()) } }
                tbody {
                    @for s in structures {
                        tr { th scope="row" { (s.structure) } (count_cells(&s.counts)) }
                    }
                }
            }
        }
    }
}

/// One row per activity and day.
pub(super) fn slot_table(slots: &[SlotCounts]) -> Markup {
    html! {
        div class="table-wrap" {
            table class="data" {
                caption { "Par activité et par jour" }
                thead { tr {
                    th scope="col" { "Jour" }
                    th scope="col" { "Structure" }
                    th scope="col" { "Activité" }
                    (count_heads())
                } }
                tbody {
                    @for s in slots {
                        tr {
                            th scope="row" { (long_date(s.day)) }
                            td { (s.structure) }
                            td { (s.activity) }
                            (count_cells(&s.counts))
                        }
                    }
                }
            }
        }
    }
}

/// The families whose requests would be (or were) refused, with the reason in words.
pub(super) fn refused_table(lines: &[DecisionLine]) -> Markup {
    let refused: Vec<_> = lines
        .iter()
        .filter_map(|line| match line.outcome {
            Outcome::Refused { reason } => Some((line, reason)),
            _ => None,
        })
        .collect();
    html! {
        @if refused.is_empty() {
            p { "Aucune famille ne serait refusée." }
        } @else {
            div class="table-wrap" {
                table class="data" {
                    caption { "Familles refusées" }
                    thead { tr {
                        th scope="col" { "Famille" }
                        th scope="col" { "Enfant" }
                        th scope="col" { "Activité" }
                        th scope="col" { "Jour" }
                        th scope="col" { "Motif" }
                    } }
                    tbody {
                        @for (line, reason) in refused {
                            tr {
                                th scope="row" {
                                    a href={ "/gestion/familles/" (line.family_id) } { (line.family) }
                                }
                                td { (line.child) }
                                td { (line.activity) " (" (line.structure) ")" }
                                td { (long_date(line.day)) }
                                td { (app::booking::refusal_text(reason)) }
                            }
                        }
                    }
                }
            }
        }
    }
}
