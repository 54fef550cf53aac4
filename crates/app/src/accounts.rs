//! Parents' accounts on the portal: log in with throttling, server-side sessions, activation,
//! password recovery (single-use link by mail or recovery question, never the password itself),
//! profile changes. REFERENCE §C.
//!
//! Password hashing costs ~70 ms of CPU: the functions that hash or verify (`login`, `activate`,
//! `answer_question`, `reset_password`, `change_password`, `set_recovery_question`,
//! `request_email_change`) are meant to run on the web's bounded hashing pool, never on the async
//! runtime. Their writes go through the store's writer like every command.

use chrono::{DateTime, Duration, Utc};
use domain::ids::{FamilyId, StructureId};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::credentials;
use crate::notify;
use crate::registry;
use crate::{App, AppError};

/// A session ends after this long without a request.
pub const SESSION_IDLE: Duration = Duration::minutes(30);
/// A session ends this long after the login, active or not.
pub const SESSION_ABSOLUTE: Duration = Duration::hours(12);
/// A reset link is valid this long.
pub const RESET_VALID_MINUTES: u32 = 60;
/// An e-mail confirmation link is valid this long.
pub const EMAIL_CONFIRMATION_VALID: Duration = Duration::hours(48);
/// At most one reset mail per account in this interval.
pub const RESET_MAIL_INTERVAL: Duration = Duration::minutes(5);
/// `last_seen_at` is written at most this often (each write is a durable commit).
const TOUCH_EVERY: Duration = Duration::minutes(1);

pub(crate) fn install(conn: &Connection) -> Result<(), AppError> {
    conn.execute_batch(include_str!("accounts.sql"))?;
    // The key that picks the stand-in question of an identifiant without one (recovery).
    conn.execute(
        "INSERT INTO service_settings (name, value) VALUES ('recovery_decoy_key', ?1) ON CONFLICT (name) DO NOTHING",
        [new_secret()],
    )?;
    Ok(())
}

/// 256 bits from the OS (two UUIDv4 draw 244 random bits), as 64 hex characters.
pub fn new_secret() -> String {
    format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple())
}

/// Who acts in the metadata of what a parent does.
fn family_actor(family: FamilyId) -> String {
    format!("family:{family}")
}

/// True when `text` could be a [`new_secret`]: exactly 64 lowercase hex characters (checked
/// before touching the database).
pub fn is_secret_shaped(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The secret of a link the portal handed out (password reset, e-mail confirmation), parsed
/// from a URL: exactly the shape of [`new_secret`], so what a page writes back from it (a form
/// field, a link) can only ever be 64 lowercase hex characters.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkToken(String);

impl LinkToken {
    /// `None` unless `text` is 64 lowercase hex characters.
    pub fn parse(text: &str) -> Option<LinkToken> {
        is_secret_shaped(text).then(|| LinkToken(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for LinkToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A secret is not written in logs.
impl std::fmt::Debug for LinkToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkToken(…)")
    }
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn instant(text: &str, table: &'static str) -> Result<DateTime<Utc>, AppError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| AppError::corrupt(table, e))
}

fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

// ---------------------------------------------------------------------------------------------
// Throttling
// ---------------------------------------------------------------------------------------------

/// How many failures a key may make before waiting, and how many per 24 h at most.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrottlePolicy {
    pub free_failures: u32,
    pub daily_limit: u32,
}

/// Per account (typed identifiant, known or not): a wait after the 3rd failure, ≥ 60 s after the
/// 5th, at most 25 failures per 24 h.
pub const ACCOUNT_POLICY: ThrottlePolicy = ThrottlePolicy {
    free_failures: 3,
    daily_limit: 25,
};
/// Per IP address: families behind one box (a school, a town hall) share it, so it is looser.
pub const IP_POLICY: ThrottlePolicy = ThrottlePolicy {
    free_failures: 20,
    daily_limit: 200,
};

/// The wait imposed after `failures` failures in the window (0 when none).
pub fn throttle_delay(policy: ThrottlePolicy, failures: u32) -> Duration {
    if failures < policy.free_failures {
        return Duration::zero();
    }
    let beyond = failures - policy.free_failures;
    let seconds: i64 = match beyond {
        0 => 5,
        1 => 15,
        n => (60_i64 << (n - 2).min(4)).min(900),
    };
    Duration::seconds(seconds)
}

/// What a throttling key stands for; stored hashed (no login or address kept in clear).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThrottleKey {
    hash: String,
    policy: ThrottlePolicy,
}

impl ThrottleKey {
    /// Failed log-ins, activations or recovery answers for an identifiant.
    pub fn account(purpose: &str, login: &str) -> ThrottleKey {
        ThrottleKey {
            hash: sha256_hex(&format!("{purpose}:{}", login.trim().to_lowercase())),
            policy: ACCOUNT_POLICY,
        }
    }

    /// The keys an attempt by `login` from `ip` counts against: the account's first.
    pub fn for_attempt(purpose: &str, login: &str, ip: Option<&str>) -> Vec<ThrottleKey> {
        let mut keys = vec![ThrottleKey::account(purpose, login)];
        keys.extend(ip.map(ThrottleKey::ip));
        keys
    }

    /// Failures from an address.
    pub fn ip(ip: &str) -> ThrottleKey {
        ThrottleKey {
            hash: sha256_hex(&format!("ip:{ip}")),
            policy: IP_POLICY,
        }
    }
}

/// Seconds to wait before `key` may try again (0: now).
fn wait_for(conn: &Connection, key: &ThrottleKey, now: DateTime<Utc>) -> Result<i64, AppError> {
    let row: Option<(u32, String, String)> = conn
        .prepare_cached(
            "SELECT failures, window_start, last_failure FROM login_throttle WHERE key_hash = ?1",
        )?
        .query_row(params![key.hash], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((failures, window_start, last_failure)) = row else {
        return Ok(0);
    };
    let window_start = instant(&window_start, "login_throttle")?;
    let window_end = window_start + Duration::hours(24);
    if now >= window_end {
        return Ok(0);
    }
    let until = if failures >= key.policy.daily_limit {
        window_end
    } else {
        instant(&last_failure, "login_throttle")? + throttle_delay(key.policy, failures)
    };
    let millis = (until - now).num_milliseconds();
    Ok(if millis <= 0 {
        0
    } else {
        (millis + 999) / 1000
    })
}

/// The longest wait among `keys`.
pub fn retry_after(app: &App, keys: &[ThrottleKey]) -> Result<i64, AppError> {
    let now = app.now();
    let keys = keys.to_vec();
    app.query(move |conn| {
        let mut wait = 0;
        for key in &keys {
            wait = wait.max(wait_for(conn, key, now)?);
        }
        Ok(wait)
    })
}

fn record_failure(
    conn: &Connection,
    key: &ThrottleKey,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let now_text = stamp(now);
    let window_open = stamp(now - Duration::hours(24));
    conn.prepare_cached(
        "INSERT INTO login_throttle (key_hash, failures, window_start, last_failure) VALUES (?1, 1, ?2, ?2)
         ON CONFLICT (key_hash) DO UPDATE SET
             failures = CASE WHEN window_start <= ?3 THEN 1 ELSE failures + 1 END,
             window_start = CASE WHEN window_start <= ?3 THEN ?2 ELSE window_start END,
             last_failure = ?2",
    )?
    .execute(params![key.hash, now_text, window_open])?;
    Ok(())
}

fn record_failures(app: &App, keys: &[ThrottleKey]) -> Result<(), AppError> {
    let keys = keys.to_vec();
    app.execute("system:portal", move |command| {
        let now = command.now();
        for key in &keys {
            record_failure(command.conn(), key, now)?;
        }
        Ok(())
    })
}

fn clear_throttle(conn: &Connection, key: &ThrottleKey) -> Result<(), AppError> {
    conn.prepare_cached("DELETE FROM login_throttle WHERE key_hash = ?1")?
        .execute(params![key.hash])?;
    Ok(())
}

/// The French sentence for a wait, the same whatever the account.
pub fn throttled_message(seconds: i64) -> String {
    let minutes = (seconds + 59) / 60;
    if minutes <= 1 {
        "Trop de tentatives : patientez une minute avant de réessayer.".to_owned()
    } else {
        format!("Trop de tentatives : patientez {minutes} minutes avant de réessayer.")
    }
}

// ---------------------------------------------------------------------------------------------
// Sessions
// ---------------------------------------------------------------------------------------------

pub use crate::portal::Basket;

/// A live session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub token_hash: String,
    pub family_id: FamilyId,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub structure_id: Option<StructureId>,
    pub basket: Basket,
}

impl Session {
    /// Whether the session has outlived its idle or absolute limit at `now`.
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        now - self.last_seen_at > SESSION_IDLE || now - self.created_at > SESSION_ABSOLUTE
    }
}

fn insert_session(
    conn: &Connection,
    family: FamilyId,
    structure: Option<StructureId>,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let token = new_secret();
    let basket =
        serde_json::to_string(&Basket::new()).map_err(|e| AppError::corrupt("web_sessions", e))?;
    conn.prepare_cached(
        "INSERT INTO web_sessions (token_hash, family_id, created_at, last_seen_at, structure_id, basket)
         VALUES (?1, ?2, ?3, ?3, ?4, ?5)",
    )?
    .execute(params![
        sha256_hex(&token),
        family.to_string(),
        stamp(now),
        structure.map(|s| s.to_string()),
        basket
    ])?;
    Ok(token)
}

fn delete_session(conn: &Connection, token: &str) -> Result<(), AppError> {
    conn.prepare_cached("DELETE FROM web_sessions WHERE token_hash = ?1")?
        .execute(params![sha256_hex(token)])?;
    Ok(())
}

/// The session of a cookie, if it is live.
pub fn session(app: &App, token: &str) -> Result<Option<Session>, AppError> {
    if !is_secret_shaped(token) {
        return Ok(None);
    }
    let now = app.now();
    let hash = sha256_hex(token);
    let found = app.query(move |conn| {
        let row: Option<(String, String, String, Option<String>, String)> = conn
            .prepare_cached(
                "SELECT family_id, created_at, last_seen_at, structure_id, basket FROM web_sessions WHERE token_hash = ?1",
            )?
            .query_row(params![hash], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .optional()?;
        row.map(|(family, created, seen, structure, basket)| {
            let corrupt = |e: &dyn std::fmt::Display| AppError::corrupt("web_sessions", e.to_string());
            Ok(Session {
                token_hash: hash.clone(),
                family_id: family.parse().map_err(|e| corrupt(&e))?,
                created_at: instant(&created, "web_sessions")?,
                last_seen_at: instant(&seen, "web_sessions")?,
                structure_id: structure.map(|s| s.parse()).transpose().map_err(|e| corrupt(&e))?,
                basket: serde_json::from_str(&basket).map_err(|e| corrupt(&e))?,
            })
        })
        .transpose()
    })?;
    let Some(session) = found else {
        return Ok(None);
    };
    if session.expired(now) {
        let token = token.to_owned();
        app.execute("system:portal", move |command| {
            delete_session(command.conn(), &token)
        })?;
        return Ok(None);
    }
    if now - session.last_seen_at > TOUCH_EVERY {
        let hash = session.token_hash.clone();
        app.execute("system:portal", move |command| {
            command
                .conn()
                .prepare_cached("UPDATE web_sessions SET last_seen_at = ?2 WHERE token_hash = ?1")?
                .execute(params![hash, stamp(command.now())])?;
            Ok(())
        })?;
    }
    Ok(Some(session))
}

/// Ends a session (« Se déconnecter »): the server record is deleted.
pub fn close_session(app: &App, token: &str) -> Result<(), AppError> {
    let token = token.to_owned();
    app.execute("system:portal", move |command| {
        delete_session(command.conn(), &token)
    })
}

/// Changes the basket of a session in one writer command: the basket is read, changed and
/// written back inside the same transaction, so clicks arriving at once are applied one after
/// the other and none overwrites another (every acknowledged click stays in the basket). An
/// error from `change` leaves the basket as it was.
pub fn update_basket<T: Send + 'static>(
    app: &App,
    session: &Session,
    change: impl FnOnce(&mut Basket) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let hash = session.token_hash.clone();
    app.execute("system:portal", move |command| {
        let conn = command.conn();
        let stored: Option<String> = conn
            .prepare_cached("SELECT basket FROM web_sessions WHERE token_hash = ?1")?
            .query_row(params![hash], |row| row.get(0))
            .optional()?;
        let Some(stored) = stored else {
            return Err(AppError::Refused(
                "Votre session a pris fin : reconnectez-vous.".to_owned(),
            ));
        };
        let mut basket: Basket =
            serde_json::from_str(&stored).map_err(|e| AppError::corrupt("web_sessions", e))?;
        let answer = change(&mut basket)?;
        let text =
            serde_json::to_string(&basket).map_err(|e| AppError::corrupt("web_sessions", e))?;
        conn.prepare_cached("UPDATE web_sessions SET basket = ?2 WHERE token_hash = ?1")?
            .execute(params![hash, text])?;
        Ok(answer)
    })
}

/// Stores the basket of a session, replacing whatever it held (« Abandonner »).
pub fn save_basket(app: &App, session: &Session, basket: &Basket) -> Result<(), AppError> {
    let hash = session.token_hash.clone();
    let text = serde_json::to_string(basket).map_err(|e| AppError::corrupt("web_sessions", e))?;
    app.execute("system:portal", move |command| {
        command
            .conn()
            .prepare_cached("UPDATE web_sessions SET basket = ?2 WHERE token_hash = ?1")?
            .execute(params![hash, text])?;
        Ok(())
    })
}

/// Chooses the structure the session consults (« Modifier » in the header).
pub fn choose_structure(
    app: &App,
    session: &Session,
    structure: StructureId,
) -> Result<(), AppError> {
    let hash = session.token_hash.clone();
    app.execute("system:portal", move |command| {
        command
            .conn()
            .prepare_cached("UPDATE web_sessions SET structure_id = ?2 WHERE token_hash = ?1")?
            .execute(params![hash, structure.to_string()])?;
        Ok(())
    })
}

/// Deletes sessions past their limits and spent or expired tokens (nightly).
pub fn purge_expired(app: &App) -> Result<usize, AppError> {
    app.execute("system:portal", move |command| {
        let now = command.now();
        let conn = command.conn();
        let mut removed = conn
            .prepare_cached("DELETE FROM web_sessions WHERE last_seen_at < ?1 OR created_at < ?2")?
            .execute(params![
                stamp(now - SESSION_IDLE),
                stamp(now - SESSION_ABSOLUTE)
            ])?;
        removed += conn
            .prepare_cached("DELETE FROM account_tokens WHERE expires_at < ?1")?
            .execute(params![stamp(now - Duration::days(1))])?;
        removed += conn
            .prepare_cached("DELETE FROM login_throttle WHERE window_start < ?1")?
            .execute(params![stamp(now - Duration::hours(24))])?;
        Ok(removed)
    })
}

// ---------------------------------------------------------------------------------------------
// Log in
// ---------------------------------------------------------------------------------------------

/// The answer to a log-in attempt. `Rejected` is the same for an unknown identifiant, a wrong
/// password and an account without a password yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoginOutcome {
    LoggedIn { token: String, family: FamilyId },
    Rejected,
    Throttled { retry_after_seconds: i64 },
}

/// The message of `Rejected`.
pub const REJECTED_MESSAGE: &str = "Identifiant ou mot de passe incorrect.";

/// A valid hash of a random password: verified against when the identifiant is unknown, so an
/// unknown account costs the same time as a known one.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| credentials::hash_password(&new_secret()).unwrap_or_default())
}

/// Checks the identifiant and password; on success opens a new session (the previous one, if
/// any, is deleted: the id rotates at log-in) and clears the account's failures.
pub fn login(
    app: &App,
    login: &str,
    password: &str,
    ip: Option<&str>,
    previous_session: Option<&str>,
) -> Result<LoginOutcome, AppError> {
    let login = login.trim().to_owned();
    let keys = ThrottleKey::for_attempt("login", &login, ip);
    let wait = retry_after(app, &keys)?;
    if wait > 0 {
        return Ok(LoginOutcome::Throttled {
            retry_after_seconds: wait,
        });
    }
    let lookup = login.clone();
    let stored: Option<(FamilyId, Option<String>)> = app.query(move |conn| {
        conn.prepare_cached(
            "SELECT family_id, password_hash FROM family_accounts WHERE login = ?1",
        )?
        .query_row(params![lookup], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))
        .optional()?
        .map(|(id, hash)| id.parse().map(|id| (id, hash)))
        .transpose()
        .map_err(|e| AppError::corrupt("family_accounts", e))
    })?;
    let too_long = password.chars().count() > credentials::MAX_PASSWORD_CHARS;
    let (family, hash) = match &stored {
        Some((family, Some(hash))) => (Some(*family), hash.as_str()),
        _ => (None, decoy_hash()),
    };
    let matches = !too_long && credentials::verify_password(password, hash) && family.is_some();
    let Some(family) = family.filter(|_| matches) else {
        record_failures(app, &keys)?;
        return Ok(LoginOutcome::Rejected);
    };
    let rehash = credentials::needs_rehash(hash)
        .then(|| credentials::hash_password(password))
        .transpose()?;
    let previous = previous_session.map(str::to_owned);
    let account_key = keys[0].clone();
    let token = app.execute(&family_actor(family), move |command| {
        if let Some(previous) = &previous {
            delete_session(command.conn(), previous)?;
        }
        clear_throttle(command.conn(), &account_key)?;
        if let Some(hash) = &rehash {
            registry::set_password_hash(command.conn(), family, hash)?;
        }
        let structure = first_structure(command.conn(), family, command.now())?;
        insert_session(command.conn(), family, structure, command.now())
    })?;
    Ok(LoginOutcome::LoggedIn { token, family })
}

/// The structure a new session consults: the one of the family's latest request, else the
/// family's first by name.
fn first_structure(
    conn: &Connection,
    family: FamilyId,
    now: DateTime<Utc>,
) -> Result<Option<StructureId>, AppError> {
    let today = domain::deadline::paris_day(now);
    let Some(row) = projections::queries::family(conn, family, today)? else {
        return Ok(None);
    };
    let latest: Option<(String, String)> = conn
        .prepare_cached(
            "SELECT activity_id, day FROM booking_requests WHERE family_id = ?1 AND kind = 'booking'
             ORDER BY requested_position DESC LIMIT 1",
        )?
        .query_row(params![family.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((activity, day)) = latest
        && let (Ok(activity), Ok(day)) = (activity.parse(), day.parse())
        && let Some(activity) = projections::queries::activity(conn, activity, day)?
        && row.structures.contains(&activity.structure_id)
    {
        return Ok(Some(activity.structure_id));
    }
    Ok(crate::listing::family_structures(conn, family, today)?
        .first()
        .map(|(id, _)| *id))
}

/// First log-in: the one-time code handed out by the structure, then a password of the
/// parent's choice. Opens a session.
pub fn activate(
    app: &App,
    login: &str,
    code: &str,
    new_password: &str,
    ip: Option<&str>,
) -> Result<String, AppError> {
    let login = login.trim().to_owned();
    let keys = ThrottleKey::for_attempt("activation", &login, ip);
    let wait = retry_after(app, &keys)?;
    if wait > 0 {
        return Err(AppError::Refused(throttled_message(wait)));
    }
    credentials::check_password_policy(new_password)?;
    check_not_obvious(new_password, &login)?;
    let code_hash = crate::setup::import::hash_activation_code(code);
    let lookup = login.clone();
    let family: Option<FamilyId> = app.query(move |conn| {
        conn.prepare_cached(
            "SELECT family_id FROM family_accounts WHERE login = ?1 AND activation_code_hash = ?2",
        )?
        .query_row(params![lookup, code_hash], |r| r.get::<_, String>(0))
        .optional()?
        .map(|id| id.parse())
        .transpose()
        .map_err(|e| AppError::corrupt("family_accounts", e))
    })?;
    let Some(family) = family else {
        record_failures(app, &keys)?;
        return Err(AppError::Refused(
            "Identifiant ou code d'activation incorrect (le code ne sert qu'une fois).".to_owned(),
        ));
    };
    let hash = credentials::hash_password(new_password)?;
    app.execute(&family_actor(family), move |command| {
        registry::set_password_hash(command.conn(), family, &hash)?;
        clear_throttle(command.conn(), &keys[0])?;
        let structure = first_structure(command.conn(), family, command.now())?;
        insert_session(command.conn(), family, structure, command.now())
    })
}

/// Words a password must not be: the identifiant, the portal's name, common passwords.
fn check_not_obvious(password: &str, login: &str) -> Result<(), AppError> {
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
        return Err(AppError::Refused(
            "Ce mot de passe est trop facile à deviner (il reprend votre identifiant ou un mot de passe courant). Choisissez une phrase à vous.".to_owned(),
        ));
    }
    Ok(())
}

/// Checks a new password: policy, not obvious, both entries equal.
pub fn check_new_password(password: &str, confirmation: &str, login: &str) -> Result<(), AppError> {
    if password != confirmation {
        return Err(AppError::Refused(
            "Les deux saisies du nouveau mot de passe sont différentes.".to_owned(),
        ));
    }
    credentials::check_password_policy(password)?;
    check_not_obvious(password, login)
}

// ---------------------------------------------------------------------------------------------
// Recovery (« Le retrouver »)
// ---------------------------------------------------------------------------------------------

// Nothing a recovery page shows depends on whether the identifiant exists, has an address or
// has a question: the link route answers « si un compte correspond… » whatever happened, and
// the question route asks every identifiant a question — its own when it has one, else a
// stand-in picked from the identifiant with a server key, the same at every visit. Every
// request of either route first passes the log-in's throttle (per identifiant, per address)
// and counts as an attempt, so neither can be run through a list of identifiants.

/// The throttle purposes of the two recovery routes (the address key is shared with the log-in).
const RECOVERY_QUESTION: &str = "recovery";
const RECOVERY_LINK: &str = "recovery-link";

/// Stand-in questions, written the way parents write theirs.
const STAND_IN_QUESTIONS: &[&str] = &[
    "Le nom de mon premier animal de compagnie ?",
    "La ville de naissance de ma mère ?",
    "Le prénom de mon meilleur ami d'enfance ?",
    "Le nom de mon école primaire ?",
    "Le modèle de ma première voiture ?",
    "Le nom de la rue où j'ai grandi ?",
    "Le nom de jeune fille de ma grand-mère ?",
    "Mon plat préféré quand j'étais enfant ?",
];

/// How a recovery request went: done (the same for every identifiant), or wait first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecoveryOutcome<T> {
    Done(T),
    Throttled { retry_after_seconds: i64 },
}

/// The throttle of `purpose` for `login` from `ip`: the keys the request is to be counted
/// against (the caller records them in its transaction), or the seconds to wait first.
fn recovery_attempt(
    app: &App,
    purpose: &str,
    login: &str,
    ip: Option<&str>,
) -> Result<Result<Vec<ThrottleKey>, i64>, AppError> {
    let keys = ThrottleKey::for_attempt(purpose, login, ip);
    let wait = retry_after(app, &keys)?;
    if wait > 0 {
        return Ok(Err(wait));
    }
    Ok(Ok(keys))
}

/// The question the recovery page asks for `login`: the account's own, else its stand-in.
fn question_for(conn: &Connection, login: &str) -> Result<String, AppError> {
    if let Some(account) = registry::family_by_login(conn, login)?
        && let Some(question) = recovery_question(conn, account.family_id)?
    {
        return Ok(question);
    }
    let key: String = conn
        .prepare_cached("SELECT value FROM service_settings WHERE name = 'recovery_decoy_key'")?
        .query_row([], |r| r.get(0))?;
    let digest = Sha256::digest(format!("{key}:{}", login.trim().to_lowercase()).as_bytes());
    let index = usize::from(digest[0]) % STAND_IN_QUESTIONS.len();
    Ok(STAND_IN_QUESTIONS
        .get(index)
        .copied()
        .unwrap_or_default()
        .to_owned())
}

/// « Répondre à votre question »: the question to ask `login` (see above), after the throttle.
pub fn ask_recovery_question(
    app: &App,
    login: &str,
    ip: Option<&str>,
) -> Result<RecoveryOutcome<String>, AppError> {
    let login = login.trim().to_owned();
    let keys = match recovery_attempt(app, RECOVERY_QUESTION, &login, ip)? {
        Ok(keys) => keys,
        Err(wait) => {
            return Ok(RecoveryOutcome::Throttled {
                retry_after_seconds: wait,
            });
        }
    };
    app.execute("system:portal", move |command| {
        let now = command.now();
        for key in &keys {
            record_failure(command.conn(), key, now)?;
        }
        question_for(command.conn(), &login).map(RecoveryOutcome::Done)
    })
}

/// The question shown again beside a refused answer (the attempt was counted by the answer).
pub fn recovery_question_again(app: &App, login: &str) -> Result<String, AppError> {
    let login = login.trim().to_owned();
    app.query(move |conn| question_for(conn, &login))
}

fn recovery_question(conn: &Connection, family: FamilyId) -> Result<Option<String>, AppError> {
    Ok(conn
        .prepare_cached("SELECT question FROM account_recovery WHERE family_id = ?1")?
        .query_row(params![family.to_string()], |r| r.get(0))
        .optional()?)
}

/// A new single-use token of `purpose`; earlier unused ones of the same purpose are revoked.
fn issue_token(
    conn: &Connection,
    family: FamilyId,
    purpose: &str,
    email: Option<&str>,
    now: DateTime<Utc>,
    valid: Duration,
) -> Result<String, AppError> {
    conn.prepare_cached(
        "UPDATE account_tokens SET used_at = ?3 WHERE family_id = ?1 AND purpose = ?2 AND used_at IS NULL",
    )?
    .execute(params![family.to_string(), purpose, stamp(now)])?;
    let token = new_secret();
    conn.prepare_cached(
        "INSERT INTO account_tokens (token_hash, purpose, family_id, email, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        sha256_hex(&token),
        purpose,
        family.to_string(),
        email,
        stamp(now),
        stamp(now + valid)
    ])?;
    Ok(token)
}

/// « Recevoir un lien par mail »: after the throttle, sends a reset link to the account's
/// registered address if there is an account and it has one. Says nothing about whether it did
/// (the page answers the same either way); every request costs the same one transaction.
pub fn send_reset_link(
    app: &App,
    login: &str,
    ip: Option<&str>,
    base_url: &str,
) -> Result<RecoveryOutcome<()>, AppError> {
    let login = login.trim().to_owned();
    let keys = match recovery_attempt(app, RECOVERY_LINK, &login, ip)? {
        Ok(keys) => keys,
        Err(wait) => {
            return Ok(RecoveryOutcome::Throttled {
                retry_after_seconds: wait,
            });
        }
    };
    let base_url = base_url.trim_end_matches('/').to_owned();
    app.execute("system:portal", move |command| {
        let conn = command.conn();
        for key in &keys {
            record_failure(conn, key, command.now())?;
        }
        let Some(account) = registry::family_by_login(conn, &login)? else {
            return Ok(RecoveryOutcome::Done(()));
        };
        let Some(email) = account.email.clone() else {
            return Ok(RecoveryOutcome::Done(()));
        };
        // One mail per account every few minutes: a flood of requests does not flood the inbox.
        let recent: bool = conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM account_tokens WHERE family_id = ?1 AND purpose = 'password_reset'
                                  AND created_at > ?2)",
            )?
            .query_row(
                params![
                    account.family_id.to_string(),
                    stamp(command.now() - RESET_MAIL_INTERVAL)
                ],
                |r| r.get(0),
            )?;
        if recent {
            return Ok(RecoveryOutcome::Done(()));
        }
        let token = issue_token(
            conn,
            account.family_id,
            "password_reset",
            None,
            command.now(),
            Duration::minutes(i64::from(RESET_VALID_MINUTES)),
        )?;
        let link = format!("{base_url}/reinitialisation/{token}");
        let (subject, body) = mail::templates::password_reset(
            &account.addressee(),
            &link,
            RESET_VALID_MINUTES,
            &notify::contact_block(conn)?,
        );
        mail::enqueue(
            conn,
            &mail::OutgoingMail {
                kind: mail::MailKind::PasswordReset,
                dedup_key: format!("password_reset:{}", sha256_hex(&token)),
                recipient: email,
                subject,
                body,
            },
            command.now(),
        )?;
        Ok(RecoveryOutcome::Done(()))
    })
}

/// How a recovery answer went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnswerOutcome {
    /// Right: the parent may choose a new password with this single-use token.
    Correct {
        reset_token: String,
    },
    Wrong,
    Throttled {
        retry_after_seconds: i64,
    },
}

fn normalise_answer(answer: &str) -> String {
    answer
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Checks the answer to the recovery question (throttled like a log-in).
pub fn answer_question(
    app: &App,
    login: &str,
    answer: &str,
    ip: Option<&str>,
) -> Result<AnswerOutcome, AppError> {
    let login = login.trim().to_owned();
    let keys = ThrottleKey::for_attempt(RECOVERY_QUESTION, &login, ip);
    let wait = retry_after(app, &keys)?;
    if wait > 0 {
        return Ok(AnswerOutcome::Throttled {
            retry_after_seconds: wait,
        });
    }
    let lookup = login.clone();
    let stored: Option<(FamilyId, String)> = app.query(move |conn| {
        let Some(account) = registry::family_by_login(conn, &lookup)? else {
            return Ok(None);
        };
        Ok(conn
            .prepare_cached("SELECT answer_hash FROM account_recovery WHERE family_id = ?1")?
            .query_row(params![account.family_id.to_string()], |r| {
                r.get::<_, String>(0)
            })
            .optional()?
            .map(|hash| (account.family_id, hash)))
    })?;
    let normalised = normalise_answer(answer);
    let (family, hash) = match &stored {
        Some((family, hash)) => (Some(*family), hash.as_str()),
        None => (None, decoy_hash()),
    };
    let right = credentials::verify_password(&normalised, hash) && family.is_some();
    let Some(family) = family.filter(|_| right) else {
        record_failures(app, &keys)?;
        return Ok(AnswerOutcome::Wrong);
    };
    let reset_token = app.execute(&family_actor(family), move |command| {
        clear_throttle(command.conn(), &keys[0])?;
        issue_token(
            command.conn(),
            family,
            "password_reset",
            None,
            command.now(),
            Duration::minutes(15),
        )
    })?;
    Ok(AnswerOutcome::Correct { reset_token })
}

fn live_token(
    conn: &Connection,
    token: &LinkToken,
    purpose: &str,
    now: DateTime<Utc>,
) -> Result<Option<(FamilyId, Option<String>)>, AppError> {
    let row: Option<(String, Option<String>, String)> = conn
        .prepare_cached(
            "SELECT family_id, email, expires_at FROM account_tokens
             WHERE token_hash = ?1 AND purpose = ?2 AND used_at IS NULL",
        )?
        .query_row(params![sha256_hex(token.as_str()), purpose], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((family, email, expires)) = row else {
        return Ok(None);
    };
    if instant(&expires, "account_tokens")? <= now {
        return Ok(None);
    }
    let family = family
        .parse()
        .map_err(|e| AppError::corrupt("account_tokens", e))?;
    Ok(Some((family, email)))
}

/// The refusal of a spent, expired or unknown link.
fn dead_link() -> AppError {
    AppError::Refused(
        "Ce lien n'est plus valable (il a déjà servi, a expiré ou a été remplacé par un plus récent). Refaites une demande.".to_owned(),
    )
}

/// The identifiant a live reset link belongs to (for the page), or `None`.
pub fn reset_link_login(app: &App, token: &LinkToken) -> Result<Option<String>, AppError> {
    let now = app.now();
    let token = token.clone();
    app.query(move |conn| {
        let Some((family, _)) = live_token(conn, &token, "password_reset", now)? else {
            return Ok(None);
        };
        Ok(registry::family_account(conn, family)?.map(|a| a.login))
    })
}

/// Sets a new password with a reset link: the link is spent and every session of the account
/// ends (whoever had the old password is logged out).
pub fn reset_password(
    app: &App,
    token: &LinkToken,
    password: &str,
    confirmation: &str,
) -> Result<(), AppError> {
    let Some(login) = reset_link_login(app, token)? else {
        return Err(dead_link());
    };
    check_new_password(password, confirmation, &login)?;
    let hash = credentials::hash_password(password)?;
    let token = token.clone();
    app.execute("system:portal", move |command| {
        let now = command.now();
        let Some((family, _)) = live_token(command.conn(), &token, "password_reset", now)? else {
            return Err(dead_link());
        };
        let conn = command.conn();
        conn.prepare_cached("UPDATE account_tokens SET used_at = ?2 WHERE token_hash = ?1")?
            .execute(params![sha256_hex(token.as_str()), stamp(now)])?;
        registry::set_password_hash(conn, family, &hash)?;
        conn.prepare_cached("DELETE FROM web_sessions WHERE family_id = ?1")?
            .execute(params![family.to_string()])?;
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// Profile
// ---------------------------------------------------------------------------------------------

/// What the profile page shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    pub account: registry::FamilyAccount,
    pub question: Option<String>,
    /// An address waiting for its confirmation link.
    pub email_pending: Option<String>,
}

pub fn profile(app: &App, family: FamilyId) -> Result<Profile, AppError> {
    let now = app.now();
    app.query(move |conn| {
        let account = registry::family_account(conn, family)?
            .ok_or_else(|| AppError::Refused("Compte inconnu.".to_owned()))?;
        let email_pending: Option<String> = conn
            .prepare_cached(
                "SELECT email FROM account_tokens WHERE family_id = ?1 AND purpose = 'email_confirmation'
                   AND used_at IS NULL AND expires_at > ?2 ORDER BY created_at DESC LIMIT 1",
            )?
            .query_row(params![family.to_string(), stamp(now)], |r| r.get(0))
            .optional()?;
        Ok(Profile {
            question: recovery_question(conn, family)?,
            account,
            email_pending,
        })
    })
}

/// Verifies the current password of a logged-in parent (profile changes require it).
fn check_current_password(app: &App, family: FamilyId, current: &str) -> Result<(), AppError> {
    let keys = [ThrottleKey::account("profile", &family.to_string())];
    let wait = retry_after(app, &keys)?;
    if wait > 0 {
        return Err(AppError::Refused(throttled_message(wait)));
    }
    let stored: Option<String> = app.query(move |conn| {
        Ok(conn
            .prepare_cached("SELECT password_hash FROM family_accounts WHERE family_id = ?1")?
            .query_row(params![family.to_string()], |r| r.get(0))
            .optional()?
            .flatten())
    })?;
    let hash = stored.as_deref().unwrap_or(decoy_hash());
    if current.chars().count() > credentials::MAX_PASSWORD_CHARS
        || !credentials::verify_password(current, hash)
    {
        record_failures(app, &keys)?;
        return Err(AppError::Refused(
            "Le mot de passe actuel est incorrect : rien n'a été modifié.".to_owned(),
        ));
    }
    Ok(())
}

/// Changes the password (the current one required). Every session of the account ends and a
/// new one is opened for this browser: the returned token replaces the cookie.
pub fn change_password(
    app: &App,
    family: FamilyId,
    current: &str,
    new_password: &str,
    confirmation: &str,
) -> Result<String, AppError> {
    let login = app
        .query(move |conn| registry::family_account(conn, family))?
        .map(|a| a.login)
        .unwrap_or_default();
    check_new_password(new_password, confirmation, &login)?;
    check_current_password(app, family, current)?;
    let hash = credentials::hash_password(new_password)?;
    app.execute(&family_actor(family), move |command| {
        let conn = command.conn();
        registry::set_password_hash(conn, family, &hash)?;
        let structure: Option<String> = conn
            .prepare_cached("SELECT structure_id FROM web_sessions WHERE family_id = ?1 ORDER BY last_seen_at DESC LIMIT 1")?
            .query_row(params![family.to_string()], |r| r.get(0))
            .optional()?
            .flatten();
        conn.prepare_cached("DELETE FROM web_sessions WHERE family_id = ?1")?
            .execute(params![family.to_string()])?;
        let structure = structure
            .map(|s| s.parse())
            .transpose()
            .map_err(|e| AppError::corrupt("web_sessions", e))?;
        insert_session(conn, family, structure, command.now())
    })
}

/// Parses an e-mail address typed by a parent.
pub fn parse_email(text: &str) -> Result<String, AppError> {
    let email = text.trim();
    let length = email.chars().count();
    if !(6..=80).contains(&length)
        || email.chars().any(|c| c.is_control() || c.is_whitespace())
        || !mail::is_plausible_address(email)
    {
        return Err(AppError::Refused(
            "Adresse électronique invalide (exemple : prenom.nom@exemple.fr, 6 à 80 caractères)."
                .to_owned(),
        ));
    }
    Ok(email.to_owned())
}

/// Starts an e-mail change: a confirmation link goes to the new address; the address is the
/// account's once the link is opened. The current password is required.
pub fn request_email_change(
    app: &App,
    family: FamilyId,
    current_password: &str,
    email: &str,
    base_url: &str,
) -> Result<String, AppError> {
    let email = parse_email(email)?;
    check_current_password(app, family, current_password)?;
    let base_url = base_url.trim_end_matches('/').to_owned();
    let recipient = email.clone();
    app.execute(&family_actor(family), move |command| {
        let conn = command.conn();
        let account = registry::family_account(conn, family)?
            .ok_or_else(|| AppError::Refused("Compte inconnu.".to_owned()))?;
        let token = issue_token(
            conn,
            family,
            "email_confirmation",
            Some(&recipient),
            command.now(),
            EMAIL_CONFIRMATION_VALID,
        )?;
        let link = format!("{base_url}/profil/confirmation/{token}");
        let (subject, body) = mail::templates::email_confirmation(
            &account.addressee(),
            &link,
            &notify::contact_block(conn)?,
        );
        mail::enqueue(
            conn,
            &mail::OutgoingMail {
                kind: mail::MailKind::EmailConfirmation,
                dedup_key: format!("email_confirmation:{}", sha256_hex(&token)),
                recipient: recipient.clone(),
                subject,
                body,
            },
            command.now(),
        )?;
        Ok(())
    })?;
    Ok(email)
}

/// Opens a confirmation link: the address becomes the account's. Returns it.
pub fn confirm_email(app: &App, token: &LinkToken) -> Result<String, AppError> {
    let token = token.clone();
    app.execute("system:portal", move |command| {
        let now = command.now();
        let conn = command.conn();
        let Some((family, Some(email))) = live_token(conn, &token, "email_confirmation", now)?
        else {
            return Err(dead_link());
        };
        conn.prepare_cached("UPDATE account_tokens SET used_at = ?2 WHERE token_hash = ?1")?
            .execute(params![sha256_hex(token.as_str()), stamp(now)])?;
        conn.prepare_cached("UPDATE family_accounts SET email = ?2 WHERE family_id = ?1")?
            .execute(params![family.to_string(), email])?;
        Ok(email)
    })
}

/// Sets the recovery question and answer (the answer stored hashed). The current password is
/// required: otherwise a borrowed session could set its own way in.
pub fn set_recovery_question(
    app: &App,
    family: FamilyId,
    current_password: &str,
    question: &str,
    answer: &str,
) -> Result<(), AppError> {
    let question = question.trim().to_owned();
    let answer = normalise_answer(answer);
    if !(5..=200).contains(&question.chars().count()) {
        return Err(AppError::Refused(
            "La question doit compter de 5 à 200 caractères.".to_owned(),
        ));
    }
    if !(3..=100).contains(&answer.chars().count()) {
        return Err(AppError::Refused(
            "La réponse doit compter de 3 à 100 caractères.".to_owned(),
        ));
    }
    if question.to_lowercase().contains(&answer) {
        return Err(AppError::Refused(
            "La réponse ne doit pas figurer dans la question.".to_owned(),
        ));
    }
    check_current_password(app, family, current_password)?;
    let hash = credentials::hash_password(&answer)?;
    app.execute(&family_actor(family), move |command| {
        command
            .conn()
            .prepare_cached(
                "INSERT INTO account_recovery (family_id, question, answer_hash) VALUES (?1, ?2, ?3)
                 ON CONFLICT (family_id) DO UPDATE SET question = excluded.question, answer_hash = excluded.answer_hash",
            )?
            .execute(params![family.to_string(), question, hash])?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
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
        assert!(
            check_new_password("dupont-dupont-dupont", "dupont-dupont-dupont", "dupont").is_err()
        );
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
}
