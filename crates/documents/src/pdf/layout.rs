//! Lays a [`Document`] out on A4 pages and writes the PDF.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use super::helvetica::{Face, encode, width};
use super::{Align, Block, Document, Table};

const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const MARGIN: f32 = 56.0;
const TEXT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
/// The lowest baseline of the body; the footer sits below it.
const BOTTOM: f32 = MARGIN + 24.0;
const BODY: f32 = 10.0;
const LEADING: f32 = 14.0;
const CELL_PAD: f32 = 4.0;
const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");

/// The PDF of `document`: A4, Helvetica in WinAnsiEncoding, a footer « N° … — page i / n ».
pub fn render(document: &Document) -> Vec<u8> {
    let mut pages = Pages::new();
    pages.header(document);
    for block in &document.blocks {
        match block {
            Block::Heading(text) => {
                pages.gap(8.0);
                pages.paragraph(text, Face::Bold, 12.0);
            }
            Block::Paragraph(text) => pages.paragraph(text, Face::Regular, BODY),
            Block::Table(table) => {
                pages.table(table);
                // The last row's text sits on its baseline: a line's room before what follows.
                pages.gap(LEADING);
            }
        }
        pages.gap(6.0);
    }
    write(document, pages.finish(&document.number))
}

/// The pages being filled, and the baseline of the next line.
struct Pages {
    done: Vec<Content>,
    current: Content,
    y: f32,
}

impl Pages {
    fn new() -> Pages {
        Pages {
            done: Vec::new(),
            current: Content::new(),
            y: PAGE_HEIGHT - MARGIN,
        }
    }

    fn text(&mut self, x: f32, face: Face, size: f32, text: &str) {
        let font = if face == Face::Bold { BOLD } else { REGULAR };
        let bytes = encode(text, face);
        self.current
            .begin_text()
            .set_font(font, size)
            .next_line(x, self.y)
            .show(Str(&bytes))
            .end_text();
    }

    /// A new page when fewer than `height` points are left.
    fn room(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            let full = std::mem::replace(&mut self.current, Content::new());
            self.done.push(full);
            self.y = PAGE_HEIGHT - MARGIN;
        }
    }

    fn gap(&mut self, points: f32) {
        self.y -= points;
    }

    fn line(&mut self, size: f32) {
        self.room(size * 1.4);
        self.y -= size * 1.4;
    }

    /// The issuer on the left, the addressee on the right, then the title, number and date.
    fn header(&mut self, document: &Document) {
        let top = self.y;
        for (i, line) in document.issuer.iter().enumerate() {
            let face = if i == 0 { Face::Bold } else { Face::Regular };
            self.text(MARGIN, face, 9.0, line);
            self.y -= 12.0;
        }
        let below_issuer = self.y;
        self.y = top - 60.0;
        for line in &document.addressee {
            self.text(PAGE_WIDTH / 2.0 + 40.0, Face::Regular, BODY, line);
            self.y -= LEADING;
        }
        self.y = self.y.min(below_issuer) - 24.0;
        for line in wrap(&document.title, Face::Bold, 16.0, TEXT_WIDTH) {
            self.text(MARGIN, Face::Bold, 16.0, &line);
            self.y -= 20.0;
        }
        self.text(MARGIN, Face::Bold, BODY, &format!("N° {}", document.number));
        self.y -= LEADING;
        self.text(MARGIN, Face::Regular, BODY, &document.issued);
        self.y -= LEADING + 8.0;
    }

    fn paragraph(&mut self, text: &str, face: Face, size: f32) {
        for line in wrap(text, face, size, TEXT_WIDTH) {
            self.room(size * 1.4);
            self.text(MARGIN, face, size, &line);
            self.y -= size * 1.4;
        }
    }

    fn table(&mut self, table: &Table) {
        let header: Vec<String> = table.columns.iter().map(|c| c.title.clone()).collect();
        self.row(table, &header, Face::Bold);
        self.rule();
        for row in &table.rows {
            self.row(table, row, Face::Regular);
        }
        if let Some(total) = &table.total {
            self.rule();
            self.row(table, total, Face::Bold);
        }
    }

    /// One row: each cell wrapped in its column, the row as tall as its tallest cell.
    fn row(&mut self, table: &Table, cells: &[String], face: Face) {
        let mut x = MARGIN;
        let mut placed: Vec<(f32, f32, Align, Vec<String>)> = Vec::new();
        for (column, cell) in table.columns.iter().zip(cells) {
            let column_width = column.share * TEXT_WIDTH;
            let inner = column_width - 2.0 * CELL_PAD;
            placed.push((x, column_width, column.align, wrap(cell, face, BODY, inner)));
            x += column_width;
        }
        let lines = placed.iter().map(|p| p.3.len()).max().unwrap_or(1).max(1);
        self.room(lines as f32 * LEADING + 4.0);
        self.y -= LEADING - 2.0;
        let first = self.y;
        for (x, column_width, align, cell_lines) in placed {
            self.y = first;
            for line in cell_lines {
                let at = match align {
                    Align::Left => x + CELL_PAD,
                    Align::Right => x + column_width - CELL_PAD - width(&line, face, BODY),
                };
                self.text(at, face, BODY, &line);
                self.y -= LEADING;
            }
        }
        self.y = first - (lines as f32 - 1.0) * LEADING - 4.0;
    }

    fn rule(&mut self) {
        self.current
            .set_line_width(0.6)
            .move_to(MARGIN, self.y + 1.0)
            .line_to(MARGIN + TEXT_WIDTH, self.y + 1.0)
            .stroke();
        self.line(0.0);
    }

    /// Every page with its footer.
    fn finish(mut self, number: &str) -> Vec<Vec<u8>> {
        self.done.push(self.current);
        let count = self.done.len();
        self.done
            .into_iter()
            .enumerate()
            .map(|(i, mut content)| {
                let footer = format!("N° {number} — page {} / {count}", i + 1);
                let bytes = encode(&footer, Face::Regular);
                let x = PAGE_WIDTH - MARGIN - width(&footer, Face::Regular, 8.0);
                content
                    .begin_text()
                    .set_font(REGULAR, 8.0)
                    .next_line(x, MARGIN)
                    .show(Str(&bytes))
                    .end_text();
                content.finish().to_vec()
            })
            .collect()
    }
}

/// Greedy word wrap at `max` points; a word longer than a line stands alone on it.
pub(super) fn wrap(text: &str, face: Face, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let candidate = if current.is_empty() {
            word.to_owned()
        } else {
            format!("{current} {word}")
        };
        if width(&candidate, face, size) <= max || current.is_empty() {
            current = candidate;
        } else {
            lines.push(std::mem::replace(&mut current, word.to_owned()));
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

/// The file: catalog, page tree, the two fonts, the document's title, then each page.
fn write(document: &Document, pages: Vec<Vec<u8>>) -> Vec<u8> {
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let ids: Vec<(Ref, Ref)> = (0..pages.len() as i32)
        .map(|i| (Ref::new(6 + 2 * i), Ref::new(7 + 2 * i)))
        .collect();
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(ids.iter().map(|(page, _)| *page))
        .count(ids.len() as i32);
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    let title = format!("{} — {}", document.title, document.number);
    pdf.document_info(info)
        .title(TextStr(&title))
        .producer(TextStr("Portail Famille"));
    for ((page_id, content_id), content) in ids.iter().zip(&pages) {
        let mut page = pdf.page(*page_id);
        page.parent(tree)
            .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .contents(*content_id);
        let mut resources = page.resources();
        let mut fonts = resources.fonts();
        fonts.pair(REGULAR, regular);
        fonts.pair(BOLD, bold);
        fonts.finish();
        resources.finish();
        page.finish();
        pdf.stream(*content_id, content);
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::Column;

    fn sample(rows: usize) -> Document {
        Document {
            title: "Attestation de frais de garde — année 2026".to_owned(),
            number: "FG-2026-00001".to_owned(),
            issuer: vec![
                "Communauté de communes".to_owned(),
                "1 rue de l'Église".to_owned(),
            ],
            addressee: vec!["M. DUPONT Jean-Paul".to_owned()],
            issued: "Émis le 2 décembre 2026".to_owned(),
            blocks: vec![
                Block::Paragraph("Nous certifions « ceci ».".to_owned()),
                Block::Table(Table {
                    columns: vec![Column::left("Enfant", 0.6), Column::right("Montant", 0.4)],
                    rows: (0..rows)
                        .map(|i| vec![format!("Enfant {i}"), "12,50 €".to_owned()])
                        .collect(),
                    total: Some(vec!["Total".to_owned(), "25,00 €".to_owned()]),
                }),
            ],
        }
    }

    fn page_count(text: &str) -> Option<u32> {
        let after = text.split("/Count").nth(1)?.trim_start();
        after
            .split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()
    }

    #[test]
    fn a_document_is_a_pdf_with_the_standard_fonts_in_winansi() {
        let bytes = render(&sample(2));
        assert!(bytes.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("/BaseFont /Helvetica"));
        assert!(text.contains("/Helvetica-Bold"));
        assert!(text.contains("/WinAnsiEncoding"));
        assert_eq!(page_count(&text), Some(1));
    }

    #[test]
    fn a_long_table_goes_on_to_the_next_page() {
        let text = String::from_utf8_lossy(&render(&sample(40))).into_owned();
        assert_eq!(page_count(&text), Some(2), "two pages for 40 rows");
        if let Some(extracted) = extracted(&render(&sample(40))) {
            assert!(extracted.contains("N° FG-2026-00001 — page 2 / 2"));
        }
    }

    /// The text a PDF reader extracts, through poppler's `pdftotext`; `None` (and a message)
    /// when it is not installed here — CI installs it.
    fn extracted(bytes: &[u8]) -> Option<String> {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("pf-pdf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok()?;
        let file = dir.join(format!("document-{n}.pdf"));
        std::fs::write(&file, bytes).ok()?;
        match std::process::Command::new("pdftotext")
            .arg("-layout")
            .arg(&file)
            .arg("-")
            .output()
        {
            Ok(out) if out.status.success() => {
                Some(String::from_utf8_lossy(&out.stdout).into_owned())
            }
            _ => {
                eprintln!("SKIPPED: pdftotext (poppler-utils) is not installed");
                None
            }
        }
    }

    #[test]
    fn a_reader_extracts_the_accents_guillemets_euro_and_amounts_right_aligned() {
        let Some(text) = extracted(&render(&sample(2))) else {
            return;
        };
        assert!(
            text.contains("Attestation de frais de garde — année 2026"),
            "{text}"
        );
        assert!(text.contains("N° FG-2026-00001"));
        assert!(text.contains("Émis le 2 décembre 2026"));
        assert!(text.contains("Nous certifions « ceci »."));
        let amounts: Vec<&str> = text.lines().filter(|l| l.contains("€")).collect();
        assert_eq!(amounts.len(), 3, "{text}");
        let ends: Vec<usize> = amounts
            .iter()
            .map(|l| l.trim_end().chars().count())
            .collect();
        assert!(
            ends.windows(2).all(|w| w[0] == w[1]),
            "amounts end in one column: {amounts:?}"
        );
    }

    #[test]
    fn words_wrap_inside_the_width() {
        let lines = wrap("un deux trois quatre cinq six", Face::Regular, 10.0, 60.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| width(l, Face::Regular, 10.0) <= 60.0));
        assert_eq!(lines.join(" "), "un deux trois quatre cinq six");
    }
}
