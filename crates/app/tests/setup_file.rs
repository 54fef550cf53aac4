//! The setup file: the documented example parses into what it says, and every kind of mistake a
//! staff member can make is reported as `file:line: message`, in French, at the right line.

use app::setup::file::{SetupError, parse_setup};
use app::setup::model::{Activity, Setup};
use chrono::{DateTime, NaiveDate, Utc};
use domain::Money;
use domain::ids::derive_id;
use domain::ids::{ActivityId, FamilyId};
use domain::values::{Pricing, QuotientBracket, Unit};
use proptest::prelude::*;

const EXAMPLE_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../docs/examples/setup.toml"
);

fn example_text() -> String {
    std::fs::read_to_string(EXAMPLE_PATH).expect("docs/examples/setup.toml is readable")
}

fn example() -> Setup {
    parse_setup(&example_text(), "setup.toml").expect("the documented example parses")
}

/// A valid beginning of file: 31 lines, so the first line appended to it is line 32.
const BASE: &str = r#"[organisation]
name = "Communauté de Communes des Portes de l'Entre-deux-Mers"
address = "51 Chemin du Port de l'Homme - 33360 Latresne"
phone = "05 56 20 83 60"
email = "accueil@cdc-portesentredeuxmers.fr"

[[wallets]]
key = "cdc"
label = "CDC PE2M - APS ET CLSH"

[[structures]]
key = "quinsac"
label = "Accueil de Loisirs de Quinsac"
wallet = "cdc"

[[structures]]
key = "latresne"
label = "Accueil de Loisirs de Latresne"
wallet = "cdc"

[[activities]]
key = "matin"
structure = "quinsac"
label = "CDC - ALSH 6-12 Matin"
unit = "matin"
ages = [6, 12]
price = "10.35"
capacity = 24
booking_deadline = "J-2 18:00"
cancellation_deadline = "J-2 18:00"

"#;

fn with_base(snippet: &str) -> String {
    format!("{BASE}{snippet}")
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test dates are valid")
}

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("test instants are valid")
        .with_timezone(&Utc)
}

fn euros(text: &str) -> Money {
    Money::parse(text).expect("test amounts are valid")
}

fn parse_error(text: &str) -> SetupError {
    match parse_setup(text, "setup.toml") {
        Ok(_) => panic!("expected an error, the file was accepted:\n{text}"),
        Err(error) => error,
    }
}

/// The file is refused at `line` with a message containing `fragment`, shown as
/// `setup.toml:<line>: <message>`.
#[track_caller]
fn assert_refused(text: &str, line: usize, fragment: &str) {
    let error = parse_error(text);
    assert_eq!(error.file, "setup.toml");
    assert_eq!(error.line, line, "wrong line for: {error}");
    assert!(
        error.message.contains(fragment),
        "« {fragment} » not in: {error}"
    );
    assert_eq!(
        error.to_string(),
        format!("setup.toml:{line}: {}", error.message)
    );
}

fn activity<'s>(setup: &'s Setup, key: &str) -> &'s Activity {
    setup
        .activities
        .iter()
        .find(|activity| activity.key == key)
        .unwrap_or_else(|| panic!("activity {key}"))
}

// ------------------------------------------------------------------------------ the example

#[test]
fn the_base_of_the_error_tests_is_valid_and_31_lines_long() {
    assert_eq!(BASE.lines().count(), 31);
    let setup = parse_setup(BASE, "setup.toml").expect("the base parses");
    assert_eq!(setup.activities.len(), 1);
}

#[test]
fn the_documented_example_parses_into_what_it_says() {
    // Given the example shipped with the documentation
    // When it is parsed
    let setup = example();

    // Then it holds the organisation of the seed guide
    let organisation = &setup.organisation;
    assert_eq!(
        organisation.name,
        "Communauté de Communes des Portes de l'Entre-deux-Mers"
    );
    assert_eq!(
        organisation.address,
        "51 Chemin du Port de l'Homme - 33360 Latresne"
    );
    assert_eq!(organisation.phone, "05 56 20 83 60");
    assert_eq!(organisation.fax.as_deref(), Some("05 56 21 72 64"));
    assert_eq!(organisation.email, "accueil@cdc-portesentredeuxmers.fr");
    assert_eq!(
        organisation.website.as_deref(),
        Some("cdc-portesentredeuxmers.fr")
    );
    assert_eq!(organisation.debt_threshold, euros("30.00"));

    // And one wallet, two structures, six activities, two periods, three families
    assert_eq!(setup.wallets.len(), 1);
    assert_eq!(setup.wallets[0].label, "CDC PE2M - APS ET CLSH");
    assert_eq!(setup.structures.len(), 2);
    assert_eq!(setup.structures[0].label, "Accueil de Loisirs de Quinsac");
    assert_eq!(setup.structures[0].wallet, setup.wallets[0].id);
    assert_eq!(setup.structures[0].welcome.len(), 2);
    assert_eq!(setup.activities.len(), 6);
    assert_eq!(setup.periods.len(), 2);
    assert_eq!(setup.families.len(), 3);

    // And the seed's prices and quantities
    let matin = activity(&setup, "alsh-6-12-matin");
    assert_eq!(matin.label, "CDC - ALSH 6-12 Matin");
    assert_eq!(matin.unit, Unit::Matin);
    assert_eq!(
        matin.pricing,
        Pricing::Flat {
            amount: euros("10.35")
        }
    );
    assert_eq!((matin.age_min, matin.age_max), (6, 12));
    assert_eq!((matin.capacity, matin.waitlist_size), (24, 6));
    assert_eq!(matin.quantity_per_day, 1);
    assert_eq!(matin.booking_deadline.days_before, 2);
    assert_eq!(matin.booking_deadline.at.to_string(), "18:00:00");
    let petits = activity(&setup, "alsh-3-6-journee");
    assert_eq!(petits.quantity_per_day, 2);
    assert_eq!(
        petits.pricing,
        Pricing::Flat {
            amount: euros("6.85")
        }
    );

    // And the Journée listed Matin and Après-midi: both sides know it, sorted by id
    let apres_midi = activity(&setup, "alsh-6-12-apres-midi");
    let journee = activity(&setup, "alsh-6-12-journee");
    let mut both = vec![matin.id, apres_midi.id];
    both.sort();
    assert_eq!(journee.incompatible_with, both);
    assert_eq!(matin.incompatible_with, vec![journee.id]);
    assert_eq!(apres_midi.incompatible_with, vec![journee.id]);
    assert!(
        activity(&setup, "latresne-journee")
            .incompatible_with
            .is_empty()
    );

    // And the Wednesdays, minus the one of the winter holidays, and the holiday week
    let mercredis = &setup.periods[0];
    assert_eq!(mercredis.label, "Mercredis de janvier à avril 2027");
    assert_eq!(mercredis.activities.len(), 5);
    assert_eq!(
        (mercredis.first_day, mercredis.last_day),
        (date("2027-01-06"), date("2027-04-07"))
    );
    assert_eq!(mercredis.weekdays, vec![3]);
    assert_eq!(mercredis.excluded_days, vec![date("2027-02-17")]);
    assert!(!mercredis.open_on_public_holidays);
    let vacances = &setup.periods[1];
    assert_eq!(vacances.weekdays, vec![1, 2, 3, 4, 5]);

    // And booking windows in Paris time, stored in UTC: 08:30 in winter is 07:30Z, 18:00 in
    // summer (after 28 March 2027) is 16:00Z
    let window = mercredis.booking.as_ref().expect("a booking window");
    assert_eq!(window.opens_at, utc("2026-12-01T07:30:00Z"));
    assert_eq!(window.closes_at, utc("2027-04-05T16:00:00Z"));
    assert_eq!(
        window.id.0,
        derive_id("booking-window", "mercredis-2027-t1")
    );

    // And the families, with their children and files
    let dupont = &setup.families[0];
    assert_eq!(dupont.login, "dupont");
    assert_eq!(dupont.title.as_deref(), Some("M."));
    assert_eq!(dupont.payer_name, "DUPONT Jean-Paul");
    assert_eq!(dupont.email.as_deref(), Some("carteplus@wanadoo.fr"));
    assert_eq!(dupont.quotient, Some(580));
    assert_eq!(dupont.structures, vec![setup.structures[0].id]);
    assert!(dupont.dossier_complete);
    let children: Vec<&str> = dupont
        .children
        .iter()
        .map(|child| child.first_name.as_str())
        .collect();
    assert_eq!(children, ["Lilou", "Antoine"]);
    assert_eq!(dupont.children[0].birth_date, date("2017-05-12"));
    assert_eq!(dupont.children[0].id.0, derive_id("child", "dupont/lilou"));
    let martin = &setup.families[1];
    assert_eq!(martin.quotient, None);
    assert_eq!(martin.structures.len(), 2);
    let bernard = &setup.families[2];
    assert!(!bernard.dossier_complete);
    assert_eq!(
        bernard.missing_items,
        ["Fiche sanitaire", "Attestation d'assurance"]
    );
}

#[test]
fn quotient_brackets_parse_into_quotient_pricing_with_an_unbounded_last_bracket() {
    // Given an activity priced by quotient familial
    let text = with_base(
        r#"[[activities]]
key = "qf"
structure = "quinsac"
label = "ALSH au quotient"
unit = "journee"
ages = [3, 12]
quotient_prices = [
  { up_to = 600, price = "8.00" },
  { up_to = 1200, price = "10" },
  { price = "12.00" },
]
capacity = 40
booking_deadline = "J-7 12:00"
cancellation_deadline = "J-3 à 12h00"
"#,
    );
    // When the file is parsed
    let setup = parse_setup(&text, "setup.toml").expect("valid file");
    // Then the brackets are in order and the last one has no upper bound
    let qf = activity(&setup, "qf");
    assert_eq!(
        qf.pricing,
        Pricing::Quotient {
            brackets: vec![
                QuotientBracket {
                    up_to: Some(600),
                    amount: euros("8.00")
                },
                QuotientBracket {
                    up_to: Some(1200),
                    amount: euros("10.00")
                },
                QuotientBracket {
                    up_to: None,
                    amount: euros("12.00")
                },
            ]
        }
    );
    // And the deadline written « J-3 à 12h00 » is read like « J-3 12:00 »
    assert_eq!(qf.cancellation_deadline.days_before, 3);
    assert_eq!(qf.cancellation_deadline.at.to_string(), "12:00:00");
    // And the example's Latresne activity is priced the same way
    let example = example();
    let Pricing::Quotient { brackets } = &activity(&example, "latresne-journee").pricing else {
        panic!("the Latresne activity is priced by quotient");
    };
    assert_eq!(brackets.len(), 3);
    assert_eq!(brackets.last().and_then(|bracket| bracket.up_to), None);
}

#[test]
fn parsing_is_deterministic_and_ids_are_stable() {
    // Given the example
    let text = example_text();
    // When it is parsed twice
    // Then both results are equal
    let first = parse_setup(&text, "setup.toml").expect("parses");
    let second = parse_setup(&text, "autre-nom.toml").expect("parses");
    assert_eq!(first, second);
    // And ids derive from keys with a fixed recipe: a change of it would orphan every entity
    // already imported
    assert_eq!(
        derive_id("family", "dupont").to_string(),
        "d709d4ae-f7d5-84b2-83af-27e2f1ee529e"
    );
    assert_eq!(
        derive_id("activity", "alsh-6-12-matin").to_string(),
        "0ae5f47a-02ad-8552-868d-cea704bdcc11"
    );
    assert_eq!(
        first.families[0].id,
        FamilyId::from_uuid(derive_id("family", "dupont"))
    );
    assert_eq!(
        activity(&first, "alsh-6-12-matin").id,
        ActivityId::from_uuid(derive_id("activity", "alsh-6-12-matin"))
    );
}

// ------------------------------------------------------------------------------ every error

#[test]
fn a_toml_syntax_error_is_reported_at_its_line() {
    let text = "[organisation]\nname = \"CdC\"\naddress = 51 rue du Port\n";
    assert_refused(text, 3, "syntaxe TOML invalide");
    // And a table written twice
    assert_refused(
        &with_base("[organisation]\nname = \"Autre\"\n"),
        32,
        "syntaxe TOML invalide : clé ou table déjà définie",
    );
}

#[test]
fn an_unknown_key_is_refused_where_it_is_written() {
    // A misspelt key in an activity (line 40)
    let text = with_base(
        r#"[[activities]]
key = "soir"
structure = "quinsac"
label = "CDC - Soir"
unit = "soir"
ages = [6, 12]
price = "2.00"
capacity = 10
capacite_max = 12
booking_deadline = "J-1 18:00"
cancellation_deadline = "J-1 18:00"
"#,
    );
    assert_refused(
        &text,
        40,
        "clé inconnue « capacite_max » dans [[activities]]",
    );
    // An unknown section
    assert_refused(
        &with_base("[[familles]]\nlogin = \"dupont\"\n"),
        32,
        "clé inconnue « familles » dans le fichier",
    );
    // An unknown key in a child, and in an inline table
    let child = with_base(
        r#"[[families]]
login = "dupont"
payer = "DUPONT Jean-Paul"
structures = ["quinsac"]

[[families.children]]
key = "lilou"
first_name = "Lilou"
last_name = "DUPONT"
birth_date = "2017-05-12"
allergies = "arachide"
"#,
    );
    assert_refused(
        &child,
        42,
        "clé inconnue « allergies » dans [[families.children]]",
    );
}

#[test]
fn a_missing_key_is_reported_at_the_header_of_its_table() {
    assert_refused(
        &with_base("[[wallets]]\nkey = \"autre\"\n"),
        32,
        "clé obligatoire « label » manquante dans [[wallets]]",
    );
    // An activity without any price
    let text = with_base(
        r#"[[activities]]
key = "soir"
structure = "quinsac"
label = "CDC - Soir"
unit = "soir"
ages = [6, 12]
capacity = 10
booking_deadline = "J-1 18:00"
cancellation_deadline = "J-1 18:00"
"#,
    );
    assert_refused(
        &text,
        32,
        "clé obligatoire « price » (ou « quotient_prices »)",
    );
    // And a file without organisation
    assert_refused(
        "[[wallets]]\nkey = \"cdc\"\nlabel = \"Régie\"\n",
        1,
        "section [organisation] manquante",
    );
}

#[test]
fn an_impossible_or_malformed_date_is_refused() {
    let period = |from: &str| {
        with_base(&format!(
            r#"[[periods]]
key = "mercredis"
label = "Mercredis"
activities = ["matin"]
from = "{from}"
to = "2026-06-24"
weekdays = ["mercredi"]
"#
        ))
    };
    assert_refused(
        &period("2026-02-30"),
        36,
        "« from » : date invalide « 2026-02-30 » (ce jour n'existe pas)",
    );
    assert_refused(
        &period("06/01/2026"),
        36,
        "date invalide « 06/01/2026 » (format attendu AAAA-MM-JJ",
    );
    // And a TOML date written without quotes is accepted
    let native = with_base(
        "[[periods]]\nkey = \"m\"\nlabel = \"M\"\nactivities = [\"matin\"]\n\
         from = 2027-01-06\nto = 2027-01-27\nweekdays = [\"mercredi\"]\n",
    );
    let setup = parse_setup(&native, "setup.toml").expect("native dates are accepted");
    assert_eq!(setup.periods[0].first_day, date("2027-01-06"));
}

#[test]
fn a_malformed_deadline_or_booking_time_is_refused() {
    let activity_file = |deadline: &str| {
        with_base(&format!(
            r#"[[activities]]
key = "soir"
structure = "quinsac"
label = "CDC - Soir"
unit = "soir"
ages = [6, 12]
price = "2.00"
capacity = 10
booking_deadline = "J-1 18:00"
cancellation_deadline = "{deadline}"
"#
        ))
    };
    for bad in ["J2 18:00", "J-2 25:00", "J-2 18:0", "2 jours avant", "J-2"] {
        assert_refused(
            &activity_file(bad),
            41,
            &format!("« cancellation_deadline » : délai invalide « {bad} »"),
        );
    }
    // And a booking window opening at a time written the French way
    let window = with_base(
        r#"[[periods]]
key = "mercredis"
label = "Mercredis"
activities = ["matin"]
from = "2027-01-06"
to = "2027-04-07"
weekdays = ["mercredi"]
booking = { opens = "2026-12-01 8h30", closes = "2027-04-05 18:00" }
"#,
    );
    assert_refused(
        &window,
        39,
        "« opens » : date et heure invalides « 2026-12-01 8h30 »",
    );
}

#[test]
fn a_booking_time_that_does_not_exist_in_paris_is_refused() {
    // 28 March 2027, clocks jump from 02:00 to 03:00: 02:30 does not exist
    let text = with_base(
        r#"[[periods]]
key = "mercredis"
label = "Mercredis"
activities = ["matin"]
from = "2027-04-07"
to = "2027-06-30"
weekdays = ["mercredi"]
booking = { opens = "2027-03-28 02:30", closes = "2027-04-05 18:00" }
"#,
    );
    assert_refused(
        &text,
        39,
        "« opens » : l'heure 02:30 n'existe pas le 2027-03-28 à Paris",
    );
    // And a time that happens twice (31 October 2027, 03:00 → 02:00) is taken generously: the
    // first 02:30 for an opening, the second one for a closing
    let repeated = text.replace(
        r#"booking = { opens = "2027-03-28 02:30", closes = "2027-04-05 18:00" }"#,
        r#"booking = { opens = "2027-10-31 02:30", closes = "2027-10-31 02:30" }"#,
    );
    let repeated = repeated.replace(r#"to = "2027-06-30""#, r#"to = "2027-12-29""#);
    let setup = parse_setup(&repeated, "setup.toml").expect("a repeated hour exists");
    let window = setup.periods[0].booking.as_ref().expect("a booking window");
    assert_eq!(window.opens_at, utc("2027-10-31T00:30:00Z"));
    assert_eq!(window.closes_at, utc("2027-10-31T01:30:00Z"));
}

#[test]
fn an_unknown_reference_is_refused_at_the_reference() {
    // A structure billed by an unknown wallet
    assert_refused(
        &with_base("[[structures]]\nkey = \"cenon\"\nlabel = \"Cenon\"\nwallet = \"regie\"\n"),
        35,
        "« wallet » : porte-monnaie inconnu « regie »",
    );
    // An activity of an unknown structure
    assert_refused(
        &with_base("[[activities]]\nkey = \"soir\"\nstructure = \"cenon\"\n"),
        34,
        "« structure » : structure inconnue « cenon »",
    );
    // A period opening an unknown activity, on its own line in the list
    let period = with_base(
        r#"[[periods]]
key = "mercredis"
label = "Mercredis"
activities = [
  "matin",
  "soiree",
]
from = "2027-01-06"
to = "2027-04-07"
weekdays = ["mercredi"]
"#,
    );
    assert_refused(&period, 37, "« activities » : activité inconnue « soiree »");
    // An activity incompatible with an unknown one
    let incompatible = with_base(
        r#"[[activities]]
key = "journee"
structure = "quinsac"
label = "CDC - ALSH 6-12 Journée"
unit = "journee"
ages = [6, 12]
price = "14.85"
capacity = 24
booking_deadline = "J-2 18:00"
cancellation_deadline = "J-2 18:00"
incompatible_with = ["matin", "gouter"]
"#,
    );
    assert_refused(
        &incompatible,
        42,
        "« incompatible_with » : activité inconnue « gouter »",
    );
    // A family attached to an unknown structure
    let family = with_base(
        "[[families]]\nlogin = \"dupont\"\npayer = \"DUPONT Jean-Paul\"\n\
         structures = [\"quinsac\", \"cenon\"]\n",
    );
    assert_refused(&family, 35, "« structures » : structure inconnue « cenon »");
}

#[test]
fn a_key_or_login_used_twice_is_refused_at_its_second_use() {
    // Wallets, structures, activities: the message gives the line of the first use
    assert_refused(
        &with_base("[[wallets]]\nkey = \"cdc\"\nlabel = \"Autre\"\n"),
        33,
        "« cdc » est déjà utilisé par un autre porte-monnaie (ligne 8)",
    );
    assert_refused(
        &with_base("[[structures]]\nkey = \"quinsac\"\nlabel = \"Bis\"\nwallet = \"cdc\"\n"),
        33,
        "« quinsac » est déjà utilisé par une autre structure (ligne 12)",
    );
    assert_refused(
        &with_base("[[activities]]\nkey = \"matin\"\nstructure = \"quinsac\"\n"),
        33,
        "« matin » est déjà utilisé par une autre activité (ligne 22)",
    );
    // Periods
    let periods = with_base(
        r#"[[periods]]
key = "mercredis"
label = "Mercredis"
activities = ["matin"]
from = "2027-01-06"
to = "2027-01-27"
weekdays = ["mercredi"]

[[periods]]
key = "mercredis"
label = "Mercredis bis"
activities = ["matin"]
from = "2027-03-03"
to = "2027-03-31"
weekdays = ["mercredi"]
"#,
    );
    assert_refused(
        &periods,
        41,
        "« mercredis » est déjà utilisé par une autre période (ligne 33)",
    );
    // Children within one family
    let children = with_base(
        r#"[[families]]
login = "dupont"
payer = "DUPONT Jean-Paul"
structures = ["quinsac"]

[[families.children]]
key = "lilou"
first_name = "Lilou"
last_name = "DUPONT"
birth_date = "2017-05-12"

[[families.children]]
key = "lilou"
first_name = "Lilou-Rose"
last_name = "DUPONT"
birth_date = "2019-05-12"
"#,
    );
    assert_refused(
        &children,
        44,
        "« lilou » est déjà utilisé par un autre enfant de la famille « dupont » (ligne 38)",
    );
    // Family logins
    let families = with_base(
        r#"[[families]]
login = "dupont"
payer = "DUPONT Jean-Paul"
structures = ["quinsac"]

[[families]]
login = "dupont"
payer = "DUPONT Marie"
structures = ["quinsac"]
"#,
    );
    assert_refused(
        &families,
        38,
        "« dupont » est déjà utilisé par une autre famille (ligne 33)",
    );
    // But two families may each have a child keyed « lilou »: ids differ
    let two_lilous = with_base(
        r#"[[families]]
login = "dupont"
payer = "DUPONT Jean-Paul"
structures = ["quinsac"]
[[families.children]]
key = "lilou"
first_name = "Lilou"
last_name = "DUPONT"
birth_date = "2017-05-12"

[[families]]
login = "martin"
payer = "MARTIN Sophie"
structures = ["quinsac"]
[[families.children]]
key = "lilou"
first_name = "Lilou"
last_name = "MARTIN"
birth_date = "2018-01-02"
"#,
    );
    let setup = parse_setup(&two_lilous, "setup.toml").expect("valid file");
    assert_ne!(
        setup.families[0].children[0].id,
        setup.families[1].children[0].id
    );
}

#[test]
fn a_negative_price_or_malformed_brackets_are_refused_with_the_pricing_message() {
    let priced = |pricing: &str| {
        with_base(&format!(
            r#"[[activities]]
key = "qf"
structure = "quinsac"
label = "ALSH au quotient"
unit = "journee"
ages = [3, 12]
{pricing}
capacity = 40
booking_deadline = "J-7 12:00"
cancellation_deadline = "J-3 12:00"
"#
        ))
    };
    assert_refused(
        &priced(r#"price = "-1.00""#),
        38,
        "« price » : « -1.00 » : un montant ne peut pas être négatif",
    );
    // Decreasing bounds: the faulty bracket's line
    assert_refused(
        &priced(
            "quotient_prices = [\n  { up_to = 1200, price = \"10.00\" },\n  \
             { up_to = 600, price = \"8.00\" },\n  { price = \"12.00\" },\n]",
        ),
        40,
        "« quotient_prices » : les tranches de quotient doivent être croissantes",
    );
    // A bounded last bracket
    assert_refused(
        &priced(
            "quotient_prices = [\n  { up_to = 600, price = \"8.00\" },\n  \
             { up_to = 1200, price = \"10.00\" },\n]",
        ),
        40,
        "la dernière tranche de quotient doit être sans plafond",
    );
    // A negative bracket
    assert_refused(
        &priced(
            "quotient_prices = [\n  { up_to = 600, price = \"-8.00\" },\n  \
             { price = \"10.00\" },\n]",
        ),
        39,
        "« -8.00 » : un montant ne peut pas être négatif",
    );
    // Both ways of pricing at once
    assert_refused(
        &priced("price = \"10.00\"\nquotient_prices = [{ price = \"12.00\" }]"),
        39,
        "indiquez soit « price »",
    );
    // A float, which would be rounded
    assert_refused(
        &priced("price = 10.35"),
        38,
        "écrivez le montant entre guillemets",
    );
}

#[test]
fn an_amount_outside_the_typed_grammar_is_refused_at_its_line() {
    // Given an activity priced, or an organisation's threshold, as no person writes an amount
    let priced = |price: &str| {
        with_base(&format!(
            r#"[[activities]]
key = "qf"
structure = "quinsac"
label = "ALSH au quotient"
unit = "journee"
ages = [3, 12]
price = "{price}"
capacity = 40
booking_deadline = "J-7 12:00"
cancellation_deadline = "J-3 12:00"
"#
        ))
    };
    // Then the file is refused at the amount's line, with the one parser's French reason
    for (price, reason) in [
        ("1e3", "« price » : « 1e3 » n'est pas un montant"),
        ("1 000", "« price » : « 1 000 » n'est pas un montant"),
        ("+10", "« price » : « +10 » n'est pas un montant"),
        ("10.355", "« price » : « 10.355 » a plus de deux décimales"),
        (
            "200000",
            "« price » : « 200000 » dépasse le montant maximal de 100000.00 €",
        ),
    ] {
        assert_refused(&priced(price), 38, reason);
    }
    // And a price with a comma is the same amount as with a point
    let setup = parse_setup(&priced("10,35"), "setup.toml").expect("a comma is a decimal point");
    assert_eq!(
        activity(&setup, "qf").pricing,
        Pricing::Flat {
            amount: euros("10.35")
        }
    );
}

#[test]
fn ages_with_a_minimum_above_the_maximum_are_refused() {
    let text = with_base(
        r#"[[activities]]
key = "petits"
structure = "quinsac"
label = "CDC - ALSH 3-6 Matin"
unit = "matin"
ages = [6, 3]
price = "4.75"
capacity = 16
booking_deadline = "J-2 18:00"
cancellation_deadline = "J-2 18:00"
"#,
    );
    assert_refused(
        &text,
        37,
        "« ages » : l'âge minimum (6) dépasse l'âge maximum (3)",
    );
}

#[test]
fn a_period_ending_before_it_starts_is_refused() {
    let text = with_base(
        r#"[[periods]]
key = "mercredis"
label = "Mercredis"
activities = ["matin"]
from = "2027-04-07"
to = "2027-01-06"
weekdays = ["mercredi"]
"#,
    );
    assert_refused(
        &text,
        37,
        "la période se termine (to = 2027-01-06) avant de commencer (from = 2027-04-07)",
    );
}

#[test]
fn a_period_opening_no_day_is_refused() {
    // Only Sundays, in a week from Monday to Friday
    let text = with_base(
        r#"[[periods]]
key = "vide"
label = "Vide"
activities = ["matin"]
from = "2027-02-15"
to = "2027-02-19"
weekdays = ["dimanche"]
"#,
    );
    assert_refused(&text, 32, "la période « vide » n'ouvre aucun jour");
}

#[test]
fn a_booking_window_closing_before_it_opens_is_refused() {
    // Written as a sub-table, so opens and closes sit on their own lines
    let text = with_base(
        r#"[[periods]]
key = "mercredis"
label = "Mercredis"
activities = ["matin"]
from = "2027-01-06"
to = "2027-04-07"
weekdays = ["mercredi"]

[periods.booking]
opens = "2027-01-10 08:00"
closes = "2026-12-01 08:00"
"#,
    );
    assert_refused(
        &text,
        42,
        "la réservation doit ouvrir avant de fermer (opens = 2027-01-10 08:00, closes = \
         2026-12-01 08:00)",
    );
    // And a window closing the minute it opens is refused too
    let same = text.replace("2026-12-01 08:00", "2027-01-10 08:00");
    assert_refused(&same, 42, "la réservation doit ouvrir avant de fermer");
}

#[test]
fn an_unknown_weekday_is_refused_and_case_and_accents_do_not_matter() {
    let period = |weekdays: &str| {
        with_base(&format!(
            r#"[[periods]]
key = "semaine"
label = "Semaine"
activities = ["matin"]
from = "2027-02-15"
to = "2027-02-19"
weekdays = {weekdays}
"#
        ))
    };
    assert_refused(
        &period(r#"["lundi", "mecredi"]"#),
        38,
        "« weekdays » : jour inconnu « mecredi »",
    );
    let setup = parse_setup(
        &period(r#"["MERCREDI", "Lundi", "mercredi"]"#),
        "setup.toml",
    )
    .expect("valid weekdays");
    assert_eq!(setup.periods[0].weekdays, vec![1, 3]);
}

#[test]
fn an_invalid_login_is_refused() {
    for login in [
        "Dupont",
        "d",
        "jean dupont",
        "dupont@mail",
        "élodie",
        &"a".repeat(41),
    ] {
        let text = with_base(&format!(
            "[[families]]\nlogin = \"{login}\"\npayer = \"X\"\nstructures = [\"quinsac\"]\n"
        ));
        assert_refused(&text, 33, "identifiant de connexion invalide");
    }
    // And the allowed characters are accepted, up to 40 of them
    for login in ["jp.dupont-2_b", "ab", &"a".repeat(40)] {
        let text = with_base(&format!(
            "[[families]]\nlogin = \"{login}\"\npayer = \"X\"\nstructures = [\"quinsac\"]\n"
        ));
        parse_setup(&text, "setup.toml").unwrap_or_else(|error| panic!("{login}: {error}"));
    }
}

#[test]
fn an_invalid_email_or_a_line_break_in_a_mail_header_is_refused() {
    let family = |line: &str| {
        with_base(&format!(
            "[[families]]\nlogin = \"dupont\"\npayer = \"DUPONT Jean-Paul\"\n\
             structures = [\"quinsac\"]\n{line}\n"
        ))
    };
    for email in [
        "dupont.wanadoo.fr",
        "dupont@wanadoo",
        "jp dupont@wanadoo.fr",
        "@wanadoo.fr",
    ] {
        assert_refused(
            &family(&format!("email = \"{email}\"")),
            36,
            &format!("« email » : adresse électronique invalide « {email} »"),
        );
    }
    // A line break in anything that may reach a mail header could inject headers
    for line in [
        r#"email = "dupont@wanadoo.fr\r\nBcc: tous@exemple.fr""#,
        r#"title = "M.\nBcc: tous@exemple.fr""#,
    ] {
        assert_refused(
            &family(line),
            36,
            "ne doit pas contenir de retour à la ligne (ce texte peut figurer dans l'en-tête \
             d'un courriel)",
        );
    }
    let payer = with_base(
        "[[families]]\nlogin = \"dupont\"\npayer = \"DUPONT\\nBcc: tous@exemple.fr\"\n\
         structures = [\"quinsac\"]\n",
    );
    assert_refused(
        &payer,
        34,
        "« payer » ne doit pas contenir de retour à la ligne",
    );
    let organisation = BASE.replace(
        "name = \"Communauté de Communes des Portes de l'Entre-deux-Mers\"",
        "name = \"\"\"CdC\nBcc: tous@exemple.fr\"\"\"",
    );
    assert_refused(
        &organisation,
        2,
        "« name » ne doit pas contenir de retour à la ligne",
    );
    let organisation_email = BASE.replace(
        "email = \"accueil@cdc-portesentredeuxmers.fr\"",
        "email = \"accueil@cdc-portesentredeuxmers.fr\\nBcc: x@y.fr\"",
    );
    assert_refused(
        &organisation_email,
        5,
        "« email » ne doit pas contenir de retour",
    );
}

#[test]
fn the_dossier_and_its_missing_items_must_agree() {
    let family = |lines: &str| {
        with_base(&format!(
            "[[families]]\nlogin = \"bernard\"\npayer = \"BERNARD Karim\"\n\
             structures = [\"quinsac\"]\n{lines}\n"
        ))
    };
    assert_refused(
        &family("dossier_complete = false"),
        36,
        "dossier incomplet (dossier_complete = false) sans pièce manquante",
    );
    assert_refused(
        &family("dossier_complete = false\nmissing = []"),
        36,
        "sans pièce manquante",
    );
    assert_refused(
        &family("missing = [\"Fiche sanitaire\"]"),
        36,
        "pièces manquantes indiquées pour un dossier complet",
    );
    let setup = parse_setup(
        &family("dossier_complete = false\nmissing = [\"Fiche sanitaire\"]"),
        "setup.toml",
    )
    .expect("an incomplete file with its missing items is valid");
    assert_eq!(setup.families[0].missing_items, ["Fiche sanitaire"]);
}

#[test]
fn the_organisation_lists_the_pieces_of_every_file_each_once() {
    let with_items = |items: &str| {
        BASE.replacen(
            "email = \"accueil@cdc-portesentredeuxmers.fr\"\n",
            &format!("email = \"accueil@cdc-portesentredeuxmers.fr\"\ndossier_items = {items}\n"),
            1,
        )
    };
    let setup = parse_setup(
        &with_items("[\"Fiche sanitaire\", \"Attestation d'assurance\"]"),
        "setup.toml",
    )
    .expect("a list of pieces is valid");
    assert_eq!(
        setup.organisation.dossier_items,
        ["Fiche sanitaire", "Attestation d'assurance"]
    );
    assert_refused(
        &with_items("[\"Fiche sanitaire\", \"Fiche sanitaire\"]"),
        6,
        "« Fiche sanitaire » figure deux fois dans « dossier_items »",
    );
    let without = parse_setup(BASE, "setup.toml").expect("the list is optional");
    assert!(without.organisation.dossier_items.is_empty());
}

#[test]
fn an_activity_incompatible_with_itself_is_refused() {
    let text = with_base(
        r#"[[activities]]
key = "journee"
structure = "quinsac"
label = "CDC - ALSH 6-12 Journée"
unit = "journee"
ages = [6, 12]
price = "14.85"
capacity = 24
booking_deadline = "J-2 18:00"
cancellation_deadline = "J-2 18:00"
incompatible_with = ["journee"]
"#,
    );
    assert_refused(
        &text,
        42,
        "l'activité « journee » ne peut pas être incompatible avec elle-même",
    );
}

#[test]
fn an_activity_incompatible_with_one_of_another_structure_is_refused() {
    let text = with_base(
        r#"[[activities]]
key = "latresne-journee"
structure = "latresne"
label = "ALSH Latresne Journée"
unit = "journee"
ages = [3, 12]
price = "12.00"
capacity = 40
booking_deadline = "J-7 12:00"
cancellation_deadline = "J-3 12:00"
incompatible_with = ["matin"]
"#,
    );
    assert_refused(
        &text,
        42,
        "ne peut être incompatible qu'avec une activité de sa structure, or « matin » \
         appartient à une autre structure",
    );
}

#[test]
fn two_periods_opening_the_same_activity_on_the_same_day_are_refused() {
    let periods = |excluded: &str| {
        with_base(&format!(
            r#"[[periods]]
key = "mercredis"
label = "Mercredis"
activities = ["matin"]
from = "2027-01-06"
to = "2027-04-07"
weekdays = ["mercredi"]
excluded = [{excluded}]

[[periods]]
key = "hiver"
label = "Vacances d'hiver"
activities = ["matin"]
from = "2027-02-15"
to = "2027-02-19"
weekdays = ["lundi", "mardi", "mercredi", "jeudi", "vendredi"]
"#
        ))
    };
    // Wednesday 17 February is in both
    assert_refused(
        &periods(""),
        44,
        "l'activité « matin » est déjà ouverte le 2027-02-17 par la période « mercredis » \
         (ligne 33)",
    );
    // Excluding it from the Wednesdays settles it
    let setup = parse_setup(&periods(r#""2027-02-17""#), "setup.toml").expect("no overlap");
    assert_eq!(setup.periods.len(), 2);
    // Real open days count, not ranges: public holidays are closed by default, so a period of
    // Thursdays and a week both covering Ascension (6 May 2027) do not overlap
    let ascension = with_base(
        r#"[[periods]]
key = "semaine"
label = "Semaine de l'Ascension"
activities = ["matin"]
from = "2027-05-03"
to = "2027-05-05"
weekdays = ["lundi", "mardi", "mercredi", "jeudi", "vendredi"]

[[periods]]
key = "jeudis"
label = "Jeudis"
activities = ["matin"]
from = "2027-05-06"
to = "2027-05-27"
weekdays = ["jeudi"]

[[periods]]
key = "pont"
label = "Pont de l'Ascension"
activities = ["matin"]
from = "2027-05-06"
to = "2027-05-06"
weekdays = ["jeudi"]
open_on_public_holidays = true
"#,
    );
    // The « pont » period opens the holiday itself, which nobody else opens: accepted
    let setup = parse_setup(&ascension, "setup.toml").expect("no real overlap");
    assert_eq!(setup.periods.len(), 3);
    assert!(setup.periods[2].open_on_public_holidays);
}

#[test]
fn counts_must_be_whole_numbers_within_bounds() {
    let activity_file = |lines: &str| {
        with_base(&format!(
            r#"[[activities]]
key = "soir"
structure = "quinsac"
label = "CDC - Soir"
unit = "soir"
ages = [6, 12]
price = "2.00"
{lines}
booking_deadline = "J-1 18:00"
cancellation_deadline = "J-1 18:00"
"#
        ))
    };
    assert_refused(
        &activity_file("capacity = -1"),
        39,
        "« capacity » doit être un entier positif ou nul (trouvé : -1)",
    );
    assert_refused(
        &activity_file("capacity = 10\nwaitlist = -2"),
        40,
        "« waitlist » doit être un entier positif ou nul (trouvé : -2)",
    );
    assert_refused(
        &activity_file("capacity = 10\nquantity_per_day = 0"),
        40,
        "« quantity_per_day » doit être un entier d'au moins 1 (trouvé : 0)",
    );
    assert_refused(
        &activity_file("capacity = \"24\""),
        39,
        "« capacity » doit être un nombre entier (sans guillemets) (trouvé : un texte)",
    );
    assert_refused(
        &activity_file("capacity = 5000000000"),
        39,
        "« capacity » : 5000000000 est trop grand",
    );
    let setup =
        parse_setup(&activity_file("capacity = 0"), "setup.toml").expect("no place is valid");
    assert_eq!(activity_of(&setup).capacity, 0);
    assert_eq!(activity_of(&setup).waitlist_size, 0);
    assert_eq!(activity_of(&setup).quantity_per_day, 1);
}

fn activity_of(setup: &Setup) -> &Activity {
    activity(setup, "soir")
}

#[test]
fn keys_are_restricted_to_characters_that_keep_ids_stable() {
    for key in ["Matin", "matin 6-12", "journée", "quinsac/matin"] {
        assert_refused(
            &with_base(&format!("[[wallets]]\nkey = \"{key}\"\nlabel = \"X\"\n")),
            33,
            &format!("clé invalide « {key} »"),
        );
    }
    assert_refused(
        &with_base("[[wallets]]\nkey = \"\"\nlabel = \"X\"\n"),
        33,
        "« key » ne doit pas être vide",
    );
}

#[test]
fn units_are_read_with_or_without_accents() {
    let activity_file = |unit: &str| {
        with_base(&format!(
            "[[activities]]\nkey = \"x\"\nstructure = \"quinsac\"\nlabel = \"X\"\n\
             unit = \"{unit}\"\nages = [6, 12]\nprice = \"1.00\"\ncapacity = 1\n\
             booking_deadline = \"J-1 18:00\"\ncancellation_deadline = \"J-1 18:00\"\n"
        ))
    };
    for (written, unit) in [
        ("apres_midi", Unit::ApresMidi),
        ("Après-midi", Unit::ApresMidi),
        ("journée", Unit::Journee),
        ("repas", Unit::Repas),
    ] {
        let setup = parse_setup(&activity_file(written), "setup.toml").expect("valid unit");
        assert_eq!(activity(&setup, "x").unit, unit, "{written}");
    }
    assert_refused(
        &activity_file("goûter"),
        36,
        "« unit » : unité inconnue « goûter »",
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_line_removed_from_the_example_gives_a_setup_or_an_error_inside_the_file(
        removed in 0usize..260,
    ) {
        // Given the example with one line removed
        let text = example_text();
        let lines: Vec<&str> = text.lines().collect();
        let removed = removed % lines.len();
        let mutilated: String = lines
            .iter()
            .enumerate()
            .filter(|(index, _)| *index != removed)
            .map(|(_, line)| format!("{line}\n"))
            .collect();
        // When it is parsed
        // Then it never panics, and an error points at a line of the file
        if let Err(error) = parse_setup(&mutilated, "setup.toml") {
            prop_assert!(error.line >= 1 && error.line <= lines.len(), "{}", error);
            prop_assert!(!error.message.is_empty());
        }
    }
}

#[test]
fn a_duration_is_read_in_minutes_and_a_missing_one_is_left_to_the_unit_s_default() {
    // Given an activity with « duree » and the base's Matin without
    let text = with_base(
        r#"[[activities]]
key = "apres-midi"
structure = "quinsac"
label = "CDC - ALSH 6-12 Après-midi"
unit = "apres_midi"
duree = "4h30"
ages = [6, 12]
price = "10.35"
capacity = 24
booking_deadline = "J-2 18:00"
cancellation_deadline = "J-2 18:00"
"#,
    );
    // When the file is parsed
    let setup = parse_setup(&text, "setup.toml").expect("the file parses");
    // Then the duration is in minutes, and the one not given is None (the unit's default)
    assert_eq!(activity(&setup, "apres-midi").unit_minutes, Some(270));
    assert_eq!(activity(&setup, "matin").unit_minutes, None);
    // And the documented example gives every activity its duration
    assert!(
        example()
            .activities
            .iter()
            .all(|a| a.unit_minutes.is_some())
    );
}

#[test]
fn a_malformed_duration_is_refused_at_its_line_in_french() {
    for bad in ["8", "4h3", "4h75", "huit heures", "13h"] {
        let text = with_base(&format!(
            r#"[[activities]]
key = "soir"
structure = "quinsac"
label = "CDC - Soir"
unit = "soir"
duree = "{bad}"
ages = [6, 12]
price = "2.00"
capacity = 10
booking_deadline = "J-1 18:00"
cancellation_deadline = "J-1 18:00"
"#
        ));
        assert_refused(&text, 37, &format!("« duree » : durée « {bad} » illisible"));
    }
}
