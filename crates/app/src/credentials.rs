//! Passwords: argon2id hashes (m = 19 MiB, t = 2, p = 1, OWASP's minimum), never stored or shown
//! in clear.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use uuid::Uuid;

use crate::AppError;
use crate::accounts::AccountRefusal;

/// Shortest password accepted (NIST 800-63B without composition rules).
pub const MIN_PASSWORD_CHARS: usize = 15;
/// Longest password accepted.
pub const MAX_PASSWORD_CHARS: usize = 128;

fn hasher() -> Result<Argon2<'static>, AppError> {
    let params = Params::new(19 * 1024, 2, 1, None)
        .map_err(|e| AppError::corrupt("argon2 parameters", e))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Checks the password policy; the message is the one shown to the parent.
pub fn check_password_policy(password: &str) -> Result<(), AppError> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_CHARS {
        return Err(AccountRefusal::PasswordTooShort.into());
    }
    if length > MAX_PASSWORD_CHARS {
        return Err(AccountRefusal::PasswordTooLong.into());
    }
    Ok(())
}

/// Hashes a password into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`). Costs ~70 ms of
/// CPU: callers on an async runtime run it on a bounded blocking pool.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    // 16 random bytes from the OS (UUIDv4 draws them from getrandom), as the salt.
    let salt = SaltString::encode_b64(Uuid::new_v4().as_bytes())
        .map_err(|e| AppError::corrupt("argon2 salt", e))?;
    let hash = hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| AppError::corrupt("argon2", e))?;
    Ok(hash.to_string())
}

/// True when `stored` was hashed with other parameters than today's (rehash at the next log-in).
pub fn needs_rehash(stored: &str) -> bool {
    !stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$")
}

/// True when `password` matches the stored PHC string.
pub fn verify_password(password: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    hasher().is_ok_and(|h| h.verify_password(password.as_bytes(), &parsed).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hashed_password_verifies_and_another_does_not() {
        let hash = hash_password("portail-demo-dupont").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("portail-demo-dupont", &hash));
        assert!(!verify_password("portail-demo-martin", &hash));
        assert!(!verify_password("portail-demo-dupont", "not a hash"));
        assert_ne!(
            hash,
            hash_password("portail-demo-dupont").unwrap(),
            "salts differ"
        );
    }

    #[test]
    fn short_passwords_are_refused_with_a_french_reason() {
        let refused = check_password_policy("court").unwrap_err();
        assert!(refused.to_string().contains("au moins 15 caractères"));
        assert!(check_password_policy("une phrase de passe assez longue").is_ok());
    }
}
