//! What must hold of every value the domain parsers accept, shared by the
//! fuzz targets in `fuzz_targets/`. Each check panics (so libFuzzer
//! reports a crash with the input) when an invariant breaks.

use time::{Date, PrimitiveDateTime};
use undersigned::domain::petition::{
    render_markdown, NewPetition, MAX_BODY_CHARS, MAX_GOAL, MAX_SUMMARY_CHARS, MAX_TITLE_CHARS,
};
use undersigned::domain::signer::{
    NewSignature, MAX_COMMENT_CHARS, MAX_NAME_CHARS, MAX_POSTCODE_CHARS,
};
use undersigned::domain::target::{MAX_TARGETS, MAX_TARGET_CHARS};
use undersigned::domain::{Email, FieldErrors};
use unicode_normalization::is_nfc;

/// The day the petition targets parse against, fixed so that a crash
/// reproduces on any day.
pub const TODAY: Date = time::macros::date!(2026 - 11 - 30);

/// A closing date an existing petition has, for the edit path.
pub const CURRENT_CLOSE: PrimitiveDateTime = time::macros::datetime!(2026-11-30 00:00);

/// CONTRACT §6: trimmed, NFC, lowercase, IDNA domain, no `+tag`, gmail
/// folded; and the same person never becomes two.
pub fn check_email(email: &Email) {
    let typed = email.as_typed();
    assert_eq!(typed, typed.trim(), "typed address is trimmed");
    assert!(is_nfc(typed), "typed address is NFC: {typed:?}");
    assert!(typed.len() <= 254, "typed address is at most 254 bytes");

    let canonical = email.canonical();
    let (local, domain) = canonical
        .rsplit_once('@')
        .unwrap_or_else(|| panic!("canonical {canonical:?} has an @"));
    assert!(!local.is_empty(), "canonical local part is not empty");
    assert!(!local.contains('+'), "canonical {canonical:?} has no +tag");
    assert_eq!(
        local,
        local.to_lowercase(),
        "canonical local part is lowercase"
    );
    assert!(
        domain.is_ascii() && !domain.bytes().any(|b| b.is_ascii_uppercase()),
        "canonical domain {domain:?} is lowercase ASCII"
    );
    assert_eq!(email.domain(), domain);
    assert!(
        domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.'),
        "canonical domain {domain:?} is a dotted name"
    );
    assert!(
        domain.parse::<std::net::IpAddr>().is_err() && !domain.starts_with('['),
        "canonical domain {domain:?} is not an IP literal"
    );
    assert_ne!(domain, "googlemail.com", "googlemail folds into gmail");
    if domain == "gmail.com" {
        assert!(!local.contains('.'), "gmail {canonical:?} has no dots");
    }

    // Parsing what was typed again is the same address.
    assert_eq!(
        Email::parse(typed).as_ref(),
        Ok(email),
        "parse(typed) is stable"
    );
    // The canonical form of a canonical address is itself, whenever it is
    // an address at all (dropping a tag or dots can leave one that is not,
    // like `a.@example.org`).
    if let Ok(again) = Email::parse(canonical) {
        assert_eq!(
            again.canonical(),
            canonical,
            "canonicalisation is idempotent"
        );
    }
    // Case never makes a second person.
    for variant in [typed.to_ascii_uppercase(), typed.to_lowercase()] {
        if let Ok(other) = Email::parse(&variant) {
            assert_eq!(
                other.canonical(),
                canonical,
                "{variant:?} is the same person as {typed:?}"
            );
        }
    }
    // Nor does a +tag.
    if !local.contains('+') {
        let (typed_local, typed_domain) = typed.rsplit_once('@').expect("typed has an @");
        if !typed_local.contains('+') {
            if let Ok(tagged) = Email::parse(&format!("{typed_local}+fuzz@{typed_domain}")) {
                assert_eq!(tagged.canonical(), canonical, "a +tag is the same person");
            }
        }
    }
    // The disposable-domain check takes any canonical domain.
    let _ = undersigned::domain::disposable::is_disposable(domain);
}

/// A rejected form names at least one field, each with a message.
pub fn check_errors(errors: &FieldErrors) {
    assert!(!errors.is_empty(), "a rejected form says why");
    for (field, message) in errors.iter() {
        assert!(!field.is_empty() && !message.english().trim().is_empty());
    }
}

fn check_line(what: &str, text: &str, max_chars: usize, multiline: bool) {
    assert!(!text.is_empty(), "{what} is not empty");
    assert_eq!(text, text.trim(), "{what} is trimmed");
    assert!(is_nfc(text), "{what} is NFC");
    assert!(
        text.chars().count() <= max_chars,
        "{what} is at most {max_chars} characters"
    );
    assert!(
        !text
            .chars()
            .any(|c| c.is_control() && !(multiline && (c == '\n' || c == '\t'))),
        "{what} {text:?} has no control characters"
    );
}

pub fn check_signature(signature: &NewSignature) {
    check_line("name", &signature.name, MAX_NAME_CHARS, false);
    check_email(&signature.email);
    let country = signature.country.code();
    assert!(
        country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase()),
        "country {country:?} is alpha-2"
    );
    if let Some(postcode) = &signature.postcode {
        check_line("postcode", postcode, MAX_POSTCODE_CHARS, false);
    }
    if let Some(comment) = &signature.comment {
        check_line("comment", comment, MAX_COMMENT_CHARS, true);
    }
    if let Some(source) = &signature.source {
        assert!(
            !source.is_empty()
                && source.len() <= 32
                && source.bytes().all(|b| b.is_ascii_lowercase()
                    || b.is_ascii_digit()
                    || b == b'_'
                    || b == b'-'),
            "source {source:?} is a plain token"
        );
    }
}

pub fn check_petition(petition: &NewPetition, today: Option<Date>) {
    check_line("title", &petition.title, MAX_TITLE_CHARS, false);
    check_line("summary", &petition.summary, MAX_SUMMARY_CHARS, true);
    check_line("body", &petition.body_markdown, MAX_BODY_CHARS, true);
    assert_eq!(petition.body_html, render_markdown(&petition.body_markdown));
    check_safe_html(&petition.body_html);
    assert!(
        (1..=MAX_TARGETS).contains(&petition.targets.len()),
        "1 to {MAX_TARGETS} targets"
    );
    for (i, target) in petition.targets.iter().enumerate() {
        check_line("target", target.as_str(), MAX_TARGET_CHARS, false);
        assert!(
            !petition.targets[..i]
                .iter()
                .any(|t| t.key() == target.key()),
            "targets are not repeated"
        );
    }
    assert!((1..=MAX_GOAL).contains(&petition.goal), "goal in range");
    if let (Some(today), Some(closes_at)) = (today, petition.closes_at) {
        assert!(closes_at.date() > today, "a new closing date is ahead");
    }
}

/// Elements the sanitised Markdown may contain (a subset of ammonia's
/// defaults: what pulldown-cmark and inline HTML can produce). Anything
/// else, a `script`, `style`, `iframe`, `form`, `svg`…, is a sanitiser
/// escape. (`html` and `body` are the parser's own wrapping of a fragment.)
const HARMLESS_ELEMENTS: &[&str] = &[
    "html",
    "body",
    "a",
    "abbr",
    "acronym",
    "area",
    "article",
    "aside",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "map",
    "mark",
    "nav",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "rtc",
    "ruby",
    "s",
    "samp",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "time",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Attributes that take a URL, and schemes that run code or smuggle a
/// document.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "cite",
    "action",
    "formaction",
    "background",
    "poster",
    "longdesc",
    "usemap",
    "xlink:href",
    "data",
    "srcset",
    "ping",
    "manifest",
];
const BAD_SCHEMES: &[&str] = &["javascript:", "vbscript:", "data:", "file:"];

/// Sanitised HTML, parsed as a browser parses a fragment in the page body,
/// has no scripts, event handlers, inline styles or code-running URLs,
/// and its links are `rel="noopener noreferrer nofollow ugc"`.
pub fn check_safe_html(html: &str) {
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "no <script in {html:?}");
    assert!(!lower.contains("<style"), "no <style in {html:?}");
    let fragment = scraper::Html::parse_fragment(html);
    for node in fragment.tree.values() {
        let Some(element) = node.as_element() else {
            continue;
        };
        let name = element.name();
        assert!(
            HARMLESS_ELEMENTS.contains(&name),
            "element <{name}> in {html:?}"
        );
        for (attr, value) in element.attrs() {
            let attr = attr.to_ascii_lowercase();
            assert!(!attr.starts_with("on"), "event handler {attr} in {html:?}");
            assert!(
                !matches!(attr.as_str(), "style" | "srcdoc" | "formaction" | "form"),
                "attribute {attr} in {html:?}"
            );
            if URL_ATTRIBUTES.contains(&attr.as_str()) {
                // `srcset` holds several `URL descriptor` candidates.
                let urls: Vec<&str> = if attr == "srcset" {
                    value
                        .split(',')
                        .filter_map(|c| c.split_ascii_whitespace().next())
                        .collect()
                } else {
                    vec![value]
                };
                for url in urls {
                    // As the URL parser reads it: C0 controls and spaces
                    // trimmed at the ends, tabs and line breaks dropped
                    // anywhere (`java\tscript:` is `javascript:`). Any other
                    // control inside a scheme makes it a relative URL.
                    let url: String = url
                        .trim_matches(|c: char| c <= ' ')
                        .chars()
                        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                        .collect::<String>()
                        .to_ascii_lowercase();
                    assert!(
                        !BAD_SCHEMES.iter().any(|s| url.starts_with(s)),
                        "{attr}={value:?} in {html:?}"
                    );
                }
            }
        }
        if name == "a" && element.attr("href").is_some() {
            assert_eq!(
                element.attr("rel"),
                Some("noopener noreferrer nofollow ugc"),
                "links carry rel in {html:?}"
            );
        }
    }
}
