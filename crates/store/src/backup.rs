//! Backups and restores of the database file.
//!
//! A backup is a `VACUUM INTO` copy (one read transaction: a snapshot even while another process
//! writes) with its checksum beside it, `FILE.sha256`, in the format of `sha256sum`.
//!
//! A restore never puts an unchecked file in place: the backup is copied into a scratch file
//! beside the target, the caller's check runs on that copy (the hash chain, the read models),
//! and only a copy the check accepts is renamed over the target, in one step, after both were
//! made durable. A backup that fails its checksum or its check leaves the target as it was,
//! byte for byte.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use sha2::{Digest, Sha256};

use crate::error::StoreError;
use crate::{EventStore, StoreOptions, read};

/// `path` with `suffix` appended to its file name (`base.db` → `base.db.sha256`).
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = OsString::from(path.as_os_str());
    name.push(suffix);
    PathBuf::from(name)
}

/// Where the checksum of `backup` is written: `backup` followed by `.sha256`.
pub fn checksum_path(backup: &Path) -> PathBuf {
    with_suffix(backup, ".sha256")
}

fn io_error(context: &str, path: &Path, error: io::Error) -> StoreError {
    StoreError::Io(io::Error::new(
        error.kind(),
        format!("{context} {} : {error}", path.display()),
    ))
}

/// The sha256 of a file's bytes, in lowercase hex.
pub fn file_sha256(path: &Path) -> Result<String, StoreError> {
    let mut file = File::open(path).map_err(|e| io_error("lecture de", path, e))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let read = file
            .read(&mut buffer)
            .map_err(|e| io_error("lecture de", path, e))?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hex::encode(hasher.finalize()))
}

fn sync_file(path: &Path) -> Result<(), StoreError> {
    File::open(path)
        .and_then(|file| file.sync_all())
        .map_err(|e| io_error("synchronisation de", path, e))
}

/// Makes a rename in `path`'s directory durable.
fn sync_parent(path: &Path) -> Result<(), StoreError> {
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    sync_file(parent)
}

/// `VACUUM INTO`: a consistent copy of `db` at `target`, which must not exist.
fn copy_into(db: &Path, target: &Path) -> Result<(), StoreError> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    let target_text = target.to_string_lossy().into_owned();
    conn.execute("VACUUM INTO ?1", [target_text])?;
    drop(conn);
    sync_file(target)
}

/// Writes a consistent copy of the database at `db` to `target` (`VACUUM INTO`: one read
/// transaction, so a snapshot even while another process writes) and its checksum to
/// `target.sha256` (`<hex>  <file name>`, what `sha256sum -c` reads). Refuses an existing target.
pub fn backup(db: &Path, target: &Path) -> Result<(), StoreError> {
    if target.exists() {
        return Err(StoreError::Io(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} existe déjà", target.display()),
        )));
    }
    copy_into(db, target)?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let line = format!("{}  {name}\n", file_sha256(target)?);
    let sidecar = checksum_path(target);
    File::create(&sidecar)
        .and_then(|mut file| {
            file.write_all(line.as_bytes())?;
            file.sync_all()
        })
        .map_err(|e| io_error("écriture de", &sidecar, e))?;
    sync_parent(target)
}

/// What the checksum beside a backup says about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChecksumCheck {
    /// No `.sha256` beside the backup.
    Absent,
    /// The file's sha256 is the one written beside it.
    Matches,
    /// The file changed since its checksum was written (or the checksum did).
    Differs { expected: String, actual: String },
    /// The `.sha256` file does not start with 64 hexadecimal digits.
    Malformed,
}

/// Compares `backup` with the checksum written beside it, when there is one.
pub fn check_backup_checksum(backup: &Path) -> Result<ChecksumCheck, StoreError> {
    let sidecar = checksum_path(backup);
    if !sidecar.exists() {
        return Ok(ChecksumCheck::Absent);
    }
    let text =
        std::fs::read_to_string(&sidecar).map_err(|e| io_error("lecture de", &sidecar, e))?;
    let expected = text.split_whitespace().next().unwrap_or_default();
    if expected.len() != 64 || !expected.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(ChecksumCheck::Malformed);
    }
    let expected = expected.to_ascii_lowercase();
    let actual = file_sha256(backup)?;
    Ok(if actual == expected {
        ChecksumCheck::Matches
    } else {
        ChecksumCheck::Differs { expected, actual }
    })
}

/// The head of the database at `path`, read through a read-only connection (nothing is
/// created or changed there).
pub fn head_of_file(path: &Path) -> Result<read::Head, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    read::head(&conn)
}

/// What [`restore`] did.
#[derive(Debug)]
pub enum Restore<T> {
    /// The check accepted the copy, which now is the target.
    Restored(T),
    /// The check refused the copy: the target was not touched.
    Refused(T),
}

fn remove_if_present(path: &Path) -> Result<(), StoreError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(io_error("suppression de", path, error)),
    }
}

/// Removes `path` and its `-wal` and `-shm` files, those that exist.
fn remove_database_files(path: &Path) -> Result<(), StoreError> {
    remove_if_present(path)?;
    remove_if_present(&with_suffix(path, "-wal"))?;
    remove_if_present(&with_suffix(path, "-shm"))
}

/// Leaves the database at `path` in one file: its write-ahead log checkpointed into it and
/// removed (rollback journal mode; the store turns WAL back on at its next opening).
fn into_one_file(path: &Path) -> Result<(), StoreError> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    conn.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
    Ok(())
}

/// Restores the backup at `backup` into `target`, checked first.
///
/// The backup is copied (`VACUUM INTO`) into a scratch file beside `target`; `check` runs on
/// the store opened there and says whether to go on (`true`) with what to report. Accepted,
/// the copy is put in one file, synced, and renamed over `target` (the old target's log is
/// checkpointed first, so no stale `-wal` is ever left beside the new file); refused, or
/// failing, the scratch file is removed and `target` is untouched. Stop every process using
/// `target` first: a target still open elsewhere makes the swap fail (busy) before anything
/// changed.
pub fn restore<T, E: From<StoreError>>(
    backup: &Path,
    target: &Path,
    check: impl FnOnce(&EventStore) -> Result<(bool, T), E>,
) -> Result<Restore<T>, E> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "portail.db".to_owned());
    let scratch = target.with_file_name(format!(".{name}.restauration-{}", std::process::id()));
    remove_database_files(&scratch)?;
    let outcome = (|| -> Result<Restore<T>, E> {
        copy_into(backup, &scratch)?;
        let (accepted, report) = {
            let store = EventStore::open(&scratch, StoreOptions::default())?;
            check(&store)?
        };
        if !accepted {
            return Ok(Restore::Refused(report));
        }
        into_one_file(&scratch)?;
        sync_file(&scratch)?;
        if target.exists() {
            // A target that is not a database (the reason for restoring, sometimes) has no log
            // worth keeping; any other failure (busy: still in use) stops here.
            match into_one_file(target) {
                Ok(()) => {}
                Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(error, _)))
                    if error.code == rusqlite::ErrorCode::NotADatabase =>
                {
                    remove_if_present(&with_suffix(target, "-wal"))?;
                    remove_if_present(&with_suffix(target, "-shm"))?;
                }
                Err(error) => return Err(error.into()),
            }
        }
        std::fs::rename(&scratch, target).map_err(|e| io_error("remplacement de", target, e))?;
        sync_parent(target)?;
        Ok(Restore::Restored(report))
    })();
    if !matches!(outcome, Ok(Restore::Restored(_))) {
        remove_database_files(&scratch)?;
    }
    outcome
}
