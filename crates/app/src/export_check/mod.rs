//! The offline check of an export (`portail events import-check`), with no database: every line
//! parses, every payload validates against its embedded schema (`events-schema/`) and decodes,
//! and every hash follows from the previous line (`hash(n) = sha256(hash(n-1) ‖ row n)`; from
//! position 1 the chain starts at zero, so a complete export is proven whole; a filtered export
//! is checked across consecutive positions).

mod schemas;

use std::collections::HashMap;
use std::io::BufRead;

/// What the check found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportCheck {
    /// Non-empty lines read.
    pub lines: u64,
    /// Hashes recomputed from the previous line and found equal.
    pub chained: u64,
    /// Breaks of consecutive positions (a filtered export).
    pub gaps: u64,
    /// One French sentence per problem, naming its line.
    pub problems: Vec<String>,
}

impl ExportCheck {
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The check could not be run (the export unreadable, an embedded schema broken).
#[derive(Debug, thiserror::Error)]
pub enum ExportCheckError {
    #[error("lecture de l'export")]
    Read(#[source] std::io::Error),
    #[error("schéma {event_type} v{version} : {detail}")]
    Schema {
        event_type: String,
        version: u32,
        detail: String,
    },
}

/// An exported line as read back.
#[derive(serde::Deserialize)]
struct ExportedLine {
    position: u64,
    event_id: String,
    stream: String,
    version: u64,
    #[serde(rename = "type")]
    event_type: String,
    schema_version: u32,
    recorded_at: String,
    payload: serde_json::Value,
    metadata: serde_json::Value,
    hash: String,
}

/// The running state of the check across lines.
#[derive(Default)]
struct Checker {
    validators: HashMap<(String, u32), jsonschema::Validator>,
    previous: Option<(u64, [u8; 32])>,
    report: ExportCheck,
}

/// Checks the export read from `export`, line by line.
pub fn check_export(export: impl BufRead) -> Result<ExportCheck, ExportCheckError> {
    let mut checker = Checker::default();
    for (index, line) in export.lines().enumerate() {
        let line = line.map_err(ExportCheckError::Read)?;
        if line.trim().is_empty() {
            continue;
        }
        checker.report.lines += 1;
        checker.line(index + 1, &line)?;
    }
    Ok(checker.report)
}

impl Checker {
    fn problem(&mut self, text: String) {
        self.report.problems.push(text);
    }

    fn line(&mut self, number: usize, line: &str) -> Result<(), ExportCheckError> {
        let event: ExportedLine = match serde_json::from_str(line) {
            Ok(event) => event,
            Err(error) => {
                self.problem(format!("ligne {number} : JSON invalide ({error})"));
                return Ok(());
            }
        };
        if !self.validate(number, &event)? {
            return Ok(());
        }
        if let Err(error) = domain::Event::decode(
            &event.event_type,
            event.schema_version,
            event.payload.clone(),
        ) {
            self.problem(format!(
                "ligne {number} (position {}) : {error}",
                event.position
            ));
        }
        self.chain(number, &event);
        Ok(())
    }

    /// Validates the payload against its schema; false when the type is unknown (the line is
    /// not checked further).
    fn validate(&mut self, number: usize, event: &ExportedLine) -> Result<bool, ExportCheckError> {
        let key = (event.event_type.clone(), event.schema_version);
        if !self.validators.contains_key(&key) {
            let Some(text) = schemas::schema(&event.event_type, event.schema_version) else {
                self.problem(format!(
                    "ligne {number} (position {}) : type {} v{} inconnu",
                    event.position, event.event_type, event.schema_version
                ));
                return Ok(false);
            };
            let validator = validator(text, &event.event_type, event.schema_version)?;
            self.validators.insert(key.clone(), validator);
        }
        if let Some(validator) = self.validators.get(&key)
            && let Some(error) = validator.iter_errors(&event.payload).next()
        {
            let text = format!(
                "ligne {number} (position {}) : {} ne respecte pas son schéma à « {} » : {error}",
                event.position,
                event.event_type,
                error.instance_path()
            );
            self.report.problems.push(text);
        }
        Ok(true)
    }

    /// Recomputes the line's hash from the previous line's, when the positions follow.
    fn chain(&mut self, number: usize, event: &ExportedLine) {
        let Ok(stored_hash) = hex::decode(&event.hash)
            .map_err(|_| ())
            .and_then(|b| <[u8; 32]>::try_from(b).map_err(|_| ()))
        else {
            self.problem(format!(
                "ligne {number} (position {}) : empreinte illisible",
                event.position
            ));
            return;
        };
        let before = match self.previous {
            Some((position, hash)) if position + 1 == event.position => Some(hash),
            None if event.position == 1 => Some(store::GENESIS_HASH),
            _ => None,
        };
        if let Some(before) = before {
            if computed_hash(&before, event) == stored_hash {
                self.report.chained += 1;
            } else {
                self.problem(format!(
                    "ligne {number} (position {}) : l'empreinte ne suit pas de la précédente (ligne modifiée)",
                    event.position
                ));
            }
        } else if self.previous.is_some() {
            self.report.gaps += 1;
        }
        self.previous = Some((event.position, stored_hash));
    }
}

fn validator(
    text: &str,
    event_type: &str,
    version: u32,
) -> Result<jsonschema::Validator, ExportCheckError> {
    let broken = |detail: String| ExportCheckError::Schema {
        event_type: event_type.to_owned(),
        version,
        detail,
    };
    let schema: serde_json::Value =
        serde_json::from_str(text).map_err(|e| broken(e.to_string()))?;
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .map_err(|e| broken(e.to_string()))
}

fn computed_hash(before: &[u8; 32], event: &ExportedLine) -> [u8; 32] {
    let payload = store::canonical_json(&event.payload);
    let metadata = store::canonical_json(&event.metadata);
    store::chain_hash(
        before,
        &store::HashInput {
            position: event.position,
            event_id: &event.event_id,
            stream_id: &event.stream,
            stream_version: event.version,
            event_type: &event.event_type,
            schema_version: event.schema_version,
            payload: &payload,
            metadata: &metadata,
            recorded_at: &event.recorded_at,
        },
    )
}
