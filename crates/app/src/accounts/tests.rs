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
