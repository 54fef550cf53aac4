//! The period of the charts: whole months, `du` to `au` included, at most [`MAX_MONTHS`].

use chrono::{Datelike, Months, NaiveDate};
use domain::ids::StructureId;
use domain::staff::Permission;

use crate::console::ConsoleRefusal;
use crate::staff::Acting;
use crate::{App, AppError};

/// The longest period a chart covers.
pub const MAX_MONTHS: u32 = 12;

/// Whole months from `first` to `last` included (both the 1st of their month).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChartPeriod {
    first: NaiveDate,
    last: NaiveDate,
}

impl ChartPeriod {
    /// The months of `from` to `to` (any day of each); refused when `to` is before `from` or
    /// the period is longer than [`MAX_MONTHS`].
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<ChartPeriod, AppError> {
        let (first, last) = (month_of(from), month_of(to));
        let months = (last.year() - first.year()) * 12 + last.month() as i32 - first.month() as i32;
        if months < 0 {
            return Err(AppError::Console(ConsoleRefusal::PeriodBackwards));
        }
        if months >= MAX_MONTHS as i32 {
            return Err(AppError::Console(ConsoleRefusal::PeriodTooLong));
        }
        Ok(ChartPeriod { first, last })
    }

    /// The default: the month of `today`, the one before and the one after.
    pub fn around(today: NaiveDate) -> ChartPeriod {
        let month = month_of(today);
        ChartPeriod {
            first: month - Months::new(1),
            last: month + Months::new(1),
        }
    }

    /// The first month (its 1st).
    pub fn first_month(&self) -> NaiveDate {
        self.first
    }

    /// The last month (its 1st).
    pub fn last_month(&self) -> NaiveDate {
        self.last
    }

    /// Every month, the 1st of each.
    pub fn months(&self) -> Vec<NaiveDate> {
        let mut months = Vec::new();
        let mut month = self.first;
        while month <= self.last {
            months.push(month);
            month = month + Months::new(1);
        }
        months
    }

    /// Every day of the period.
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> {
        let end = self.end();
        self.first.iter_days().take_while(move |day| *day < end)
    }

    /// The day after the period.
    pub fn end(&self) -> NaiveDate {
        self.last + Months::new(1)
    }
}

fn month_of(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// The structures whose charts `by` may see, by name.
pub fn chart_structures(app: &App, by: &Acting) -> Result<Vec<(StructureId, String)>, AppError> {
    by.require(Permission::ViewBoards, None)?;
    let mut structures: Vec<(StructureId, String)> = app
        .query(|conn| Ok(projections::structures(conn)?))?
        .into_iter()
        .filter(|s| by.may_in(Permission::ViewBoards, s.structure_id))
        .map(|s| (s.structure_id, s.label))
        .collect();
    structures.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(structures)
}
