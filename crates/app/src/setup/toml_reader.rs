//! A generic reader of spanned TOML: the document's tables and values with the byte span of
//! each, turned into `file:line: message` errors. It knows no key of the setup file's schema.

use std::collections::HashMap;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Why a setup file was refused: where (`file:line`, 1-based) and why, in French.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct SetupError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

pub(super) type Node<'i> = Spanned<DeValue<'i>>;

/// The text being parsed, to turn byte offsets into line numbers.
#[derive(Clone, Copy)]
pub(super) struct Source<'s> {
    pub(super) text: &'s str,
    pub(super) file: &'s str,
}

impl Source<'_> {
    /// 1-based line of a byte offset.
    pub(super) fn line(&self, offset: usize) -> usize {
        let bytes = self.text.as_bytes();
        let before = bytes.get(..offset).unwrap_or(bytes);
        before.iter().filter(|byte| **byte == b'\n').count() + 1
    }

    pub(super) fn error(&self, span: Range<usize>, message: impl Into<String>) -> SetupError {
        SetupError {
            file: self.file.to_owned(),
            line: self.line(span.start),
            message: message.into(),
        }
    }

    pub(super) fn syntax_error(&self, error: &toml::de::Error) -> SetupError {
        let detail = error.message().lines().next().unwrap_or_default();
        let message = match detail {
            "duplicate key" => {
                "syntaxe TOML invalide : clé ou table déjà définie plus haut".to_owned()
            }
            _ if detail.starts_with("string values must be quoted") => {
                "syntaxe TOML invalide : un texte doit être entre guillemets".to_owned()
            }
            _ => format!("syntaxe TOML invalide ({detail})"),
        };
        self.error(error.span().unwrap_or(0..0), message)
    }
}

/// A table of the file, with how it is named in messages.
pub(super) struct Section<'a, 'i> {
    pub(super) src: Source<'a>,
    pub(super) table: &'a DeTable<'i>,
    /// The table header (`[[activities]]`), or the inline table.
    pub(super) span: Range<usize>,
    pub(super) name: &'static str,
}

impl<'a, 'i> Section<'a, 'i> {
    /// Refuses any key not in `allowed` (the first one in the file).
    pub(super) fn only(&self, allowed: &[&str]) -> Result<(), SetupError> {
        let unknown = self
            .table
            .iter()
            .filter(|(key, _)| !allowed.contains(&key.get_ref().as_ref()))
            .min_by_key(|(key, _)| key.span().start);
        match unknown {
            Some((key, _)) => Err(self.src.error(
                key.span(),
                format!(
                    "clé inconnue « {} » dans {} (clés possibles : {})",
                    key.get_ref(),
                    self.name,
                    allowed.join(", ")
                ),
            )),
            None => Ok(()),
        }
    }

    pub(super) fn get(&self, key: &'static str) -> Option<Field<'a, 'i>> {
        self.table.get_key_value(key).map(|(key_node, node)| Field {
            src: self.src,
            key,
            key_span: key_node.span(),
            node,
        })
    }

    pub(super) fn require(&self, key: &'static str) -> Result<Field<'a, 'i>, SetupError> {
        self.get(key).ok_or_else(|| {
            self.src.error(
                self.span.clone(),
                format!("clé obligatoire « {key} » manquante dans {}", self.name),
            )
        })
    }

    /// The tables of `[[key]]` (none when the key is absent).
    pub(super) fn array_of_tables(
        &self,
        key: &'static str,
        name: &'static str,
    ) -> Result<Vec<Section<'a, 'i>>, SetupError> {
        let Some(field) = self.get(key) else {
            return Ok(Vec::new());
        };
        let DeValue::Array(items) = field.node.get_ref() else {
            return Err(field.fail(format!(
                "« {key} » doit être une liste de tables, écrites {name}"
            )));
        };
        items
            .iter()
            .map(|node| {
                Field {
                    node,
                    ..field.clone()
                }
                .section(name)
            })
            .collect()
    }
}

/// One value of the file and the key it was given under.
#[derive(Clone)]
pub(super) struct Field<'a, 'i> {
    pub(super) src: Source<'a>,
    pub(super) key: &'static str,
    pub(super) key_span: Range<usize>,
    pub(super) node: &'a Node<'i>,
}

/// A key of an entity (or a family login), with where it was written.
#[derive(Clone)]
pub(super) struct KeyText {
    pub(super) text: String,
    pub(super) span: Range<usize>,
}

impl<'a, 'i> Field<'a, 'i> {
    pub(super) fn fail(&self, message: impl Into<String>) -> SetupError {
        self.src.error(self.node.span(), message)
    }

    pub(super) fn fail_at_key(&self, message: impl Into<String>) -> SetupError {
        self.src.error(self.key_span.clone(), message)
    }

    pub(super) fn wrong_type(&self, expected: &str) -> SetupError {
        self.fail(format!(
            "« {} » doit être {expected} (trouvé : {})",
            self.key,
            describe(self.node.get_ref())
        ))
    }

    pub(super) fn as_str(&self) -> Option<&'a str> {
        match self.node.get_ref() {
            DeValue::String(text) => Some(text.as_ref()),
            _ => None,
        }
    }

    /// The value as written, for messages.
    pub(super) fn display_text(&self) -> String {
        match self.node.get_ref() {
            DeValue::String(text) => text.to_string(),
            DeValue::Datetime(datetime) => datetime.to_string(),
            other => describe(other).to_owned(),
        }
    }

    pub(super) fn section(&self, name: &'static str) -> Result<Section<'a, 'i>, SetupError> {
        match self.node.get_ref() {
            DeValue::Table(table) => Ok(Section {
                src: self.src,
                table,
                span: self.node.span(),
                name,
            }),
            _ => Err(self.wrong_type(&format!("une table ({name})"))),
        }
    }

    /// The elements of a list, each under the list's key.
    pub(super) fn items(&self) -> Result<Vec<Field<'a, 'i>>, SetupError> {
        match self.node.get_ref() {
            DeValue::Array(items) => Ok(items
                .iter()
                .map(|node| Field {
                    node,
                    ..self.clone()
                })
                .collect()),
            _ => Err(self.wrong_type("une liste entre crochets [ … ]")),
        }
    }

    pub(super) fn string(&self) -> Result<&'a str, SetupError> {
        self.as_str()
            .ok_or_else(|| self.wrong_type("un texte entre guillemets"))
    }
}

/// Keys already seen for one kind of entity: refuses duplicates, resolves references.
pub(super) struct Keys<'s, T> {
    pub(super) src: Source<'s>,
    /// "un autre porte-monnaie": what a duplicate collides with.
    pub(super) what: String,
    pub(super) known: HashMap<String, (T, Range<usize>)>,
}

impl<'s, T: Copy> Keys<'s, T> {
    pub(super) fn new(src: Source<'s>, what: &str) -> Self {
        Keys {
            src,
            what: what.to_owned(),
            known: HashMap::new(),
        }
    }

    pub(super) fn insert(&mut self, key: &KeyText, value: T) -> Result<(), SetupError> {
        if let Some((_, first)) = self.known.get(&key.text) {
            return Err(self.src.error(
                key.span.clone(),
                format!(
                    "« {} » est déjà utilisé par {} (ligne {})",
                    key.text,
                    self.what,
                    self.src.line(first.start)
                ),
            ));
        }
        self.known
            .insert(key.text.clone(), (value, key.span.clone()));
        Ok(())
    }

    /// The entity a reference names; `unknown` is "structure inconnue"…
    pub(super) fn resolve(&self, field: &Field<'_, '_>, unknown: &str) -> Result<T, SetupError> {
        let key = field.string()?;
        self.known
            .get(key)
            .map(|(value, _)| *value)
            .ok_or_else(|| field.fail(format!("« {} » : {unknown} « {key} »", field.key)))
    }

    pub(super) fn line_of(&self, key: &str) -> usize {
        self.known
            .get(key)
            .map_or(0, |(_, span)| self.src.line(span.start))
    }
}

fn describe(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "un texte",
        DeValue::Integer(_) => "un nombre entier",
        DeValue::Float(_) => "un nombre à virgule",
        DeValue::Boolean(_) => "un booléen",
        DeValue::Datetime(_) => "une date",
        DeValue::Array(_) => "une liste",
        DeValue::Table(_) => "une table",
    }
}
