//! The rules a new password must meet, and the decoy hash of unknown accounts.

use super::{AccountRefusal, new_secret};
use crate::{AppError, credentials};

/// Words a password must not be: the identifiant, the portal's name, common passwords.
pub(crate) fn check_not_obvious(password: &str, login: &str) -> Result<(), AppError> {
    const BLOCKLIST: &[&str] = &[
        "motdepasse",
        "motdepasse123",
        "password",
        "passwordpassword",
        "123456789012345",
        "azertyuiopqsdfg",
        "portailfamille",
        "portail-famille",
        "portail famille",
        "centredeloisirs",
        "accueildeloisirs",
    ];
    let folded = password.trim().to_lowercase();
    let compact: String = folded.chars().filter(|c| c.is_alphanumeric()).collect();
    let login = login.trim().to_lowercase();
    let repetitive = folded
        .chars()
        .collect::<std::collections::BTreeSet<_>>()
        .len()
        < 4;
    if BLOCKLIST
        .iter()
        .any(|word| folded == *word || compact.starts_with(&word.replace([' ', '-'], "")))
        || (!login.is_empty() && compact.contains(&login))
        || repetitive
    {
        return Err(AccountRefusal::PasswordTooObvious.into());
    }
    Ok(())
}

/// Checks a new password: policy, not obvious, both entries equal.
pub(super) fn check_new_password(
    password: &str,
    confirmation: &str,
    login: &str,
) -> Result<(), AppError> {
    if password != confirmation {
        return Err(AccountRefusal::PasswordsDiffer.into());
    }
    credentials::check_password_policy(password)?;
    check_not_obvious(password, login)
}

/// A valid hash of a random password: verified against when the identifiant is unknown, so an
/// unknown account costs the same time as a known one.
pub(crate) fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| credentials::hash_password(&new_secret()).unwrap_or_default())
}
