//! iCalendar (RFC 5545) by hand: a VCALENDAR of all-day VEVENTs, lines ending in CRLF, folded
//! at 75 octets (never inside a UTF-8 character), text escaped (`\`, `;`, `,`, new lines).

use chrono::{DateTime, NaiveDate, Utc};

/// One all-day event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllDay {
    /// Stable across feeds: the same reservation keeps its UID.
    pub uid: String,
    pub day: NaiveDate,
    /// « Mercredi — DUPONT Lilou ».
    pub summary: String,
    pub location: Option<String>,
}

/// The calendar: `name` (X-WR-CALNAME), stamped `now`, the events in the order given.
pub fn calendar(name: &str, now: DateTime<Utc>, events: &[AllDay]) -> String {
    let stamp = now.format("%Y%m%dT%H%M%SZ").to_string();
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Portail Famille//Agenda//FR".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        format!("X-WR-CALNAME:{}", escape(name)),
    ];
    for event in events {
        let next = event.day.succ_opt().unwrap_or(event.day);
        lines.push("BEGIN:VEVENT".to_owned());
        lines.push(format!("UID:{}", escape(&event.uid)));
        lines.push(format!("DTSTAMP:{stamp}"));
        lines.push(format!("DTSTART;VALUE=DATE:{}", event.day.format("%Y%m%d")));
        lines.push(format!("DTEND;VALUE=DATE:{}", next.format("%Y%m%d")));
        lines.push(format!("SUMMARY:{}", escape(&event.summary)));
        if let Some(location) = &event.location {
            lines.push(format!("LOCATION:{}", escape(location)));
        }
        lines.push("TRANSP:TRANSPARENT".to_owned());
        lines.push("END:VEVENT".to_owned());
    }
    lines.push("END:VCALENDAR".to_owned());
    lines.iter().map(|l| fold(l)).collect()
}

/// TEXT escaping of RFC 5545 §3.3.11.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            other => out.push(other),
        }
    }
    out
}

/// One content line folded at 75 octets (continuations start with a space), ending in CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        let size = c.len_utf8();
        if width + size > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += size;
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn commas_semicolons_and_backslashes_are_escaped() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_a_character() {
        let line = format!("SUMMARY:{}", "é".repeat(60));
        let folded = fold(&line);
        assert!(folded.ends_with("\r\n"));
        for part in folded.trim_end_matches("\r\n").split("\r\n") {
            assert!(part.len() <= 75, "{} octets", part.len());
        }
        let unfolded = folded.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, line);
        assert_eq!(fold("SHORT"), "SHORT\r\n");
    }

    #[test]
    fn a_calendar_has_one_all_day_event_per_place_with_crlf_lines() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 25, 8, 0, 0)
            .single()
            .expect("instant");
        let text = calendar(
            "Agenda",
            now,
            &[AllDay {
                uid: "r1@portail".to_owned(),
                day: NaiveDate::from_ymd_opt(2026, 12, 2).expect("day"),
                summary: "Mercredi, journée — DUPONT Lilou".to_owned(),
                location: None,
            }],
        );
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(text.contains("DTSTART;VALUE=DATE:20261202\r\n"));
        assert!(text.contains("DTEND;VALUE=DATE:20261203\r\n"));
        assert!(text.contains("SUMMARY:Mercredi\\, journée — DUPONT Lilou\r\n"));
        assert!(text.contains("DTSTAMP:20261125T080000Z\r\n"));
        assert_eq!(text.matches("BEGIN:VEVENT").count(), 1);
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(!text.replace("\r\n", "").contains('\n'));
    }
}
