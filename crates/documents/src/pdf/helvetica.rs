//! Helvetica and Helvetica-Bold, two of the PDF standard fonts (never embedded), written in
//! WinAnsiEncoding: the byte of each character and its advance width in thousandths of the
//! font size. The widths are the `WX` values of Adobe's Core 14 AFM files (Helvetica.afm and
//! Helvetica-Bold.afm, version 002.000), laid out by WinAnsi code; a reader lays text out with
//! the same figures, so a right-aligned amount ends where we computed.

/// Which of the two fonts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Face {
    Regular,
    Bold,
}

/// Codes 32 to 126 (WinAnsi: 39 is quotesingle, 96 grave).
const ASCII_REGULAR: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // 32-47
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 48-63
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // 64-79
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // 80-95
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // 96-111
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // 112-126
];
const ASCII_BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, // 32-47
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, // 48-63
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, // 64-79
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, // 80-95
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, // 96-111
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, // 112-126
];
/// Codes 160 to 255 (Latin-1; 160 is the no-break space, 173 the soft hyphen).
const LATIN_REGULAR: [u16; 96] = [
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333, // A0
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611, // B0
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // C0
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // D0
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278, // E0
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500, // F0
];
const LATIN_BOLD: [u16; 96] = [
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333, // A0
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611, // B0
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // C0
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // D0
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278, // E0
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556, // F0
];
/// The characters WinAnsi puts in 128–159: (character, code, regular width, bold width).
const WINDOWS_EXTRAS: [(char, u8, u16, u16); 27] = [
    ('€', 0x80, 556, 556),
    ('‚', 0x82, 222, 278),
    ('ƒ', 0x83, 556, 556),
    ('„', 0x84, 333, 500),
    ('…', 0x85, 1000, 1000),
    ('†', 0x86, 556, 556),
    ('‡', 0x87, 556, 556),
    ('ˆ', 0x88, 333, 333),
    ('‰', 0x89, 1000, 1000),
    ('Š', 0x8A, 667, 667),
    ('‹', 0x8B, 333, 333),
    ('Œ', 0x8C, 1000, 1000),
    ('Ž', 0x8E, 611, 611),
    ('‘', 0x91, 222, 278),
    ('’', 0x92, 222, 278),
    ('“', 0x93, 333, 500),
    ('”', 0x94, 333, 500),
    ('•', 0x95, 350, 350),
    ('–', 0x96, 556, 556),
    ('—', 0x97, 1000, 1000),
    ('˜', 0x98, 333, 333),
    ('™', 0x99, 1000, 1000),
    ('š', 0x9A, 500, 556),
    ('›', 0x9B, 333, 333),
    ('œ', 0x9C, 944, 944),
    ('ž', 0x9E, 500, 500),
    ('Ÿ', 0x9F, 667, 667),
];

/// The WinAnsi byte of `c` and its width; a character the encoding lacks is written `?`
/// (a narrow no-break space, French typography's, becomes the no-break space).
pub fn glyph(c: char, face: Face) -> (u8, u16) {
    let bold = face == Face::Bold;
    let code = u32::from(c);
    match code {
        32..=126 => {
            let i = (code - 32) as usize;
            let width = if bold {
                ASCII_BOLD[i]
            } else {
                ASCII_REGULAR[i]
            };
            (code as u8, width)
        }
        160..=255 => {
            let i = (code - 160) as usize;
            let width = if bold {
                LATIN_BOLD[i]
            } else {
                LATIN_REGULAR[i]
            };
            (code as u8, width)
        }
        0x202F | 0x2009 => glyph('\u{a0}', face),
        _ => match WINDOWS_EXTRAS.iter().find(|(extra, ..)| *extra == c) {
            Some((_, byte, regular, bold_width)) => {
                (*byte, if bold { *bold_width } else { *regular })
            }
            None => glyph('?', face),
        },
    }
}

/// `text` in WinAnsi bytes.
pub fn encode(text: &str, face: Face) -> Vec<u8> {
    text.chars().map(|c| glyph(c, face).0).collect()
}

/// The width of `text` at `size` points.
pub fn width(text: &str, face: Face, size: f32) -> f32 {
    let thousandths: u32 = text.chars().map(|c| u32::from(glyph(c, face).1)).sum();
    thousandths as f32 * size / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_letters_guillemets_and_the_euro_have_their_winansi_bytes() {
        assert_eq!(
            encode("é à ç « » €", Face::Regular),
            vec![0xE9, 32, 0xE0, 32, 0xE7, 32, 0xAB, 32, 0xBB, 32, 0x80]
        );
        assert_eq!(encode("Œ\u{202f}→", Face::Bold), vec![0x8C, 0xA0, b'?']);
    }

    #[test]
    fn widths_are_the_afm_ones() {
        // « 0 » is 556 in both faces; « i » 222 regular, 278 bold; « é » as « e ».
        assert!((width("10,00", Face::Regular, 10.0) - 25.02).abs() < 0.001);
        assert_eq!(width("i", Face::Regular, 1000.0), 222.0);
        assert_eq!(width("i", Face::Bold, 1000.0), 278.0);
        assert_eq!(
            width("é", Face::Bold, 1000.0),
            width("e", Face::Bold, 1000.0)
        );
        assert_eq!(width("W", Face::Regular, 1000.0), 944.0);
    }
}
