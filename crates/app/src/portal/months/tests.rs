use super::*;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

#[test]
fn a_month_outside_2000_to_2100_or_malformed_is_the_current_one() {
    let today = day("2026-11-28");
    assert_eq!(parse_month(Some("2026-12"), today), day("2026-12-01"));
    assert_eq!(parse_month(Some(" 2100-12 "), today), day("2100-12-01"));
    for text in ["1999-12", "2101-01", "2026-13", "mois", ""] {
        assert_eq!(parse_month(Some(text), today), day("2026-11-01"), "{text}");
    }
    assert_eq!(parse_month(None, today), day("2026-11-01"));
}
