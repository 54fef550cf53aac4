//! CSV as French spreadsheets open it: UTF-8 with a byte-order mark, `;` between cells, CRLF
//! between lines, decimal comma.
//!
//! Cells are typed. Only [`Cell::Text`] carries text a person typed (a name, a cheque number),
//! and it is the only cell escaped against formula injection: a text starting with `=`, `+`,
//! `-`, `@`, a tab or a carriage return gets a leading apostrophe, so LibreOffice and Excel show
//! it as text instead of evaluating it (OWASP « CSV injection »). Amounts, counts and dates are
//! written by us and stay numbers the spreadsheet can add up.

use chrono::NaiveDate;
use domain::money::Money;

/// One cell of a sheet.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Text, escaped against formula injection.
    Text(String),
    /// An amount in euros, `12,50` (negative `-12,50`).
    Money(Money),
    /// A count.
    Count(u64),
    /// Hours with up to two decimals, `7,5`.
    Hours(Hours),
    /// A day, `03/12/2026`.
    Day(NaiveDate),
    /// Nothing.
    Empty,
}

/// A duration as the CAF counts it: whole minutes, shown in hours with a decimal comma.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hours {
    pub minutes: u64,
}

impl Hours {
    pub fn from_minutes(minutes: u64) -> Self {
        Hours { minutes }
    }

    /// `8`, `7,5`, `0,25` — hours with at most two decimals, no trailing zeros.
    pub fn text(self) -> String {
        let whole = self.minutes / 60;
        let rest = self.minutes % 60;
        if rest == 0 {
            return whole.to_string();
        }
        // Hundredths of an hour, rounded half up (minutes are whole: 1 min = 1,67 centièmes).
        let hundredths = (rest * 100 + 30) / 60;
        let (whole, hundredths) = if hundredths == 100 {
            (whole + 1, 0)
        } else {
            (whole, hundredths)
        };
        let text = format!("{whole},{hundredths:02}");
        text.trim_end_matches('0').trim_end_matches(',').to_owned()
    }
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }

    /// What goes between the separators (before the CSV quoting the writer adds).
    fn rendered(&self) -> String {
        match self {
            Cell::Text(text) => inert(text),
            Cell::Money(amount) => amount.to_string().replace('.', ","),
            Cell::Count(n) => n.to_string(),
            Cell::Hours(hours) => hours.text(),
            Cell::Day(day) => day.format("%d/%m/%Y").to_string(),
            Cell::Empty => String::new(),
        }
    }
}

/// A text cell a spreadsheet will not evaluate.
fn inert(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

/// Why a sheet could not be written (only an I/O failure of the underlying buffer).
#[derive(Debug, thiserror::Error)]
#[error("écriture CSV impossible : {0}")]
pub struct CsvError(#[from] ::csv::Error);

/// Writes a sheet: the header line, then one line per row, as bytes ready to download.
pub fn sheet(header: &[&str], rows: &[Vec<Cell>]) -> Result<Vec<u8>, CsvError> {
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    {
        let mut writer = ::csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(::csv::Terminator::CRLF)
            .flexible(false)
            .from_writer(&mut bytes);
        writer.write_record(header.iter().map(|h| inert(h)))?;
        for row in rows {
            writer.write_record(row.iter().map(Cell::rendered))?;
        }
        writer.flush().map_err(::csv::Error::from)?;
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8]) -> &str {
        std::str::from_utf8(bytes).expect("utf-8")
    }

    #[test]
    fn a_sheet_opens_in_a_french_spreadsheet_with_bom_semicolons_and_crlf() {
        let bytes = sheet(
            &["Enfant", "Montant", "Jour"],
            &[vec![
                Cell::text("Lilou ; Bernard"),
                Cell::Money(Money::from_cents(-1250)),
                Cell::Day(NaiveDate::from_ymd_opt(2026, 12, 3).expect("day")),
            ]],
        )
        .expect("sheet");
        assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
        assert_eq!(
            text(&bytes[3..]),
            "Enfant;Montant;Jour\r\n\"Lilou ; Bernard\";-12,50;03/12/2026\r\n"
        );
    }

    #[test]
    fn text_that_a_spreadsheet_would_evaluate_comes_out_inert() {
        let payloads = [
            "=HYPERLINK(\"http://evil\";\"x\")",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1:A9)",
            "\tTab",
        ];
        let rows: Vec<Vec<Cell>> = payloads.iter().map(|p| vec![Cell::text(*p)]).collect();
        let bytes = sheet(&["Nom"], &rows).expect("sheet");
        let mut reader = ::csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(&bytes[3..]);
        let cells: Vec<String> = reader
            .records()
            .map(|r| r.expect("record")[0].to_owned())
            .collect();
        for (cell, payload) in cells.iter().zip(payloads) {
            assert_eq!(cell, &format!("'{payload}"));
        }
        // Amounts stay numbers even when negative: they are ours, not typed by anyone.
        assert_eq!(Cell::Money(Money::from_cents(-5)).rendered(), "-0,05");
    }

    #[test]
    fn hours_read_as_the_caf_writes_them() {
        assert_eq!(Hours::from_minutes(480).text(), "8");
        assert_eq!(Hours::from_minutes(450).text(), "7,5");
        assert_eq!(Hours::from_minutes(15).text(), "0,25");
        assert_eq!(Hours::from_minutes(20).text(), "0,33");
        assert_eq!(Hours::from_minutes(0).text(), "0");
    }
}
