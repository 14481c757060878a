//! Country names in each language, from the Unicode CLDR (see
//! `locales/countries/`). Stored values stay ISO 3166-1 alpha-2 codes.

use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;

use super::{escape_html, Locale};

const NAMES: &str = include_str!("../../locales/countries/names.tsv");

struct Table {
    /// Code to `[english, korean]`.
    names: HashMap<&'static str, [&'static str; 2]>,
    /// Per language, every country `(code, name)` sorted by name.
    sorted: [Vec<(&'static str, &'static str)>; 2],
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let cldr: HashMap<&'static str, [&'static str; 2]> = NAMES
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .filter_map(|line| {
                let mut cols = line.split('\t');
                Some((cols.next()?, [cols.next()?, cols.next()?]))
            })
            .collect();
        // The countries signers may choose are those the parser accepts;
        // CLDR names each of them (a test makes sure).
        let mut names = HashMap::new();
        for country in celes::Country::get_countries() {
            let [en, ko] = cldr
                .get(country.alpha2)
                .copied()
                .unwrap_or([country.long_name, country.long_name]);
            names.insert(country.alpha2, [en, ko]);
        }
        let sorted = Locale::ALL.map(|locale| {
            let mut list: Vec<(&'static str, &'static str)> = names
                .iter()
                .map(|(code, n)| (*code, n[locale.index()]))
                .collect();
            match locale {
                Locale::En => list.sort_by_cached_key(|(code, name)| (sort_key(name), *code)),
                // Hangul syllables are in 가나다 order as they are.
                Locale::Ko => list.sort_by_key(|(code, name)| (*name, *code)),
            }
            list
        });
        Table { names, sorted }
    })
}

/// Accents and case do not move a name: Åland sorts with the As, Côte
/// d’Ivoire with the Cs.
fn sort_key(name: &str) -> String {
    name.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

pub fn name(locale: Locale, code: &str) -> Option<&'static str> {
    let code = code.trim().to_ascii_uppercase();
    table()
        .names
        .get(code.as_str())
        .map(|names| names[locale.index()])
}

pub fn sorted(locale: Locale) -> &'static [(&'static str, &'static str)] {
    &table().sorted[locale.index()]
}

/// A country `<select>`'s options in `locale`, every name escaped, with
/// `selected` (a code, in any case) marked. Every sign form shows the same
/// list, so it is written once per language and only the mark is placed
/// per form: escaping some two hundred names was a tenth of what a petition
/// page or widget cost to render.
pub fn options_html(locale: Locale, selected: &str) -> String {
    static OPTIONS: OnceLock<[String; 2]> = OnceLock::new();
    let all = &OPTIONS.get_or_init(|| {
        Locale::ALL.map(|locale| {
            sorted(locale)
                .iter()
                .map(|(code, name)| {
                    format!("<option value=\"{code}\">{}</option>", escape_html(name))
                })
                .collect()
        })
    })[locale.index()];
    let code = selected.trim().to_ascii_uppercase();
    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        return all.clone();
    }
    let opening = format!("<option value=\"{code}\"");
    match all.find(&opening) {
        Some(at) => {
            let end = at + opening.len();
            [&all[..end], " selected", &all[end..]].concat()
        }
        None => all.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_mark_the_chosen_country_and_escape_names() {
        let none = options_html(Locale::En, "");
        assert!(!none.contains("selected"));
        assert_eq!(none.matches("<option ").count(), sorted(Locale::En).len());
        assert!(none.contains("<option value=\"BA\">Bosnia &amp; Herzegovina</option>"));
        let kr = options_html(Locale::Ko, " kr ");
        assert!(kr.contains("<option value=\"KR\" selected>대한민국</option>"));
        assert_eq!(kr.matches("selected").count(), 1);
        assert_eq!(options_html(Locale::En, "\"><script>"), none);
        assert_eq!(options_html(Locale::En, "ZZ"), none);
    }

    #[test]
    fn countries_have_their_common_names() {
        assert_eq!(name(Locale::En, "KR"), Some("South Korea"));
        assert_eq!(name(Locale::Ko, "kr"), Some("대한민국"));
        assert_eq!(name(Locale::En, "CI"), Some("Côte d’Ivoire"));
        assert_eq!(name(Locale::Ko, "CI"), Some("코트디부아르"));
        assert_eq!(name(Locale::En, "GB"), Some("United Kingdom"));
        assert_eq!(name(Locale::Ko, "GB"), Some("영국"));
        assert_eq!(name(Locale::En, "ZZ"), None);
    }

    #[test]
    fn cldr_names_every_country_the_form_accepts() {
        let cldr: Vec<&str> = NAMES.lines().filter_map(|l| l.split('\t').next()).collect();
        for country in celes::Country::get_countries() {
            assert!(cldr.contains(&country.alpha2), "{}", country.alpha2);
        }
    }

    #[test]
    fn lists_are_sorted_by_the_localized_name() {
        let en = sorted(Locale::En);
        let at = |code: &str| en.iter().position(|(c, _)| *c == code).unwrap();
        assert!(at("AX") < at("AL"), "Åland before Albania");
        assert!(at("CI") < at("HR"), "Côte d’Ivoire before Croatia");
        let ko = sorted(Locale::Ko);
        assert_eq!(ko.len(), en.len());
        let names: Vec<&str> = ko.iter().map(|(_, n)| *n).collect();
        let mut again = names.clone();
        again.sort();
        assert_eq!(names, again);
        assert_eq!(ko[0].1, "가나");
    }
}
