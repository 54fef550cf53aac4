//! `portail serve --config portail.toml`: the service's settings in one file. Each setting may
//! also come from a flag or a `PORTAIL_…` environment variable, which win over the file.
//!
//! ```toml
//! addr = "127.0.0.1:8080"
//! base_url = "https://famille.exemple.fr"
//! nightly_at = "02:00"
//! mail_dir = "mail"                      # .eml files when no SMTP server is configured
//! mail_from = "Portail Famille <portail@exemple.fr>"
//! trust_forwarded_for = true             # behind a reverse proxy
//!
//! [smtp]
//! host = "smtp.exemple.fr"
//! port = 587
//! security = "starttls"                  # starttls | tls | none
//! username = "portail"
//! password = "…"
//!
//! [payfip]
//! numcli = "123456"
//! mode = "T"                             # PayFiP's « saisie »: T test, X activation, W production
//! endpoint = "https://www.payfip.gouv.fr/tpa/services/securite"
//!
//! [session]
//! key = "…64 hex characters…"            # CSRF key; by default created in the database
//!
//! [anchor]
//! key = "/etc/portail/ancre.key"         # private key, outside the database (mode 0600)
//! file = "/srv/ancres/ancres.jsonl"      # where each night's anchor is appended
//! mail_to = "auditeur@exemple.fr"        # optional: the auditor receives each anchor
//! ```

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub addr: Option<SocketAddr>,
    pub base_url: Option<String>,
    pub nightly_at: Option<String>,
    pub mail_dir: Option<PathBuf>,
    pub mail_from: Option<String>,
    pub trust_forwarded_for: Option<bool>,
    pub smtp: Option<SmtpSection>,
    pub payfip: Option<PayfipSection>,
    pub session: Option<SessionSection>,
    pub anchor: Option<AnchorSection>,
}

/// The nightly anchor of the log (`portail audit anchor`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnchorSection {
    pub key: Option<PathBuf>,
    pub file: Option<PathBuf>,
    pub mail_to: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSection {
    pub host: String,
    pub port: Option<u16>,
    pub security: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayfipSection {
    pub numcli: Option<String>,
    pub mode: Option<String>,
    pub endpoint: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionSection {
    pub key: Option<String>,
}

/// Reads the file; no file given: every setting from flags, environment or defaults.
pub fn load(path: Option<&Path>) -> anyhow::Result<FileConfig> {
    let Some(path) = path else {
        return Ok(FileConfig::default());
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("lecture de la configuration {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("configuration {}", path.display()))
}

/// The SMTP settings: `PORTAIL_SMTP_*` variables, else the file's `[smtp]`, else none.
pub fn smtp(file: Option<&SmtpSection>) -> anyhow::Result<Option<mail::SmtpConfig>> {
    let env = |name: &str| std::env::var(name).ok();
    let (host, port, security, username, password) = match env("PORTAIL_SMTP_HOST") {
        Some(host) => (
            host,
            env("PORTAIL_SMTP_PORT")
                .map(|p| p.parse::<u16>())
                .transpose()
                .context("PORTAIL_SMTP_PORT")?,
            env("PORTAIL_SMTP_SECURITY"),
            env("PORTAIL_SMTP_USERNAME"),
            env("PORTAIL_SMTP_PASSWORD"),
        ),
        None => match file {
            Some(smtp) => (
                smtp.host.clone(),
                smtp.port,
                smtp.security.clone(),
                smtp.username.clone(),
                smtp.password.clone(),
            ),
            None => return Ok(None),
        },
    };
    let security = match security.as_deref() {
        None | Some("starttls") => mail::SmtpSecurity::StartTls,
        Some("tls") => mail::SmtpSecurity::Tls,
        Some("none") => mail::SmtpSecurity::None,
        Some(other) => anyhow::bail!("sécurité SMTP « {other} » inconnue (starttls, tls ou none)"),
    };
    let port = port.unwrap_or(match security {
        mail::SmtpSecurity::Tls => 465,
        mail::SmtpSecurity::StartTls => 587,
        mail::SmtpSecurity::None => 25,
    });
    Ok(Some(mail::SmtpConfig {
        host,
        port,
        security,
        username,
        password,
        timeout: std::time::Duration::from_secs(30),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_parses_and_unknown_keys_are_refused() {
        let example = include_str!("config.rs")
            .lines()
            .skip_while(|l| !l.starts_with("//! ```toml"))
            .skip(1)
            .take_while(|l| !l.starts_with("//! ```"))
            .map(|l| l.trim_start_matches("//!").trim_start())
            .collect::<Vec<_>>()
            .join("\n");
        let config: FileConfig = toml::from_str(&example).expect("example");
        assert_eq!(config.smtp.as_ref().map(|s| s.port), Some(Some(587)));
        assert_eq!(
            config.payfip.and_then(|p| p.numcli).as_deref(),
            Some("123456")
        );
        assert!(toml::from_str::<FileConfig>("adresse = \"x\"").is_err());
    }
}
