use super::passwords::check_new_password;
use super::throttle::{ACCOUNT_POLICY, throttle_delay};
use super::*;

#[test]
fn delays_grow_after_the_free_failures_and_reach_a_minute_at_the_fifth() {
    let delay = |n| throttle_delay(ACCOUNT_POLICY, n).num_seconds();
    assert_eq!((delay(0), delay(2)), (0, 0));
    assert_eq!(delay(3), 5);
    assert_eq!(delay(4), 15);
    assert!(delay(5) >= 60);
    assert!(delay(8) > delay(6));
    assert_eq!(delay(24), 900);
}

#[test]
fn obvious_passwords_are_refused() {
    assert!(check_new_password("motdepasse123456", "motdepasse123456", "dupont").is_err());
    assert!(check_new_password("dupont-dupont-dupont", "dupont-dupont-dupont", "dupont").is_err());
    assert!(check_new_password("aaaaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaaaa", "x").is_err());
    assert!(check_new_password("le chat dort sur la table", "autre chose", "dupont").is_err());
    assert!(
        check_new_password(
            "le chat dort sur la table",
            "le chat dort sur la table",
            "dupont"
        )
        .is_ok()
    );
}

#[test]
fn emails_are_checked() {
    assert!(parse_email("jean@exemple.fr").is_ok());
    assert!(parse_email("jean@exemple.fr\r\nBcc: x@y.fr").is_err());
    assert!(parse_email("pas une adresse").is_err());
}

mod opening {
    use chrono::{DateTime, TimeZone, Utc};

    use super::super::opening::next_opening;

    fn at(hour: u32, minute: u32) -> DateTime<Utc> {
        // 7:30 UTC is 8:30 in Paris in winter.
        Utc.with_ymd_and_hms(2026, 12, 2, hour, minute, 0).unwrap()
    }

    #[test]
    fn the_earliest_coming_opening_within_a_day_is_waited_for() {
        let now = at(7, 10);
        let openings = [
            at(7, 30),
            at(6, 0),
            Utc.with_ymd_and_hms(2026, 12, 20, 7, 30, 0).unwrap(),
        ];
        let opening = next_opening(openings.into_iter(), now).unwrap();
        assert_eq!(opening.opens_at, at(7, 30));
        assert_eq!(opening.seconds_left(), 20 * 60);
        // Twenty minutes ahead, the page looks again after ten (the session stays alive).
        assert_eq!(opening.next_look().seconds, 600);
        assert!(!opening.next_look().opens);
        assert_eq!(opening.to_string(), "Les réservations ouvrent à 8 h 30");
        assert_eq!(
            next_opening(openings.into_iter(), at(7, 30)),
            None,
            "open now: nothing to wait for"
        );
    }

    #[test]
    fn tomorrow_s_opening_says_so_and_a_fraction_of_a_second_counts_as_one() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 20, 0, 0).unwrap();
        let opening = next_opening([at(8, 0)].into_iter(), now).unwrap();
        assert_eq!(opening.to_string(), "Les réservations ouvrent demain à 9 h");
        let close = at(7, 30) - chrono::Duration::milliseconds(200);
        let opening = next_opening([at(7, 30)].into_iter(), close).unwrap();
        assert_eq!(opening.seconds_left(), 1);
    }
}
