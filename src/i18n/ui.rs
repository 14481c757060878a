//! What a page needs to speak the reader's language: the [`Ui`] that
//! templates take as `l`, and the language switcher it draws.
//!
//! Which language a request gets is decided where requests are read (the
//! `http::language` module); this only parses the plain values involved.

use std::ops::Deref;

use super::Locale;

/// The most wanted of our languages in an `Accept-Language` header,
/// honouring quality values; `q=0` means "not this one".
pub fn from_accept_language(header: &str) -> Option<Locale> {
    // Browsers send a handful; anything longer is not a person's choice.
    if header.len() > 512 {
        return None;
    }
    accept_language::parse_with_quality(header)
        .into_iter()
        .filter(|(_, q)| *q > 0.0)
        .find_map(|(tag, _)| Locale::parse(&tag))
}

/// What every page needs to speak the reader's language: the [`Locale`]
/// (templates call `l.t("id")` through it) and where the language
/// switcher's links lead.
#[derive(Debug, Clone)]
pub struct Ui {
    locale: Locale,
    /// What `Accept-Language` alone would give.
    by_header: Locale,
    /// The path the switcher links to, with the query to keep.
    path: String,
    query: String,
}

impl Default for Ui {
    fn default() -> Self {
        Self::new(Locale::En, "/", "")
    }
}

impl Deref for Ui {
    type Target = Locale;

    fn deref(&self) -> &Locale {
        &self.locale
    }
}

/// One link of the language switcher.
pub struct Switch {
    pub href: String,
    pub code: &'static str,
    pub label: &'static str,
    pub current: bool,
}

impl Ui {
    pub fn new(locale: Locale, path: &str, query: &str) -> Self {
        Self {
            locale,
            by_header: locale,
            path: same_site(path),
            query: query.to_owned(),
        }
    }

    /// The same, knowing that `Accept-Language` alone would have given
    /// `by_header`: see [`Ui::chosen_code`].
    pub fn with_header_locale(self, by_header: Locale) -> Self {
        Self { by_header, ..self }
    }

    /// `Some(code)` when the language was chosen (`?lang=` or the cookie)
    /// rather than asked for by the browser: addresses that must keep it
    /// without cookies, like the widget's in a third-party frame, then
    /// carry `?lang=`.
    pub fn chosen_code(&self) -> Option<&'static str> {
        (self.locale != self.by_header).then(|| self.locale.code())
    }

    pub fn locale(&self) -> Locale {
        self.locale
    }

    /// The same, with the switcher leading to `path` instead.
    pub fn at(mut self, path: &str) -> Self {
        self.path = same_site(path);
        self.query.clear();
        self
    }

    /// The language switcher: this page in each language.
    pub fn switcher(&self) -> Vec<Switch> {
        Locale::ALL
            .into_iter()
            .map(|to| Switch {
                href: self.href_in(to),
                code: to.code(),
                label: to.native_name(),
                current: to == self.locale,
            })
            .collect()
    }

    fn href_in(&self, to: Locale) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in url::form_urlencoded::parse(self.query.as_bytes()) {
            if k != "lang" {
                query.append_pair(&k, &v);
            }
        }
        query.append_pair("lang", to.code());
        format!("{}?{}", self.path, query.finish())
    }
}

/// A request's path as a link that stays on this site: `//evil.example/x`
/// (or `/\evil.example/x`, which browsers read the same) would otherwise
/// be a link to another host.
fn same_site(path: &str) -> String {
    format!("/{}", path.trim_start_matches(['/', '\\']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_links_never_leave_the_site() {
        for path in ["//evil.example/x", "/\\evil.example/x", "///evil.example/x"] {
            let ui = Ui::new(Locale::En, path, "");
            for link in ui.switcher() {
                assert!(
                    link.href.starts_with("/evil.example/x?lang="),
                    "{}",
                    link.href
                );
            }
        }
        assert_eq!(
            Ui::new(Locale::En, "/petitions/x", "").switcher()[1].href,
            "/petitions/x?lang=ko"
        );
    }

    #[test]
    fn accept_language_honours_quality() {
        assert_eq!(
            from_accept_language("ko-KR,ko;q=0.9,en;q=0.8"),
            Some(Locale::Ko)
        );
        assert_eq!(from_accept_language("en;q=0.5, ko"), Some(Locale::Ko));
        assert_eq!(
            from_accept_language("de, ko;q=0.3, en;q=0.2"),
            Some(Locale::Ko)
        );
        assert_eq!(from_accept_language("ko;q=0, en;q=0.1"), Some(Locale::En));
        assert_eq!(from_accept_language("de-DE, fr"), None);
        assert_eq!(from_accept_language(""), None);
        assert_eq!(from_accept_language("*"), None);
    }

    #[test]
    fn the_switcher_keeps_the_query_but_lang() {
        let ui = Ui::new(Locale::Ko, "/", "q=bees&lang=ko");
        let links = ui.switcher();
        assert_eq!(links[0].href, "/?q=bees&lang=en");
        assert!(!links[0].current);
        assert_eq!(links[1].href, "/?q=bees&lang=ko");
        assert!(links[1].current);
        assert_eq!(
            ui.at("/petitions/x").switcher()[0].href,
            "/petitions/x?lang=en"
        );
    }
}
