//! Documents as PDF: an A4 page (or more) in Helvetica, the organisation's block at the top,
//! the addressee on the right, a title and number, then paragraphs and tables whose amounts are
//! right-aligned. Text is WinAnsi-encoded in the standard fonts, so it is extractable as
//! written (accents, « », €).

mod helvetica;
mod layout;

pub use helvetica::{Face, encode, width};
pub use layout::render;

/// What a document says; `app` computes it, the web page prints the same.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// « Attestation de frais de garde — année 2026 ».
    pub title: String,
    /// « FG-2026-00012 ».
    pub number: String,
    /// The organisation's contact block, one line each.
    pub issuer: Vec<String>,
    /// The family's name and login, one line each.
    pub addressee: Vec<String>,
    /// « Émis le 2 décembre 2026 ».
    pub issued: String,
    pub blocks: Vec<Block>,
}

/// A piece of the body, in reading order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Heading(String),
    Paragraph(String),
    Table(Table),
}

/// A table: its header, its rows and an optional total row (in bold).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
    pub total: Option<Vec<String>>,
}

/// A column: its title, its share of the text width (the shares of a table add up to 1 or
/// less) and where its text sits.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub title: String,
    pub share: f32,
    pub align: Align,
}

impl Eq for Column {}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    /// Amounts and counts: the text ends at the column's right edge.
    Right,
}

impl Column {
    pub fn left(title: &str, share: f32) -> Column {
        Column {
            title: title.to_owned(),
            share,
            align: Align::Left,
        }
    }
    pub fn right(title: &str, share: f32) -> Column {
        Column {
            title: title.to_owned(),
            share,
            align: Align::Right,
        }
    }
}
