//! Where messages go: an SMTP relay, or `.eml` files in a directory.

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::Message;
use lettre::Transport as _;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};

use crate::message::MESSAGE_ID_DOMAIN;

/// Delivers one message. Implementations block until the message is accepted or refused; the
/// worker calls them from its own thread, never inside a write transaction.
pub trait Transport: Send + Sync {
    /// Hands `message` over. `Ok` means the next hop took responsibility for it.
    fn send(&self, message: &Message) -> Result<(), TransportError>;

    /// A one-line description for logs and `portail mail` output (never a password).
    fn describe(&self) -> String;
}

/// Why a transport could not deliver a message. The worker stores the text as `last_error` and
/// retries later.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("SMTP: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("{0}")]
    Other(String),
}

/// Writes each message as `<mail_id>.eml` (its RFC 5322 bytes) in a directory, created if
/// needed: the default for development and demos, where no mail must leave the machine.
#[derive(Clone, Debug)]
pub struct FileTransport {
    dir: PathBuf,
}

impl FileTransport {
    pub fn new(dir: impl Into<PathBuf>) -> FileTransport {
        FileTransport { dir: dir.into() }
    }

    /// The directory the files go to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Transport for FileTransport {
    fn send(&self, message: &Message) -> Result<(), TransportError> {
        fs::create_dir_all(&self.dir)?;
        let name = file_stem(message);
        let bytes = message.formatted();
        // Written beside, then renamed: a reader of the directory never sees half a message.
        let partial = self.dir.join(format!(".{name}.eml.partial"));
        let mut file = fs::File::create(&partial)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&partial, self.dir.join(format!("{name}.eml")))?;
        Ok(())
    }

    fn describe(&self) -> String {
        format!("fichiers .eml dans {}", self.dir.display())
    }
}

/// The mail id taken back from `Message-ID: <mail_id@portail-famille>`, reduced to characters
/// safe in a file name; a fresh UUID for a message without such an id.
fn file_stem(message: &Message) -> String {
    let id = message
        .headers()
        .get_raw("Message-ID")
        .map(|raw| raw.trim().trim_start_matches('<').trim_end_matches('>'))
        .map(|id| {
            id.strip_suffix(MESSAGE_ID_DOMAIN)
                .and_then(|id| id.strip_suffix('@'))
                .unwrap_or(id)
        })
        .map(|id| {
            id.chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect::<String>()
        })
        .filter(|id| !id.is_empty());
    id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

/// How the connection to the relay is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain text: only for a relay on the same machine (or tests).
    None,
    /// Plain connection upgraded with STARTTLS, which is required (no downgrade); usually port 587.
    StartTls,
    /// TLS from the first byte (SMTPS); usually port 465.
    Tls,
}

/// Settings of the SMTP relay.
#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    /// Both or neither: authentication is used only when both are given.
    pub username: Option<String>,
    pub password: Option<String>,
    /// For connecting and for each SMTP command.
    pub timeout: Duration,
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// lettre's blocking SMTP client: one connection per message (no pool), TLS by rustls with the
/// ring provider and the webpki root certificates, certificates checked against `host`.
pub struct SmtpTransport {
    inner: lettre::SmtpTransport,
    description: String,
}

impl SmtpTransport {
    /// Builds the client; fails only when the TLS settings cannot be built. Nothing is
    /// connected before the first [`Transport::send`].
    pub fn new(config: &SmtpConfig) -> Result<SmtpTransport, TransportError> {
        let tls = match config.security {
            SmtpSecurity::None => Tls::None,
            SmtpSecurity::StartTls => Tls::Required(TlsParameters::new(config.host.clone())?),
            SmtpSecurity::Tls => Tls::Wrapper(TlsParameters::new(config.host.clone())?),
        };
        let mut builder = lettre::SmtpTransport::builder_dangerous(config.host.clone())
            .port(config.port)
            .tls(tls)
            .timeout(Some(config.timeout));
        let authenticated = match (&config.username, &config.password) {
            (Some(username), Some(password)) => {
                builder = builder.credentials(Credentials::new(username.clone(), password.clone()));
                true
            }
            _ => false,
        };
        let security = match config.security {
            SmtpSecurity::None => "sans chiffrement",
            SmtpSecurity::StartTls => "STARTTLS",
            SmtpSecurity::Tls => "TLS",
        };
        let description = format!(
            "SMTP {}:{} ({security}{})",
            config.host,
            config.port,
            if authenticated { ", authentifié" } else { "" }
        );
        Ok(SmtpTransport {
            inner: builder.build(),
            description,
        })
    }

    /// Connects to the relay and says EHLO/QUIT, to check the settings (`portail mail check`).
    pub fn test_connection(&self) -> Result<bool, TransportError> {
        Ok(self.inner.test_connection()?)
    }
}

impl Transport for SmtpTransport {
    fn send(&self, message: &Message) -> Result<(), TransportError> {
        self.inner.send(message)?;
        Ok(())
    }

    fn describe(&self) -> String {
        self.description.clone()
    }
}
