//! The value parsers of the setup file: texts, keys, logins, addresses, numbers, amounts, dates,
//! instants, deadlines, units, ages and weekdays, each refused with a French message at its line.

use std::collections::BTreeSet;
use std::ops::Range;

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use domain::values::{Deadline, Unit};
use domain::{Email, Money};
use toml::de::DeValue;

use super::toml_reader::{Field, KeyText, SetupError};

/// Which instant to take for a Paris local time that happens twice (autumn back).
#[derive(Clone, Copy)]
pub(super) enum Repeated {
    Earlier,
    Later,
}

impl<'a, 'i> Field<'a, 'i> {
    /// A non-empty text, trimmed; line breaks allowed (addresses, welcome messages).
    pub(super) fn free_text(&self) -> Result<String, SetupError> {
        let text = self.string()?.trim();
        if text.is_empty() {
            return Err(self.fail(format!("« {} » ne doit pas être vide", self.key)));
        }
        if text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(self.fail(format!(
                "« {} » contient un caractère de contrôle invisible",
                self.key
            )));
        }
        Ok(text.to_owned())
    }

    /// A non-empty one-line text, trimmed.
    pub(super) fn single_line(&self) -> Result<String, SetupError> {
        self.one_line("")
    }

    /// A one-line text that may be written into a mail header (names, subjects): a line break
    /// there could inject headers, so it is refused with that reason.
    pub(super) fn mail_header_text(&self) -> Result<String, SetupError> {
        self.one_line(" (ce texte peut figurer dans l'en-tête d'un courriel)")
    }

    pub(super) fn one_line(&self, why: &str) -> Result<String, SetupError> {
        let text = self.string()?.trim();
        if text.is_empty() {
            return Err(self.fail(format!("« {} » ne doit pas être vide", self.key)));
        }
        if text.chars().any(is_line_break) {
            return Err(self.fail(format!(
                "« {} » ne doit pas contenir de retour à la ligne{why}",
                self.key
            )));
        }
        if text.chars().any(char::is_control) {
            return Err(self.fail(format!(
                "« {} » contient un caractère de contrôle invisible{why}",
                self.key
            )));
        }
        Ok(text.to_owned())
    }

    /// An entity key: the stable name its id is derived from.
    pub(super) fn key(&self) -> Result<KeyText, SetupError> {
        let text = self.string()?;
        if text.is_empty() {
            return Err(self.fail(format!("« {} » ne doit pas être vide", self.key)));
        }
        let valid = text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        if !valid {
            return Err(self.fail(format!(
                "clé invalide « {text} » : uniquement des lettres minuscules sans accent, des \
                 chiffres, « . », « - » ou « _ » (elle sert à calculer l'identifiant)"
            )));
        }
        Ok(KeyText {
            text: text.to_owned(),
            span: self.node.span(),
        })
    }

    pub(super) fn login(&self) -> Result<KeyText, SetupError> {
        let text = self.string()?;
        let valid = (2..=40).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        if !valid {
            return Err(self.fail(format!(
                "identifiant de connexion invalide « {} » : de 2 à 40 caractères parmi les \
                 lettres minuscules sans accent, les chiffres, « . », « - » et « _ »",
                text.escape_debug()
            )));
        }
        Ok(KeyText {
            text: text.to_owned(),
            span: self.node.span(),
        })
    }

    pub(super) fn email(&self) -> Result<Email, SetupError> {
        let text = self.mail_header_text()?;
        Email::parse(&text).map_err(|_| {
            self.fail(format!(
                "« {} » : adresse électronique invalide « {text} » (exemple : \
                 accueil@exemple.fr)",
                self.key
            ))
        })
    }

    pub(super) fn boolean(&self) -> Result<bool, SetupError> {
        match self.node.get_ref() {
            DeValue::Boolean(value) => Ok(*value),
            _ => Err(self.wrong_type("true ou false (sans guillemets)")),
        }
    }

    /// A whole number of at least `min`, as a `u32`.
    pub(super) fn count(&self, min: u32) -> Result<u32, SetupError> {
        let DeValue::Integer(integer) = self.node.get_ref() else {
            return Err(self.wrong_type("un nombre entier (sans guillemets)"));
        };
        let value = i128::from_str_radix(integer.as_str(), integer.radix())
            .map_err(|_| self.wrong_type("un nombre entier"))?;
        if value < i128::from(min) {
            return Err(self.fail(if min == 0 {
                format!(
                    "« {} » doit être un entier positif ou nul (trouvé : {value})",
                    self.key
                )
            } else {
                format!(
                    "« {} » doit être un entier d'au moins {min} (trouvé : {value})",
                    self.key
                )
            }));
        }
        u32::try_from(value).map_err(|_| {
            self.fail(format!(
                "« {} » : {value} est trop grand (au plus {})",
                self.key,
                u32::MAX
            ))
        })
    }

    /// An amount of euros: `"10.35"` (or a whole number). Floats are refused: they are inexact.
    pub(super) fn money(&self) -> Result<Money, SetupError> {
        let text = match self.node.get_ref() {
            DeValue::String(text) => text.to_string(),
            DeValue::Integer(integer) if integer.radix() == 10 => integer.as_str().to_owned(),
            DeValue::Float(float) => {
                return Err(self.fail(format!(
                    "« {} » : écrivez le montant entre guillemets, par exemple \"{}\" (un nombre \
                     à virgule sans guillemets serait arrondi)",
                    self.key,
                    float.as_str()
                )));
            }
            _ => return Err(self.wrong_type("un montant entre guillemets, par exemple \"10.35\"")),
        };
        Money::parse(&text).map_err(|error| self.fail(format!("« {} » : {error}", self.key)))
    }

    /// A day, `"2027-01-06"` (or a TOML date written without quotes).
    pub(super) fn date(&self) -> Result<NaiveDate, SetupError> {
        let text = match self.node.get_ref() {
            DeValue::String(text) => text.to_string(),
            DeValue::Datetime(datetime)
                if datetime.date.is_some()
                    && datetime.time.is_none()
                    && datetime.offset.is_none() =>
            {
                datetime.to_string()
            }
            _ => return Err(self.wrong_type("une date \"AAAA-MM-JJ\"")),
        };
        parse_date(&text).map_err(|problem| {
            self.fail(format!(
                "« {} » : date invalide « {text} » ({})",
                self.key,
                problem.explain()
            ))
        })
    }

    /// A Paris local date and time, `"2026-08-24 08:30"`, as a UTC instant.
    pub(super) fn paris_instant(&self, repeated: Repeated) -> Result<DateTime<Utc>, SetupError> {
        let local = match self.node.get_ref() {
            DeValue::String(text) => parse_local_datetime(text).ok_or_else(|| {
                self.fail(format!(
                    "« {} » : date et heure invalides « {text} » (format attendu \
                     « AAAA-MM-JJ HH:MM », heure de Paris, par exemple « 2026-08-24 08:30 »)",
                    self.key
                ))
            })?,
            DeValue::Datetime(datetime)
                if datetime.date.is_some()
                    && datetime.time.is_some()
                    && datetime.offset.is_none() =>
            {
                native_local_datetime(datetime).ok_or_else(|| {
                    self.fail(format!(
                        "« {} » : date et heure invalides « {datetime} »",
                        self.key
                    ))
                })?
            }
            _ => {
                return Err(self.wrong_type(
                    "une date et une heure de Paris \"AAAA-MM-JJ HH:MM\", par exemple \
                     \"2026-08-24 08:30\"",
                ));
            }
        };
        match Paris.from_local_datetime(&local) {
            LocalResult::Single(instant) => Ok(instant.with_timezone(&Utc)),
            LocalResult::Ambiguous(earlier, later) => Ok(match repeated {
                Repeated::Earlier => earlier.with_timezone(&Utc),
                Repeated::Later => later.with_timezone(&Utc),
            }),
            LocalResult::None => Err(self.fail(format!(
                "« {} » : l'heure {} n'existe pas le {} à Paris (passage à l'heure d'été : \
                 les horloges sautent de 02:00 à 03:00)",
                self.key,
                local.time().format("%H:%M"),
                local.date()
            ))),
        }
    }

    /// `"J-2 18:00"`: the day minus 2, at 18:00 Paris time.
    pub(super) fn deadline(&self) -> Result<Deadline, SetupError> {
        let text = self.string()?;
        parse_deadline(text).ok_or_else(|| {
            self.fail(format!(
                "« {} » : délai invalide « {text} » (format attendu « J-x HH:MM », par exemple \
                 « J-2 18:00 » : deux jours avant, à 18 h)",
                self.key
            ))
        })
    }

    /// `duree = "4h30"`: how long a place lasts, in minutes.
    pub(super) fn duration(&self) -> Result<u32, SetupError> {
        let text = self.string()?;
        domain::values::UnitDuration::parse(text)
            .map(domain::values::UnitDuration::minutes)
            .map_err(|refusal| self.fail(format!("« duree » : {refusal}")))
    }

    pub(super) fn unit(&self) -> Result<Unit, SetupError> {
        let text = self.string()?;
        let unit = match domain::wording::fold(text)
            .replace(['-', ' '], "_")
            .as_str()
        {
            "matin" => Unit::Matin,
            "apres_midi" => Unit::ApresMidi,
            "journee" => Unit::Journee,
            "repas" => Unit::Repas,
            "soir" => Unit::Soir,
            _ => {
                return Err(self.fail(format!(
                    "« unit » : unité inconnue « {text} » (matin, apres_midi, journee, repas \
                     ou soir)"
                )));
            }
        };
        Ok(unit)
    }

    /// `[min, max]`, in whole years.
    pub(super) fn ages(&self) -> Result<(u8, u8), SetupError> {
        let items = self.items()?;
        let [min, max] = items.as_slice() else {
            return Err(self
                .fail("« ages » doit indiquer deux âges [minimum, maximum], par exemple [6, 12]"));
        };
        let age = |field: &Field<'_, '_>| {
            let years = field.count(0)?;
            u8::try_from(years).map_err(|_| {
                field.fail(format!("« ages » : {years} ans n'est pas un âge possible"))
            })
        };
        let (min, max) = (age(min)?, age(max)?);
        if min > max {
            return Err(self.fail(format!(
                "« ages » : l'âge minimum ({min}) dépasse l'âge maximum ({max})"
            )));
        }
        Ok((min, max))
    }

    /// French weekday names, as ISO numbers sorted without duplicates.
    pub(super) fn weekdays(&self) -> Result<Vec<u8>, SetupError> {
        let items = self.items()?;
        if items.is_empty() {
            return Err(
                self.fail("« weekdays » : indiquez au moins un jour, par exemple [\"mercredi\"]")
            );
        }
        let mut days = BTreeSet::new();
        for item in items {
            let name = item.string()?;
            let folded = domain::wording::fold(name.trim());
            let number = domain::wording::WEEKDAY_NAMES
                .iter()
                .zip(1u8..)
                .find(|(day, _)| **day == folded)
                .map(|(_, number)| number)
                .ok_or_else(|| {
                    item.fail(format!(
                        "« weekdays » : jour inconnu « {name} » (lundi, mardi, mercredi, jeudi, \
                         vendredi, samedi ou dimanche)"
                    ))
                })?;
            days.insert(number);
        }
        Ok(days.into_iter().collect())
    }
}

fn is_line_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{0085}' | '\u{2028}' | '\u{2029}')
}

enum DateProblem {
    Shape,
    NoSuchDay,
}

impl DateProblem {
    fn explain(&self) -> &'static str {
        match self {
            DateProblem::Shape => "format attendu AAAA-MM-JJ, par exemple 2027-01-06",
            DateProblem::NoSuchDay => "ce jour n'existe pas",
        }
    }
}

/// `YYYY-MM-DD`, exactly.
fn parse_date(text: &str) -> Result<NaiveDate, DateProblem> {
    if !domain::calendar::is_day_shaped(text) {
        return Err(DateProblem::Shape);
    }
    let number = |range: Range<usize>| text.get(range).and_then(|digits| digits.parse().ok());
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return Err(DateProblem::Shape);
    };
    let year = i32::try_from(year).map_err(|_| DateProblem::Shape)?;
    NaiveDate::from_ymd_opt(year, month, day).ok_or(DateProblem::NoSuchDay)
}

/// `HH:MM` (or `HHhMM`), exactly two digits each.
fn parse_hh_mm(text: &str) -> Option<NaiveTime> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 5
        && matches!(bytes.get(2), Some(b':' | b'h'))
        && bytes
            .iter()
            .enumerate()
            .all(|(index, byte)| index == 2 || byte.is_ascii_digit());
    if !shaped {
        return None;
    }
    let hour = text.get(0..2)?.parse().ok()?;
    let minute = text.get(3..5)?.parse().ok()?;
    NaiveTime::from_hms_opt(hour, minute, 0)
}

/// `YYYY-MM-DD HH:MM` (a `T` is accepted in place of the space).
fn parse_local_datetime(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    let date = parse_date(text.get(..10)?).ok()?;
    let rest = text.get(10..)?;
    let time = rest
        .strip_prefix('T')
        .or_else(|| rest.strip_prefix(' '))
        .map(str::trim_start)?;
    Some(date.and_time(parse_hh_mm(time)?))
}

fn native_local_datetime(datetime: &toml::value::Datetime) -> Option<NaiveDateTime> {
    let date = datetime.date?;
    let time = datetime.time?;
    let day = NaiveDate::from_ymd_opt(i32::from(date.year), date.month.into(), date.day.into())?;
    let at = NaiveTime::from_hms_opt(
        time.hour.into(),
        time.minute.into(),
        time.second.unwrap_or(0).into(),
    )?;
    Some(day.and_time(at))
}

/// `J-2 18:00`, also `J-2 à 18:00` and `J-0 09h00`.
fn parse_deadline(text: &str) -> Option<Deadline> {
    let rest = text.trim().strip_prefix(['J', 'j'])?.strip_prefix('-')?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let days_before = rest.get(..digits)?.parse().ok()?;
    let rest = rest.get(digits..)?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let rest = rest.trim_start();
    let rest = rest.strip_prefix('à').map_or(rest, str::trim_start);
    Some(Deadline {
        days_before,
        at: parse_hh_mm(rest)?,
    })
}
