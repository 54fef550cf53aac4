//! The SVG pictures, drawn with plotters' SVG backend (its text comes out as `<text>`). Each is
//! given `role="img"`, a `<title>` and `aria-labelledby`, then inlined in the page. Amounts
//! become coordinates here only: figures shown as text come from `Money` in `tables`.

use app::charts::{ActivityOccupancy, DayPressure, MonthAmounts};
use domain::Money;
use maud::{Markup, PreEscaped, html};
use plotters::coord::ranged1d::{IntoSegmentedCoord, SegmentValue};
use plotters::prelude::*;

use crate::WebError;

const SIZE: (u32, u32) = (720, 320);
const BAR: RGBColor = RGBColor(0x1d, 0x4e, 0x89);
const SECOND: RGBColor = RGBColor(0xb3, 0x4d, 0x00);

/// An SVG drawn by `paint` on a fresh backend, made accessible with `id` and `title`.
fn picture(
    id: &str,
    title: &str,
    paint: impl FnOnce(DrawingArea<SVGBackend<'_>, plotters::coord::Shift>) -> Result<(), String>,
) -> Result<Markup, WebError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE)
            .map_err(|e| WebError::Internal(e.to_string()))?;
        paint(root.clone()).map_err(WebError::Internal)?;
        root.present()
            .map_err(|e| WebError::Internal(e.to_string()))?;
    }
    let open_end = svg
        .find('>')
        .ok_or_else(|| WebError::Internal("an SVG without its tag".to_owned()))?;
    let title = html! { title id={ (id) "-titre" } { (title) } }.into_string();
    let accessible = format!(
        "{} role=\"img\" aria-labelledby=\"{id}-titre\" class=\"chart\">{title}{}",
        &svg[..open_end],
        &svg[open_end + 1..]
    );
    // Safe to inline: plotters' SVG backend escapes every text and attribute it writes
    // (`<`, `>`, `&`, quotes: activity labels come from the setup file), the title is maud's
    // escaped markup, and `id` is one of this module's constants.
    Ok(PreEscaped(accessible))
}

fn failed(error: impl std::fmt::Display) -> String {
    error.to_string()
}

/// The euros of `money`, as a coordinate.
fn euros(money: Money) -> f64 {
    money.cents().map_or(0.0, |cents| cents as f64 / 100.0)
}

/// Occupancy rate per activity, one bar each (0–100 %).
pub(super) fn occupancy_svg(rows: &[ActivityOccupancy], title: &str) -> Result<Markup, WebError> {
    let labels: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
    let percents: Vec<u32> = rows.iter().map(ActivityOccupancy::percent).collect();
    picture("occupation", title, |root| {
        let count = u32::try_from(rows.len().max(1)).unwrap_or(1);
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(48)
            .build_cartesian_2d((0u32..count).into_segmented(), 0u32..100u32)
            .map_err(failed)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .y_desc("% des places offertes")
            .x_label_formatter(&|value| match value {
                SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .y_label_formatter(&|percent| format!("{percent} %"))
            .draw()
            .map_err(failed)?;
        chart
            .draw_series(percents.iter().enumerate().map(|(i, percent)| {
                let i = u32::try_from(i).unwrap_or(0);
                let mut bar = Rectangle::new(
                    [
                        (SegmentValue::Exact(i), 0),
                        (SegmentValue::Exact(i + 1), *percent),
                    ],
                    BAR.filled(),
                );
                bar.set_margin(0, 0, 12, 12);
                bar
            }))
            .map_err(failed)?;
        Ok(())
    })
}

/// Children waitlisted per day, a line over the period.
pub(super) fn pressure_svg(days: &[DayPressure], title: &str) -> Result<Markup, WebError> {
    let top = days.iter().map(|d| d.waitlisted).max().unwrap_or(0).max(4) + 1;
    let count = u32::try_from(days.len().max(2)).unwrap_or(2);
    picture("attente", title, |root| {
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(48)
            .build_cartesian_2d(0u32..count - 1, 0u32..top)
            .map_err(failed)?;
        chart
            .configure_mesh()
            .y_desc("Enfants en liste d'attente")
            .x_labels(8)
            .x_label_formatter(&|i| {
                days.get(*i as usize)
                    .map(|d| d.day.format("%d/%m").to_string())
                    .unwrap_or_default()
            })
            .draw()
            .map_err(failed)?;
        chart
            .draw_series(LineSeries::new(
                days.iter()
                    .enumerate()
                    .map(|(i, d)| (u32::try_from(i).unwrap_or(0), d.waitlisted)),
                BAR.stroke_width(2),
            ))
            .map_err(failed)?;
        Ok(())
    })
}

/// Consumptions and payments per month, two lines in euros.
pub(super) fn money_svg(months: &[MonthAmounts], title: &str) -> Result<Markup, WebError> {
    let top = months
        .iter()
        .flat_map(|m| [euros(m.consumptions).abs(), euros(m.payments).abs()])
        .fold(10.0_f64, f64::max)
        * 1.1;
    let count = u32::try_from(months.len().max(2)).unwrap_or(2);
    picture("argent", title, |root| {
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(64)
            .build_cartesian_2d(0u32..count - 1, 0.0..top)
            .map_err(failed)?;
        chart
            .configure_mesh()
            .y_desc("Euros")
            .x_labels(months.len().max(2))
            .x_label_formatter(&|i| {
                months
                    .get(*i as usize)
                    .map(|m| m.month.format("%m/%Y").to_string())
                    .unwrap_or_default()
            })
            .y_label_formatter(&|euros| format!("{euros:.0} €"))
            .draw()
            .map_err(failed)?;
        let line = |pick: fn(&MonthAmounts) -> Money| {
            months
                .iter()
                .enumerate()
                .map(move |(i, m)| (u32::try_from(i).unwrap_or(0), euros(pick(m)).abs()))
        };
        chart
            .draw_series(LineSeries::new(
                line(|m| m.consumptions),
                BAR.stroke_width(2),
            ))
            .map_err(failed)?
            .label("Consommations")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BAR.stroke_width(2)));
        chart
            .draw_series(LineSeries::new(
                line(|m| m.payments),
                SECOND.stroke_width(2),
            ))
            .map_err(failed)?
            .label("Règlements")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], SECOND.stroke_width(2)));
        chart
            .configure_series_labels()
            .background_style(WHITE)
            .border_style(BLACK)
            .draw()
            .map_err(failed)?;
        Ok(())
    })
}
