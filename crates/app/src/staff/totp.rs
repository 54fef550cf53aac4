//! The TOTP second factor (RFC 6238 over RFC 4226's HOTP): HMAC-SHA-1, 6 digits, 30-second
//! steps, the current step ±1 accepted, and each step at most once per account.

use chrono::{DateTime, Utc};
use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use crate::AppError;

/// Seconds per time step.
pub const TOTP_PERIOD: i64 = 30;
/// Digits of a code.
pub const TOTP_DIGITS: u32 = 6;
/// Steps accepted on either side of the current one (a clock a little ahead or behind).
const TOTP_DRIFT: i64 = 1;
/// Bytes of a secret (160 bits, RFC 4226's recommendation).
const SECRET_BYTES: usize = 20;

/// A TOTP secret: its bytes, written as base32 (RFC 4648) without padding.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(…)")
    }
}

impl TotpSecret {
    /// 20 random bytes from the OS.
    pub fn generate() -> Result<TotpSecret, AppError> {
        let mut bytes = [0_u8; SECRET_BYTES];
        getrandom::fill(&mut bytes).map_err(|e| AppError::corrupt("totp secret", e))?;
        Ok(TotpSecret(bytes.to_vec()))
    }

    /// A secret derived from `seed` (the demo accounts, whose codes testers compute).
    pub fn derived(seed: &[u8]) -> TotpSecret {
        let digest = <sha2::Sha256 as sha2::Digest>::digest(seed);
        TotpSecret(digest[..SECRET_BYTES].to_vec())
    }

    /// Reads the base32 form (spaces ignored, any case).
    pub fn parse(text: &str) -> Option<TotpSecret> {
        let cleaned: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let bytes = BASE32_NOPAD.decode(cleaned.as_bytes()).ok()?;
        (!bytes.is_empty()).then_some(TotpSecret(bytes))
    }

    /// The base32 form, as stored and as typed into an authenticator app.
    pub fn base32(&self) -> String {
        BASE32_NOPAD.encode(&self.0)
    }

    /// The base32 form in groups of four characters, easier to copy by hand.
    pub fn grouped(&self) -> String {
        let text = self.base32();
        let chars: Vec<char> = text.chars().collect();
        chars
            .chunks(4)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The code of the time step `step`.
    pub fn code_at_step(&self, step: i64) -> String {
        let value = hotp(&self.0, step as u64, TOTP_DIGITS);
        format!("{value:0width$}", width = TOTP_DIGITS as usize)
    }

    /// The code an authenticator shows at `now`.
    pub fn code_at(&self, now: DateTime<Utc>) -> String {
        self.code_at_step(time_step(now))
    }

    /// The step `code` belongs to, when it is one of the current step ±1 and later than
    /// `last_step` (the last one accepted for the account: a code is usable once).
    pub fn accepts(&self, code: &str, now: DateTime<Utc>, last_step: Option<i64>) -> Option<i64> {
        let typed: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if typed.len() != TOTP_DIGITS as usize || !typed.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let current = time_step(now);
        (current - TOTP_DRIFT..=current + TOTP_DRIFT)
            .filter(|step| last_step.is_none_or(|last| *step > last))
            .find(|step| constant_time_eq(self.code_at_step(*step).as_bytes(), typed.as_bytes()))
    }

    /// The `otpauth://` URI an authenticator app reads from the QR code.
    pub fn otpauth_uri(&self, issuer: &str, login: &str) -> String {
        let issuer = percent_encode(issuer);
        format!(
            "otpauth://totp/{issuer}:{}?secret={}&issuer={issuer}&algorithm=SHA1&digits={TOTP_DIGITS}&period={TOTP_PERIOD}",
            percent_encode(login),
            self.base32()
        )
    }
}

/// The time step of `now` (Unix seconds / 30).
pub fn time_step(now: DateTime<Utc>) -> i64 {
    now.timestamp().div_euclid(TOTP_PERIOD)
}

/// RFC 4226: HMAC-SHA-1 of the counter, dynamic truncation, `digits` decimal digits.
fn hotp(key: &[u8], counter: u64, digits: u32) -> u32 {
    // HMAC accepts a key of any length: `new_from_slice` cannot fail for it.
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(key) else {
        return 0;
    };
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let binary = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    binary % 10_u32.pow(digits)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    /// RFC 6238 appendix B's SHA-1 key: "12345678901234567890".
    fn rfc_secret() -> TotpSecret {
        TotpSecret(b"12345678901234567890".to_vec())
    }

    fn at(seconds: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(seconds, 0).unwrap()
    }

    #[test]
    fn the_core_gives_the_rfc_6238_sha1_test_vectors() {
        let table = [
            (59, 94287082),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ];
        for (seconds, expected) in table {
            let step = time_step(at(seconds)) as u64;
            assert_eq!(
                hotp(b"12345678901234567890", step, 8),
                expected,
                "T = {seconds}"
            );
        }
    }

    #[test]
    fn six_digit_codes_are_the_last_six_digits_of_the_rfc_values() {
        assert_eq!(rfc_secret().code_at(at(59)), "287082");
        assert_eq!(rfc_secret().code_at(at(1111111109)), "081804");
        assert_eq!(rfc_secret().code_at(at(1234567890)), "005924");
    }

    #[test]
    fn the_current_step_and_one_either_side_are_accepted_two_steps_away_are_not() {
        let secret = rfc_secret();
        let now = at(1_700_000_000);
        let step = time_step(now);
        for offset in [-1, 0, 1] {
            let code = secret.code_at_step(step + offset);
            assert_eq!(secret.accepts(&code, now, None), Some(step + offset));
        }
        for offset in [-2, 2] {
            let code = secret.code_at_step(step + offset);
            assert_eq!(secret.accepts(&code, now, None), None, "offset {offset}");
        }
    }

    #[test]
    fn a_code_is_usable_once_and_never_an_older_one() {
        let secret = rfc_secret();
        let now = at(1_700_000_000);
        let code = secret.code_at(now);
        let step = secret.accepts(&code, now, None).unwrap();
        assert_eq!(secret.accepts(&code, now, Some(step)), None, "reused");
        let older = secret.code_at_step(step - 1);
        assert_eq!(secret.accepts(&older, now, Some(step)), None, "older");
        let next = secret.code_at_step(step + 1);
        assert_eq!(secret.accepts(&next, now, Some(step)), Some(step + 1));
    }

    #[test]
    fn malformed_codes_are_refused() {
        let secret = rfc_secret();
        let now = at(59);
        assert_eq!(secret.accepts("", now, None), None);
        assert_eq!(secret.accepts("28708", now, None), None);
        assert_eq!(secret.accepts("2870820", now, None), None);
        assert_eq!(secret.accepts("28708a", now, None), None);
        assert_eq!(secret.accepts("287 082", now, None), Some(1));
    }

    #[test]
    fn the_secret_round_trips_through_base32_and_the_uri_names_the_parameters() {
        let secret = TotpSecret::generate().unwrap();
        assert_eq!(secret.base32().len(), 32);
        assert_eq!(TotpSecret::parse(&secret.grouped()), Some(secret.clone()));
        assert_eq!(
            rfc_secret().base32(),
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
            "RFC 4648 base32 of the RFC key"
        );
        assert_eq!(
            rfc_secret().otpauth_uri("Portail Famille", "marie.d"),
            "otpauth://totp/Portail%20Famille:marie.d?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Portail%20Famille&algorithm=SHA1&digits=6&period=30"
        );
        assert_ne!(TotpSecret::generate().unwrap(), secret);
        assert_eq!(TotpSecret::derived(b"a"), TotpSecret::derived(b"a"));
    }
}
