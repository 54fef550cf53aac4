//! After the rush: the transmission (`portail transmit` on the database, or the same `app`
//! function in the smoke test), then the log read back against what each parent was shown.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};
use domain::Event;
use domain::ids::BasketId;

use crate::fixture::World;
use crate::rush::Outcome;
use crate::server::Mode;

/// What the check found.
#[derive(Clone, Debug, Default)]
pub struct Checked {
    /// Baskets the parents saw validated.
    pub baskets: u64,
    /// Booking lines of the rush in the log.
    pub logged_lines: u64,
    /// Lines acknowledged to a parent and missing from the log.
    pub lost: u64,
    /// Lines or baskets in the log more than once.
    pub duplicated: u64,
    pub days: u64,
    pub overbooked: u64,
    /// Requests the transmission decided and places it gave on the rush days.
    pub transmitted: u64,
    pub accepted: u64,
}

fn transmit(world: &World, mode: Mode, binary: Option<&Path>) -> anyhow::Result<()> {
    match (mode, binary) {
        (Mode::Binary { .. }, Some(binary)) => {
            let output = Command::new(binary)
                .arg("--db")
                .arg(&world.db)
                .arg("transmit")
                .output()
                .context("portail transmit")?;
            if !output.status.success() {
                bail!(
                    "portail transmit failed: {}",
                    String::from_utf8_lossy(&output.stderr)
                );
            }
        }
        _ => {
            app::booking::transmit(&world.open()?, chrono::Utc::now())?;
        }
    }
    Ok(())
}

/// Transmits, then checks every validated basket against the log and every rush day against
/// its capacity.
pub fn transmit_and_check(
    world: &World,
    mode: Mode,
    binary: Option<&Path>,
    head_before: u64,
    outcomes: &[Outcome],
) -> anyhow::Result<Checked> {
    transmit(world, mode, binary)?;
    let app = world.open()?;
    let rush = World::activity("rush");
    let mut checked = Checked::default();
    let mut baskets: HashMap<String, Vec<BasketId>> = HashMap::new();
    let mut lines: HashMap<BasketId, u64> = HashMap::new();
    let mut requested: HashMap<(String, String), u64> = HashMap::new();
    let head = app.store.head()?.position;
    for stored in app.store.read_range(head_before + 1, Some(head), 10_000)? {
        let stored = stored?;
        let event = Event::decode(
            &stored.event_type,
            stored.schema_version,
            stored.payload_json()?,
        )?;
        match event {
            Event::BasketSubmitted(e) => baskets
                .entry(e.client_request_id)
                .or_default()
                .push(e.basket_id),
            Event::BookingRequested(e) if e.activity_id == rush => {
                *lines.entry(e.basket_id).or_default() += 1;
                *requested
                    .entry((e.child_id.to_string(), e.day.to_string()))
                    .or_default() += 1;
                checked.logged_lines += 1;
            }
            Event::BookingAccepted(e) if e.activity_id == rush => checked.accepted += 1,
            Event::TransmissionCompleted(e) => checked.transmitted += u64::from(e.counts.received),
            _ => {}
        }
    }
    checked.duplicated += requested.values().map(|n| n - 1).sum::<u64>();
    for outcome in outcomes {
        let Some(form_id) = &outcome.validated else {
            continue;
        };
        checked.baskets += 1;
        let family = World::family(outcome.f);
        let found = baskets.get(form_id).map(Vec::as_slice).unwrap_or_default();
        if found.len() > 1 {
            checked.duplicated += found.len() as u64 - 1;
        }
        let receipt = app::booking::receipt(&app, family, form_id)?;
        let logged = found
            .iter()
            .map(|b| lines.get(b).copied().unwrap_or(0))
            .sum::<u64>();
        match receipt {
            None => checked.lost += u64::from(outcome.clicks),
            Some(receipt) => {
                let shown = receipt.lines.len() as u64;
                checked.lost += u64::from(outcome.clicks).saturating_sub(shown);
                let recorded = receipt.recorded() as u64;
                checked.lost += recorded.saturating_sub(logged);
                checked.duplicated += logged.saturating_sub(recorded);
            }
        }
    }
    let operator = app::staff::Acting::operator();
    for day in world.rush_days() {
        let figures = app::days::day_figures(&app, &operator, rush, day)?;
        checked.days += 1;
        if figures.accepted > figures.capacity {
            checked.overbooked += 1;
        }
    }
    Ok(checked)
}
