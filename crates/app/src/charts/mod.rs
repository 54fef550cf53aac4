//! The figures of the back office's charts (`/gestion/graphiques`), one module per chart, each
//! a typed series the page draws and tables: occupancy rate per activity, waitlist pressure per
//! day, payments and consumptions per month. Amounts stay `Money`; the page converts them to
//! coordinates at the drawing edge only. `Permission::ViewBoards` on the structure.

mod money;
mod occupancy;
mod period;
mod pressure;
#[cfg(test)]
mod tests;

pub use money::{MonthAmounts, money_per_month};
pub use occupancy::{ActivityOccupancy, occupancy};
pub use period::{ChartPeriod, MAX_MONTHS, chart_structures};
pub use pressure::{DayPressure, waitlist_pressure};

use domain::ids::StructureId;
use domain::staff::Permission;

use crate::staff::Acting;
use crate::{App, AppError};

/// The three charts of one structure over one period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Charts {
    pub occupancy: Vec<ActivityOccupancy>,
    pub pressure: Vec<DayPressure>,
    pub money: Vec<MonthAmounts>,
}

/// Every chart of `structure` over `period`.
pub fn charts(
    app: &App,
    by: &Acting,
    structure: StructureId,
    period: ChartPeriod,
) -> Result<Charts, AppError> {
    by.require(Permission::ViewBoards, Some(structure))?;
    app.query(|conn| {
        Ok(Charts {
            occupancy: occupancy(conn, structure, period)?,
            pressure: waitlist_pressure(conn, structure, period)?,
            money: money_per_month(conn, structure, period)?,
        })
    })
}
