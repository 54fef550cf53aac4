//! The French words of the domain, in one home: the names of days and months, days and
//! instants as prose, ages. Pages, mails and the command line all word dates through it.

use chrono::{
    DateTime, Datelike, NaiveDate, NaiveDateTime, Offset, TimeZone, Timelike, Utc, Weekday,
};
use chrono_tz::Europe::Paris;

/// The Paris wall-clock reading of an instant (the UTC reading at the very edges of the
/// representable range, where the local one does not exist).
fn paris_wall_clock(instant: DateTime<Utc>) -> NaiveDateTime {
    let offset = Paris.offset_from_utc_datetime(&instant.naive_utc());
    instant
        .naive_utc()
        .checked_add_offset(offset.fix())
        .unwrap_or(instant.naive_utc())
}

/// The names of the days of the week, Monday first, as French writes them in prose.
pub const WEEKDAY_NAMES: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];

/// The same, abbreviated as a calendar's column heads: « Lun » … « Dim ».
pub const WEEKDAY_ABBREVIATIONS: [&str; 7] = ["Lun", "Mar", "Mer", "Jeu", "Ven", "Sam", "Dim"];

/// The names of the months, January first.
pub const MONTH_NAMES: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// « lundi ».
pub fn weekday_name(weekday: Weekday) -> &'static str {
    WEEKDAY_NAMES[weekday.num_days_from_monday() as usize]
}

/// « Lun ».
pub fn weekday_abbreviation(weekday: Weekday) -> &'static str {
    WEEKDAY_ABBREVIATIONS[weekday.num_days_from_monday() as usize]
}

/// « janvier » for 1 … « décembre » for 12 (and for anything above).
pub fn month_name(month: u32) -> &'static str {
    MONTH_NAMES[(month.clamp(1, 12) - 1) as usize]
}

/// « novembre 2026 ».
pub fn month_title(month: NaiveDate) -> String {
    format!("{} {}", month_name(month.month()), month.year())
}

/// A day as French prose: « lundi 2 mars », « mercredi 1er avril ».
pub fn french_date(day: NaiveDate) -> String {
    let number = match day.day() {
        1 => "1er".to_owned(),
        other => other.to_string(),
    };
    format!(
        "{} {} {}",
        weekday_name(day.weekday()),
        number,
        month_name(day.month())
    )
}

/// A day as French prose with its year: « mercredi 4 mars 2026 », « dimanche 1er mars 2026 ».
pub fn french_date_with_year(day: NaiveDate) -> String {
    format!("{} {}", french_date(day), day.year())
}

/// An instant as the Paris wall clock shows it, in French prose: « lundi 2 mars à 18:00 ».
pub fn french_date_time(instant: DateTime<Utc>) -> String {
    let local = paris_wall_clock(instant);
    format!(
        "{} à {}",
        french_date(local.date()),
        local.time().format("%H:%M")
    )
}

/// The Paris wall-clock time of an instant as French prose: « 8 h 30 », « 9 h ».
pub fn french_clock_time(instant: DateTime<Utc>) -> String {
    let local = paris_wall_clock(instant);
    match local.minute() {
        0 => format!("{} h", local.hour()),
        minute => format!("{} h {minute:02}", local.hour()),
    }
}

/// Lower case without French accents or ligatures, so « MERCRÉDI » and « mercredi », « Chloé »
/// and « CHLOE », « Lætitia » and « laetitia » compare alike (setup values, the desk's search).
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' => folded.push('a'),
            'é' | 'è' | 'ê' | 'ë' => folded.push('e'),
            'î' | 'ï' | 'í' | 'ì' => folded.push('i'),
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => folded.push('o'),
            'ù' | 'û' | 'ü' | 'ú' => folded.push('u'),
            'ÿ' => folded.push('y'),
            'ç' => folded.push('c'),
            'ñ' => folded.push('n'),
            'æ' => folded.push_str("ae"),
            'œ' => folded.push_str("oe"),
            other => folded.push(other),
        }
    }
    folded
}

/// An age in whole years: « moins d'un an », « 1 an », « 13 ans ».
pub fn age_phrase(age: u32) -> String {
    match age {
        0 => "moins d'un an".to_owned(),
        1 => "1 an".to_owned(),
        years => format!("{years} ans"),
    }
}

/// Who an age range is for: « aux 6-12 ans », or « aux enfants de 3 ans » for a single age.
pub(crate) fn age_range_phrase(age_min: u8, age_max: u8) -> String {
    if age_min == age_max {
        format!("aux enfants de {}", age_phrase(u32::from(age_min)))
    } else {
        format!("aux {age_min}-{age_max} ans")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_forgets_case_accents_and_ligatures() {
        assert_eq!(fold("MERCRÉDI"), "mercredi");
        assert_eq!(fold("Chloé Lætitia CŒUR"), "chloe laetitia coeur");
        assert_eq!(fold("François-Noël"), "francois-noel");
    }

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("test instants are valid")
            .with_timezone(&Utc)
    }

    #[test]
    fn given_an_instant_when_worded_then_it_is_the_paris_wall_clock_in_french() {
        // Winter (UTC+1) and summer (UTC+2)
        assert_eq!(
            french_date_time(utc("2026-03-02T17:00:00Z")),
            "lundi 2 mars à 18:00"
        );
        assert_eq!(
            french_date_time(utc("2026-07-13T16:00:00Z")),
            "lundi 13 juillet à 18:00"
        );
        // Late UTC evening is already the next Paris day
        assert_eq!(
            french_date_time(utc("2026-12-31T23:30:00Z")),
            "vendredi 1er janvier à 00:30"
        );
        assert_eq!(
            french_date_time(utc("2026-08-15T07:05:00Z")),
            "samedi 15 août à 09:05"
        );
    }

    #[test]
    fn given_ages_when_worded_then_singular_and_plural_are_french() {
        assert_eq!(age_phrase(0), "moins d'un an");
        assert_eq!(age_phrase(1), "1 an");
        assert_eq!(age_phrase(13), "13 ans");
        assert_eq!(age_range_phrase(6, 12), "aux 6-12 ans");
        assert_eq!(age_range_phrase(3, 3), "aux enfants de 3 ans");
    }

    #[test]
    fn given_the_extremes_of_time_when_worded_then_nothing_panics() {
        let _ = french_date_time(DateTime::<Utc>::MIN_UTC);
        let _ = french_date_time(DateTime::<Utc>::MAX_UTC);
    }
}
