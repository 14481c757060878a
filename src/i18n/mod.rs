//! Languages: every page and email exists in English and Korean.
//!
//! The words live in Fluent catalogues under `locales/{en,ko}/`, compiled
//! into the binary. A request's language comes from `?lang=`, then the
//! `lang` cookie, then `Accept-Language` (decided in `http::language`);
//! templates take it as `l`, a [`Ui`], and call `l.t("message-id")`.
//! Messages that code produces (form errors) are [`Message`]s, put into
//! words where they are shown.

mod catalogue;
pub mod countries;
mod message;
pub mod ui;

use fluent_bundle::{FluentArgs, FluentValue};

pub use catalogue::load;
pub use message::{Arg, IntoArg, Message};
pub use ui::Ui;

/// A language the site is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    #[default]
    En,
    Ko,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Ko];

    /// The BCP 47 code: `en` or `ko`.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Ko => "ko",
        }
    }

    /// The language's name in itself, for the language switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Ko => "한국어",
        }
    }

    /// For `og:locale`.
    pub fn og_locale(self) -> &'static str {
        match self {
            Self::En => "en_US",
            Self::Ko => "ko_KR",
        }
    }

    fn index(self) -> usize {
        match self {
            Self::En => 0,
            Self::Ko => 1,
        }
    }

    /// A language tag such as `ko`, `ko-KR` or `EN-gb`, by its primary
    /// language subtag.
    pub fn parse(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next()?;
        Self::ALL
            .into_iter()
            .find(|l| primary.eq_ignore_ascii_case(l.code()))
    }

    /// A stored code, English if there is none or it is unknown.
    pub fn from_stored(code: Option<&str>) -> Self {
        code.and_then(Self::parse).unwrap_or_default()
    }

    /// The message `id`.
    pub fn t(self, id: &str) -> String {
        catalogue::format(self, id, None)
    }

    /// The message `id` with one argument.
    pub fn t1(self, id: &str, name: &'static str, value: impl IntoArg) -> String {
        self.format(id, &[(name, value.into_arg())])
    }

    /// The message `id` with two arguments.
    pub fn t2(
        self,
        id: &str,
        name1: &'static str,
        value1: impl IntoArg,
        name2: &'static str,
        value2: impl IntoArg,
    ) -> String {
        self.format(
            id,
            &[(name1, value1.into_arg()), (name2, value2.into_arg())],
        )
    }

    /// A [`Message`] put into words, with the sentences that follow it.
    pub fn msg(self, message: &Message) -> String {
        let mut text = self.format(message.id(), message.args());
        for sentence in message.following() {
            text.push(' ');
            text.push_str(&self.msg(sentence));
        }
        text
    }

    /// The message `id` as HTML: its text escaped, [`Arg::Html`] arguments
    /// placed as they are. Templates show it with `|safe`.
    pub fn markup1(self, id: &str, name: &'static str, value: impl IntoArg) -> String {
        self.markup(id, &[(name, value.into_arg())])
    }

    /// Like [`Locale::markup1`] with two arguments.
    pub fn markup2(
        self,
        id: &str,
        name1: &'static str,
        value1: impl IntoArg,
        name2: &'static str,
        value2: impl IntoArg,
    ) -> String {
        self.markup(
            id,
            &[(name1, value1.into_arg()), (name2, value2.into_arg())],
        )
    }

    /// The message `id` with each named argument left as the text
    /// `{name}`, for a script on the page to fill in.
    pub fn for_script(self, id: &str, names: &[&'static str]) -> String {
        let args: Vec<(&'static str, Arg)> = names
            .iter()
            .map(|name| (*name, Arg::Text(format!("{{{name}}}"))))
            .collect();
        self.format(id, &args)
    }

    fn format(self, id: &str, args: &[(&'static str, Arg)]) -> String {
        let mut fluent = FluentArgs::new();
        for (name, value) in args {
            fluent.set(*name, fluent_value(value));
        }
        catalogue::format(self, id, Some(&fluent))
    }

    fn markup(self, id: &str, args: &[(&'static str, Arg)]) -> String {
        // Markup arguments become placeholders made of private-use
        // characters, which nothing else may contain; the text around them
        // is escaped, then they are put back.
        let mut fluent = FluentArgs::new();
        let mut fragments = Vec::new();
        for (name, value) in args {
            match value {
                Arg::Html(html) => {
                    fluent.set(
                        *name,
                        format!("{PLACEHOLDER}{}{PLACEHOLDER}", fragments.len()),
                    );
                    fragments.push(html.as_str());
                }
                Arg::Text(text) => fluent.set(*name, text.replace(PLACEHOLDER, "")),
                Arg::Number(n) => fluent.set(*name, *n),
            }
        }
        let text = catalogue::format(self, id, Some(&fluent));
        let mut out = String::with_capacity(text.len() + 64);
        for (i, part) in escape_html(&text).split(PLACEHOLDER).enumerate() {
            // Odd parts are placeholder numbers.
            if i % 2 == 1 {
                if let Some(html) = part.parse::<usize>().ok().and_then(|n| fragments.get(n)) {
                    out.push_str(html);
                }
            } else {
                out.push_str(part);
            }
        }
        out
    }

    /// A count with thousands separators: 12,345.
    pub fn number(self, n: &i64) -> String {
        group_thousands(*n)
    }

    /// A day: "28 November 2026", "2026년 11월 28일".
    pub fn date(self, at: time::PrimitiveDateTime) -> String {
        match self {
            Self::En => {
                let format = time::macros::format_description!(
                    "[day padding:none] [month repr:long] [year]"
                );
                at.format(&format).unwrap_or_default()
            }
            Self::Ko => format!("{}년 {}월 {}일", at.year(), u8::from(at.month()), at.day()),
        }
    }

    /// A calendar date given as YYYY-MM-DD, or the text itself.
    pub fn iso_date(self, ymd: &str) -> String {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        match time::Date::parse(ymd, &format) {
            Ok(date) => self.date(date.midnight()),
            Err(_) => ymd.to_owned(),
        }
    }

    /// A country's common short name in this language ("South Korea",
    /// "대한민국"), or the code if it is not a country.
    pub fn country(self, code: &str) -> String {
        countries::name(self, code)
            .map(str::to_owned)
            .unwrap_or_else(|| code.to_owned())
    }

    /// The options of a country `<select>`, escaped HTML, with `selected`
    /// (a code) marked.
    pub fn country_options(self, selected: &str) -> String {
        countries::options_html(self, selected)
    }
}

/// Marks `html` to be placed as it is by [`Locale::markup1`].
pub fn html(html: String) -> Arg {
    Arg::Html(html)
}

/// A link to `href` reading `text`, both escaped, for [`Locale::markup1`].
/// `text` is in the language `lang`: a petition's title is in the
/// petition's own language, whatever the sentence around it is in.
pub fn link(href: impl AsRef<str>, text: impl AsRef<str>, lang: impl AsRef<str>) -> Arg {
    Arg::Html(format!(
        "<a href=\"{}\" lang=\"{}\">{}</a>",
        escape_html(href.as_ref()),
        escape_html(lang.as_ref()),
        escape_html(text.as_ref())
    ))
}

/// `text`, escaped, marked as being in the language `lang`, for
/// [`Locale::markup1`]: a petition's title inside a sentence in the
/// reader's language, so that a screen reader switches voice for it.
pub fn in_lang(lang: impl AsRef<str>, text: impl AsRef<str>) -> Arg {
    Arg::Html(format!(
        "<span lang=\"{}\">{}</span>",
        escape_html(lang.as_ref()),
        escape_html(text.as_ref())
    ))
}

/// A link to `href` reading the message `text_id`.
pub fn link_text(l: &Locale, href: impl AsRef<str>, text_id: &str) -> Arg {
    Arg::Html(format!(
        "<a href=\"{}\">{}</a>",
        escape_html(href.as_ref()),
        escape_html(&l.t(text_id))
    ))
}

/// A link that opens in a new tab and says so to screen readers, reading
/// the message `text_id`.
pub fn new_tab_link(l: &Locale, href: impl AsRef<str>, text_id: &str) -> Arg {
    Arg::Html(format!(
        "<a href=\"{}\" target=\"_blank\" rel=\"noopener\">{}<span class=\"visually-hidden\"> {}</span></a>",
        escape_html(href.as_ref()),
        escape_html(&l.t(text_id)),
        escape_html(&l.t("opens-in-new-tab")),
    ))
}

/// A petition's address on this site, for links in templates.
pub fn petition_path(slug: impl AsRef<str>) -> String {
    format!("/petitions/{}", slug.as_ref())
}

/// `text` in bold, with an `id` for tests and scripts.
pub fn strong_with_id(id: &str, text: impl AsRef<str>) -> Arg {
    Arg::Html(format!(
        "<strong id=\"{}\">{}</strong>",
        escape_html(id),
        escape_html(text.as_ref())
    ))
}

/// The message `text_id` in bold.
pub fn strong(l: &Locale, text_id: &str) -> Arg {
    Arg::Html(format!("<strong>{}</strong>", escape_html(&l.t(text_id))))
}

const PLACEHOLDER: char = '\u{E000}';

fn fluent_value(arg: &Arg) -> FluentValue<'static> {
    match arg {
        Arg::Text(text) | Arg::Html(text) => FluentValue::from(text.clone()),
        Arg::Number(n) => FluentValue::from(*n),
    }
}

/// Escapes text for HTML, SVG and XML: element text and quoted attributes.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub(crate) fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_catalogue_parses() {
        load().unwrap();
    }

    #[test]
    fn english_and_korean_have_the_same_messages() {
        let en: BTreeSet<String> = catalogue::ids(Locale::En).into_iter().collect();
        let ko: BTreeSet<String> = catalogue::ids(Locale::Ko).into_iter().collect();
        let only_en: Vec<_> = en.difference(&ko).collect();
        let only_ko: Vec<_> = ko.difference(&en).collect();
        assert!(only_en.is_empty(), "missing in ko: {only_en:?}");
        assert!(only_ko.is_empty(), "missing in en: {only_ko:?}");
        assert_eq!(
            catalogue::ids(Locale::En).len(),
            en.len(),
            "an id appears twice"
        );
    }

    /// Every id the templates and the code ask for exists.
    #[test]
    fn every_id_used_exists() {
        let known: BTreeSet<String> = catalogue::ids(Locale::En).into_iter().collect();
        let mut missing = Vec::new();
        let mut files = Vec::new();
        collect_files(std::path::Path::new("templates"), &mut files);
        collect_files(std::path::Path::new("src"), &mut files);
        assert!(files.len() > 20, "run from the crate root");
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            // Comments show the calls with made-up ids.
            let code: String = text
                .lines()
                .filter(|line| !line.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            for id in used_ids(&code) {
                if !known.contains(&id) {
                    missing.push(format!("{}: {id}", file.display()));
                }
            }
        }
        assert!(missing.is_empty(), "unknown message ids: {missing:#?}");
    }

    fn collect_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                collect_files(&path, out);
            } else {
                out.push(path);
            }
        }
    }

    /// The first string literal after each `t("`, `t1("`, `markup1("`,
    /// `Message::new("`… in `text`.
    fn used_ids(text: &str) -> Vec<String> {
        let mut ids = Vec::new();
        for call in [
            ".t(\"",
            ".t1(\"",
            ".t2(\"",
            ".markup1(\"",
            ".markup2(\"",
            "Message::new(\"",
        ] {
            for (at, _) in text.match_indices(call) {
                let rest = &text[at + call.len()..];
                let id: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                    .collect();
                if rest[id.len()..].starts_with('"') && !id.is_empty() && id != "x" {
                    ids.push(id);
                }
            }
        }
        ids
    }

    #[test]
    fn numbers_and_dates_read_naturally() {
        assert_eq!(Locale::En.number(&1234567), "1,234,567");
        assert_eq!(Locale::Ko.number(&-12345), "-12,345");
        let at = time::macros::datetime!(2026-11-30 12:00);
        assert_eq!(Locale::En.date(at), "30 November 2026");
        assert_eq!(Locale::Ko.date(at), "2026년 11월 30일");
        assert_eq!(Locale::Ko.iso_date("2027-03-01"), "2027년 3월 1일");
    }

    #[test]
    fn language_tags_are_read_by_their_language() {
        assert_eq!(Locale::parse("ko-KR"), Some(Locale::Ko));
        assert_eq!(Locale::parse("EN_gb"), Some(Locale::En));
        assert_eq!(Locale::parse("de"), None);
        assert_eq!(Locale::from_stored(None), Locale::En);
        assert_eq!(Locale::from_stored(Some("ko")), Locale::Ko);
    }

    #[test]
    fn markup_escapes_the_text_but_not_the_markup() {
        // "{ $query }" in curly quotes, then a link.
        let html = Locale::En.markup1(
            "email-confirm-thanks",
            "title",
            link("/p?a=1&b=2", "<Bees> & \u{E000}0\u{E000}", "en"),
        );
        assert_eq!(
            html,
            "Thank you for signing <a href=\"/p?a=1&amp;b=2\" lang=\"en\">&lt;Bees&gt; &amp; \u{E000}0\u{E000}</a>."
        );
        // Text arguments are escaped, and cannot forge a placeholder.
        let text = Locale::En.markup1("email-confirm-thanks", "title", "<i>\u{E000}0\u{E000}</i>");
        assert_eq!(text, "Thank you for signing &lt;i&gt;0&lt;/i&gt;.");
        let ko = Locale::Ko.markup1("email-confirm-thanks", "title", link("/p", "꿀벌", "ko"));
        assert_eq!(
            ko,
            "<a href=\"/p\" lang=\"ko\">꿀벌</a> 청원에 서명해 주셔서 감사합니다."
        );
        // A Korean title in an English sentence.
        let mixed = Locale::En.markup1("statistics-title", "title", in_lang("ko", "꿀벌 & 꽃"));
        assert_eq!(mixed, "Statistics: <span lang=\"ko\">꿀벌 &amp; 꽃</span>");
    }

    #[test]
    fn counts_agree_in_number() {
        assert_eq!(Locale::En.t1("count-signatures", "count", 1), "1 signature");
        assert_eq!(
            Locale::En.t1("count-signatures", "count", 12345),
            "12,345 signatures"
        );
        assert_eq!(
            Locale::Ko.t1("count-signatures", "count", 12345),
            "서명 12,345명"
        );
    }
}
