//! Every scenario at a seconds-long size, for correctness only (never timing): counts, the
//! chain verified, every page served, no 5xx, nothing lost or duplicated, no day overbooked.

use crate::measure::Measure;
use crate::sizes::Sizes;
use crate::{append, memory, pages, rebuild, rush, transmit};

fn find<'a>(measures: &'a [Measure], scenario: &str) -> &'a Measure {
    measures
        .iter()
        .find(|m| m.scenario == scenario)
        .unwrap_or_else(|| panic!("no {scenario} in {measures:#?}"))
}

#[test]
fn every_scenario_runs_and_counts_right_at_smoke_size() {
    let sizes = Sizes::smoke();
    // append and transmit check their own counts (the chain, every request received).
    for per_command in [1, 8] {
        let m = append::run(sizes.append_events, sizes.submitters, per_command).unwrap();
        assert!(m.figure > 0.0 && m.reference > 0.0, "{m:?}");
    }
    let m = transmit::run(sizes.transmit_requests, sizes.families).unwrap();
    assert!(m.figure > 0.0, "{m:?}");

    let (_dir, world) = sizes.world(None).unwrap();
    let m = rebuild::run(&world).unwrap();
    assert!(m.figure > 0.0, "{m:?}");

    let served = pages::run(&world, sizes.mode(), None, sizes.load()).unwrap();
    for page in ["calendar", "suivi", "solde"] {
        let m = find(&served, &format!("pages, {page}"));
        assert!(m.met, "every {page} page answered 200: {m:?}");
        assert_eq!(m.figure, f64::from(sizes.connections));
    }

    let memory = memory::run(&world, sizes.mode(), None, sizes.load(), sizes.settle()).unwrap();
    assert!(find(&memory, "memory, serve RSS peak").figure > 0.0);

    let rushed = rush::run(&world, sizes.rush_mode(), None, sizes.rush()).unwrap();
    eprint!("{}", crate::measure::table(&rushed));
    for zero in [
        "rush, 5xx/timeouts/failed",
        "rush, lost/duplicated",
        "rush, overbooked days",
    ] {
        let m = find(&rushed, zero);
        assert_eq!(m.figure, 0.0, "{m:?}");
    }
    let lines = find(&rushed, "rush, lost/duplicated");
    assert!(
        lines
            .note
            .contains(&format!("{} baskets validated", sizes.rush_families)),
        "{lines:?}"
    );
    let days = find(&rushed, "rush, overbooked days");
    assert!(
        !days.note.contains(" 0 requests"),
        "the transmission decided the rush: {days:?}"
    );
}
