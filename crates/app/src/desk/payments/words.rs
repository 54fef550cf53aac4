//! Amounts in French words, as a receipt writes them: « cent vingt-trois euros et quarante-cinq
//! centimes ». Rules of the traditional spelling: « et » in 21…71 (« vingt et un », « soixante
//! et onze », but « quatre-vingt-un »), « quatre-vingts » and « deux cents » take an s only when
//! they end the number, « mille » never does, « million » does in the plural (« deux millions »),
//! « un million d'euros » before the currency.

use domain::Money;

const UNITS: [&str; 20] = [
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze",
    "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf",
];
/// From 20 on, by tens: 70 and 90 are said « soixante-dix », « quatre-vingt-dix ».
const TENS: [&str; 8] = [
    "vingt",
    "trente",
    "quarante",
    "cinquante",
    "soixante",
    "soixante",
    "quatre-vingt",
    "quatre-vingt",
];

/// 0 to 99. `last`: the number ends here (« quatre-vingts » then takes its s).
fn below_hundred(n: u64, last: bool) -> String {
    if n < 20 {
        return UNITS[n as usize].to_owned();
    }
    let (ten, unit) = (n / 10, n % 10);
    let base = TENS[(ten - 2) as usize];
    match (ten, unit) {
        (7, 1) => "soixante et onze".to_owned(),
        (7, _) | (9, _) => format!("{base}-{}", UNITS[(10 + unit) as usize]),
        (8, 0) if last => "quatre-vingts".to_owned(),
        (8, 0) => "quatre-vingt".to_owned(),
        (8, _) => format!("{base}-{}", UNITS[unit as usize]),
        (_, 0) => base.to_owned(),
        (_, 1) => format!("{base} et un"),
        _ => format!("{base}-{}", UNITS[unit as usize]),
    }
}

/// 0 to 999; `last` as for [`below_hundred`] (« deux cents » but « deux cent mille »).
fn below_thousand(n: u64, last: bool) -> String {
    let (hundreds, rest) = (n / 100, n % 100);
    let head = match hundreds {
        0 => String::new(),
        1 => "cent".to_owned(),
        h if rest == 0 && last => format!("{} cents", UNITS[h as usize]),
        h => format!("{} cent", UNITS[h as usize]),
    };
    match (head.is_empty(), rest) {
        (true, _) => below_hundred(rest, last),
        (false, 0) => head,
        (false, _) => format!("{head} {}", below_hundred(rest, last)),
    }
}

/// A whole number in words (below a thousand billions).
pub fn number_in_words(n: u64) -> String {
    if n == 0 {
        return UNITS[0].to_owned();
    }
    let billions = n / 1_000_000_000;
    let millions = (n / 1_000_000) % 1000;
    let thousands = (n / 1000) % 1000;
    let rest = n % 1000;
    let mut parts: Vec<String> = Vec::new();
    for (count, singular, plural) in [
        (billions, "un milliard", "milliards"),
        (millions, "un million", "millions"),
    ] {
        match count {
            0 => {}
            1 => parts.push(singular.to_owned()),
            c => parts.push(format!("{} {plural}", below_thousand(c, true))),
        }
    }
    match thousands {
        0 => {}
        1 => parts.push("mille".to_owned()),
        t => parts.push(format!("{} mille", below_thousand(t, false))),
    }
    if rest > 0 {
        parts.push(below_thousand(rest, true));
    }
    parts.join(" ")
}

/// « cent vingt-trois euros et quarante-cinq centimes », « un euro », « un million d'euros »,
/// « un centime ».
pub fn amount_in_words(amount: Money) -> String {
    let cents = amount.cents().unwrap_or(0).unsigned_abs();
    let (euros, cents) = (cents / 100, cents % 100);
    let euro_words = match euros {
        0 => String::new(),
        1 => "un euro".to_owned(),
        e if e % 1_000_000 == 0 => format!("{} d'euros", number_in_words(e)),
        e => format!("{} euros", number_in_words(e)),
    };
    let cent_words = match cents {
        0 => String::new(),
        1 => "un centime".to_owned(),
        c => format!("{} centimes", number_in_words(c)),
    };
    match (euro_words.is_empty(), cent_words.is_empty()) {
        (true, true) => "zéro euro".to_owned(),
        (false, true) => euro_words,
        (true, false) => cent_words,
        (false, false) => format!("{euro_words} et {cent_words}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> String {
        amount_in_words(Money::parse(text).expect("test amounts parse"))
    }

    #[test]
    fn amounts_read_as_a_receipt_writes_them() {
        assert_eq!(
            words("123,45"),
            "cent vingt-trois euros et quarante-cinq centimes"
        );
        assert_eq!(words("0,01"), "un centime");
        assert_eq!(words("1"), "un euro");
        assert_eq!(words("80"), "quatre-vingts euros");
        assert_eq!(words("81"), "quatre-vingt-un euros");
        assert_eq!(words("100"), "cent euros");
        assert_eq!(words("200"), "deux cents euros");
        assert_eq!(words("1000"), "mille euros");
        assert_eq!(words("100000"), "cent mille euros");
        assert_eq!(words("30,80"), "trente euros et quatre-vingts centimes");
    }

    #[test]
    fn numbers_follow_the_traditional_spelling() {
        assert_eq!(number_in_words(21), "vingt et un");
        assert_eq!(number_in_words(71), "soixante et onze");
        assert_eq!(number_in_words(72), "soixante-douze");
        assert_eq!(number_in_words(77), "soixante-dix-sept");
        assert_eq!(number_in_words(91), "quatre-vingt-onze");
        assert_eq!(number_in_words(99), "quatre-vingt-dix-neuf");
        assert_eq!(number_in_words(201), "deux cent un");
        assert_eq!(number_in_words(280), "deux cent quatre-vingts");
        assert_eq!(number_in_words(1001), "mille un");
        assert_eq!(number_in_words(2000), "deux mille");
        assert_eq!(number_in_words(200_000), "deux cent mille");
        assert_eq!(number_in_words(80_000), "quatre-vingt mille");
        assert_eq!(number_in_words(1_000_000), "un million");
        assert_eq!(number_in_words(2_000_000), "deux millions");
        assert_eq!(number_in_words(1_000_000_000), "un milliard");
    }

    #[test]
    fn a_million_euros_takes_de() {
        assert_eq!(
            amount_in_words(Money::from_cents(100_000_000)),
            "un million d'euros"
        );
        assert_eq!(
            amount_in_words(Money::from_cents(200_000_100)),
            "deux millions un euros"
        );
    }
}
