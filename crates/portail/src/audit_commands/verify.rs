//! `audit verify`: the hash chain, the read models against their replay, and the anchors.

use std::process::ExitCode;

use store::{ChainReport, EventStore};

use crate::broken_chain::{RESTORE_ADVICE, break_text};
use crate::cli::{Cli, VerifyArgs};
use crate::shared::open;

pub(crate) fn verify(cli: &Cli, args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    let store = open(cli)?;
    let mut checked = check_store(&store)?;
    if let (Some(file), Some(public)) = (&args.anchors, &args.public_key) {
        let loaded = store::anchor::PublicKey::parse_or_read(public)
            .and_then(|public| Ok((public, store::anchor::read(file)?)));
        let (public, anchors) = match loaded {
            Ok(loaded) => loaded,
            Err(error) => {
                eprintln!("{}", app::audit::AuditRefusal::Anchor(error));
                return Ok(ExitCode::FAILURE);
            }
        };
        check_anchors(&store, &anchors, &public, &mut checked)?;
    }
    checked.add_advice();
    if args.json {
        out!("{}", checked.json);
    } else {
        for line in &checked.lines {
            out!("{line}");
        }
    }
    Ok(if checked.intact {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Each anchor against the log: signed by the auditor's key, and the hash recomputed from
/// position 1 to its position equal to the signed one.
fn check_anchors(
    store: &EventStore,
    anchors: &[store::anchor::Anchor],
    public: &store::anchor::PublicKey,
    checked: &mut StoreCheck,
) -> anyhow::Result<()> {
    use store::anchor::AnchorOutcome;
    let results = store::anchor::check(store, anchors, public)?;
    let mut json = Vec::new();
    let mut holding = 0usize;
    for result in &results {
        let a = &result.anchor;
        let which = format!(
            "Ancre n° {} (position {}, {})",
            result.number, a.position, a.instant
        );
        let (code, line) = match &result.outcome {
            AnchorOutcome::Holds => {
                holding += 1;
                anchor_json(&mut json, result, "holds");
                continue;
            }
            AnchorOutcome::Rewritten {
                recomputed: Some(recomputed),
            } => (
                "rewritten",
                format!(
                    "{which} : le journal jusqu'à cette position a été RÉÉCRIT (empreinte recalculée {recomputed}, empreinte ancrée {}), même si sa chaîne se vérifie.",
                    a.hash
                ),
            ),
            AnchorOutcome::Rewritten { recomputed: None } => (
                "rewritten",
                format!("{which} : cette position n'est plus dans le journal : il a été réécrit."),
            ),
            AnchorOutcome::Missing { end } => (
                "missing",
                format!(
                    "{which} : le journal s'arrête à la position {end}, avant l'ancre : des événements ont été retirés."
                ),
            ),
            AnchorOutcome::BadSignature => (
                "bad_signature",
                format!("{which} : signature invalide, la ligne de l'ancre a été modifiée."),
            ),
            AnchorOutcome::OtherKey => (
                "other_key",
                format!(
                    "{which} : signée par une autre clé ({}) que la clé publique donnée ({}).",
                    a.key_id,
                    public.key_id()
                ),
            ),
        };
        checked.intact = false;
        checked.anchors_fail = true;
        checked.lines.push(line);
        anchor_json(&mut json, result, code);
    }
    if results.is_empty() {
        checked.intact = false;
        checked.anchors_fail = true;
        checked
            .lines
            .push("Fichier d'ancres vide : rien ne prouve le journal.".to_owned());
    } else if holding == results.len() {
        let last = results.iter().map(|r| r.anchor.position).max().unwrap_or(0);
        checked.lines.push(format!(
            "Ancres vérifiées : {holding} ancre(s) signée(s) par la clé {}, le journal jusqu'à la position {last} est celui qui a été ancré.",
            public.key_id()
        ));
    }
    checked.json["anchors"] = serde_json::json!(json);
    Ok(())
}

fn anchor_json(json: &mut Vec<serde_json::Value>, result: &store::anchor::AnchorCheck, code: &str) {
    json.push(serde_json::json!({
        "number": result.number,
        "position": result.anchor.position,
        "instant": result.anchor.instant,
        "outcome": code,
    }));
}

/// What `audit verify` finds in a store: the hash chain, then the read models against their
/// replay.
pub(crate) struct StoreCheck {
    /// The chain holds, the read models equal their replay, every anchor holds.
    pub(crate) intact: bool,
    /// The chain is broken: the read models were not compared with it.
    chain_broken: bool,
    /// An anchor does not hold: the log was rewritten.
    anchors_fail: bool,
    /// The chain holds and a read model differs from its replay.
    read_models_differ: bool,
    json: serde_json::Value,
    /// The report, one line each, in French.
    pub(crate) lines: Vec<String>,
}

impl StoreCheck {
    /// Ends the report with what the operator does in each case: a log not to be trusted is
    /// restored from the last good backup; a verified log with a read model that differs is
    /// rebuilt from.
    fn add_advice(&mut self) {
        let action = if self.chain_broken || self.anchors_fail {
            self.lines.push(RESTORE_ADVICE.to_owned());
            "restore_backup"
        } else if self.read_models_differ {
            self.lines.push("À faire : le journal est intact, il fait foi ; reconstruisez les modèles de lecture depuis lui : portail rebuild (docs/operations.md § 3).".to_owned());
            "rebuild"
        } else {
            "none"
        };
        self.json["action"] = serde_json::json!(action);
    }
}

pub(crate) fn check_store(store: &EventStore) -> anyhow::Result<StoreCheck> {
    let report = store.verify_chain()?;
    let (mut intact, mut json, mut lines) = match &report {
        ChainReport::Intact { events, head } => (
            true,
            serde_json::json!({ "chain": "intact", "events": events, "head": hex_string(head) }),
            vec![format!(
                "Chaîne intacte : {events} événements, tête {}",
                hex_string(head)
            )],
        ),
        ChainReport::Broken(broken) => (
            false,
            serde_json::json!({ "chain": "broken", "position": broken.position, "reason": broken.reason.code() }),
            vec![break_text(broken)],
        ),
    };
    if !intact {
        // Replaying a log that is not the one written would compare the models with a forgery.
        json["read_models"] = serde_json::json!("not_compared");
        lines.push(
            "Modèles de lecture non comparés : le journal n'est pas celui qui a été écrit."
                .to_owned(),
        );
        return Ok(StoreCheck {
            intact,
            chain_broken: true,
            anchors_fail: false,
            read_models_differ: false,
            json,
            lines,
        });
    }
    let mut read_models_differ = false;
    match app::maintenance::verify_read_models(store)? {
        app::maintenance::ReadModelCheck::Absent => {
            json["read_models"] = serde_json::json!("absent");
        }
        app::maintenance::ReadModelCheck::Identical { events, tables } => {
            json["read_models"] = serde_json::json!("identical");
            lines.push(format!(
                "Modèles de lecture identiques à leur reconstruction : {tables} tables, {events} événements rejoués"
            ));
        }
        app::maintenance::ReadModelCheck::Different(difference) => {
            intact = false;
            read_models_differ = true;
            json["read_models"] = serde_json::json!("different");
            json["difference"] = serde_json::json!({
                "table": difference.table,
                "live_row": difference.live_row,
                "rebuilt_row": difference.rebuilt_row,
            });
            lines.push(format!(
                "Modèle de lecture différent de sa reconstruction : table {}, première ligne différente : {} (reconstruite : {})",
                difference.table,
                difference.live_row.as_deref().unwrap_or("absente"),
                difference.rebuilt_row.as_deref().unwrap_or("absente")
            ));
        }
    }
    Ok(StoreCheck {
        intact,
        chain_broken: false,
        anchors_fail: false,
        read_models_differ,
        json,
        lines,
    })
}

fn hex_string(bytes: &[u8; 32]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
