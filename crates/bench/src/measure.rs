//! What every scenario returns: a figure, its same-run reference, the ratio and the target;
//! the table `all` prints and the JSON files under `target/bench/`.

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

/// How a ratio meets its target.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Goal {
    /// The ratio must be at least the target (a rate against its reference).
    AtLeast,
    /// The figure must be at most the target (a latency, a size, a count).
    AtMost,
}

/// Latency percentiles, in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Percentiles {
    pub p50: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p90: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p95: Option<f64>,
    pub p99: f64,
    pub max: f64,
    pub count: usize,
}

impl Percentiles {
    /// The percentiles of `samples` (none when there is no sample).
    pub fn of(samples: &[Duration]) -> Option<Percentiles> {
        let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
        if ms.is_empty() {
            return None;
        }
        ms.sort_by(f64::total_cmp);
        let at = |q: f64| ms[((ms.len() as f64 * q).ceil() as usize).clamp(1, ms.len()) - 1];
        Some(Percentiles {
            p50: at(0.50),
            p90: Some(at(0.90)),
            p95: Some(at(0.95)),
            p99: at(0.99),
            max: ms[ms.len() - 1],
            count: ms.len(),
        })
    }
}

/// One line of the table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Measure {
    pub scenario: String,
    pub figure: f64,
    pub unit: String,
    /// What the figure is compared with in the same run (for an absolute target: the target).
    pub reference: f64,
    pub reference_unit: String,
    pub ratio: f64,
    pub goal: Goal,
    /// The ratio's target (`AtLeast`) or the figure's (`AtMost`).
    pub target: f64,
    pub met: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percentiles: Option<Percentiles>,
    /// What else the run observed (counts, sizes), for the reader.
    pub note: String,
}

impl Measure {
    /// A rate against its same-run reference: met when `figure / reference ≥ target`.
    pub fn ratio(
        scenario: &str,
        (figure, unit): (f64, &str),
        (reference, reference_unit): (f64, &str),
        target: f64,
    ) -> Measure {
        let ratio = if reference > 0.0 {
            figure / reference
        } else {
            0.0
        };
        Measure {
            scenario: scenario.to_owned(),
            figure,
            unit: unit.to_owned(),
            reference,
            reference_unit: reference_unit.to_owned(),
            ratio,
            goal: Goal::AtLeast,
            target,
            met: ratio >= target,
            percentiles: None,
            note: String::new(),
        }
    }

    /// A figure against an absolute ceiling (the reference is the ceiling itself; a ceiling of 0
    /// gives the ratio 0 when met, else the figure).
    pub fn at_most(scenario: &str, figure: f64, unit: &str, target: f64) -> Measure {
        let ratio = if target > 0.0 {
            figure / target
        } else {
            figure
        };
        Measure {
            scenario: scenario.to_owned(),
            figure,
            unit: unit.to_owned(),
            reference: target,
            reference_unit: unit.to_owned(),
            ratio,
            goal: Goal::AtMost,
            target,
            met: figure <= target,
            percentiles: None,
            note: String::new(),
        }
    }

    pub fn with_percentiles(mut self, percentiles: Option<Percentiles>) -> Measure {
        self.percentiles = percentiles;
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Measure {
        self.note = note.into();
        self
    }
}

/// `target/bench` of the workspace.
pub fn output_dir() -> PathBuf {
    crate::server::target_dir().join("bench")
}

/// Writes `measures` as a JSON list to `target/bench/<name>.json`; returns the path.
pub fn write_json(name: &str, measures: &[Measure]) -> anyhow::Result<PathBuf> {
    let dir = output_dir();
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, serde_json::to_string_pretty(measures)?)?;
    Ok(path)
}

fn number(value: f64) -> String {
    if value.abs() >= 100.0 {
        format!("{value:.0}")
    } else if value.abs() >= 1.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.3}")
    }
}

/// The table: scenario, figure, reference, ratio, target, met.
pub fn table(measures: &[Measure]) -> String {
    let mut out = format!(
        "{:<34} {:>22} {:>22} {:>8} {:>10} {:>5}\n",
        "scenario", "figure", "reference", "ratio", "target", "met"
    );
    for m in measures {
        let target = match m.goal {
            Goal::AtLeast => format!("≥{}×", number(m.target)),
            Goal::AtMost => format!("≤{}", number(m.target)),
        };
        out.push_str(&format!(
            "{:<34} {:>22} {:>22} {:>8} {:>10} {:>5}\n",
            m.scenario,
            format!("{} {}", number(m.figure), m.unit),
            format!("{} {}", number(m.reference), m.reference_unit),
            number(m.ratio),
            target,
            if m.met { "yes" } else { "NO" }
        ));
        if let Some(p) = m.percentiles {
            let middle = match (p.p90, p.p95) {
                (_, Some(p95)) => format!("p95 {} ms", number(p95)),
                (Some(p90), None) => format!("p90 {} ms", number(p90)),
                (None, None) => String::new(),
            };
            out.push_str(&format!(
                "{:<34} p50 {} ms, {middle}, p99 {} ms, max {} ms ({} samples)\n",
                "",
                number(p.p50),
                number(p.p99),
                number(p.max),
                p.count
            ));
        }
        if !m.note.is_empty() {
            out.push_str(&format!("{:<34} {}\n", "", m.note));
        }
    }
    out
}
