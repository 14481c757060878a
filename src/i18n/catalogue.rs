//! The Fluent catalogues under `locales/`, compiled into the binary.

use std::borrow::Cow;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

use super::Locale;

/// Every catalogue file, in the same order for each language.
pub(crate) const FILES: [&str; 5] = [
    "common.ftl",
    "signing.ftl",
    "organizers.ftl",
    "email.ftl",
    "errors.ftl",
];

macro_rules! sources {
    ($lang:literal) => {
        [
            include_str!(concat!("../../locales/", $lang, "/common.ftl")),
            include_str!(concat!("../../locales/", $lang, "/signing.ftl")),
            include_str!(concat!("../../locales/", $lang, "/organizers.ftl")),
            include_str!(concat!("../../locales/", $lang, "/email.ftl")),
            include_str!(concat!("../../locales/", $lang, "/errors.ftl")),
        ]
    };
}

pub(crate) fn sources(locale: Locale) -> [&'static str; 5] {
    match locale {
        Locale::En => sources!("en"),
        Locale::Ko => sources!("ko"),
    }
}

type Bundle = FluentBundle<FluentResource>;

static BUNDLES: OnceLock<Result<[Bundle; 2], String>> = OnceLock::new();

fn build(locale: Locale) -> Result<Bundle, String> {
    let langid = locale
        .code()
        .parse()
        .map_err(|e| format!("language {}: {e}", locale.code()))?;
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    // Bidi isolation marks would end up inside attributes and emails; both
    // languages run left to right.
    bundle.set_use_isolating(false);
    bundle.set_formatter(Some(format_value));
    for (file, source) in FILES.iter().zip(sources(locale)) {
        let resource = FluentResource::try_new(source.to_owned())
            .map_err(|(_, errors)| format!("locales/{}/{file}: {errors:?}", locale.code()))?;
        bundle
            .add_resource(resource)
            .map_err(|errors| format!("locales/{}/{file}: {errors:?}", locale.code()))?;
    }
    Ok(bundle)
}

/// Whole numbers with thousands separators (12,345), as both languages
/// write them.
fn format_value<M>(value: &FluentValue, _: &M) -> Option<String> {
    match value {
        FluentValue::Number(n) if n.value.fract() == 0.0 && n.value.abs() < 9.0e15 => {
            Some(super::group_thousands(n.value as i64))
        }
        _ => None,
    }
}

/// Parses every catalogue; call once at start-up so that a broken file
/// stops the server rather than a page.
pub fn load() -> Result<(), String> {
    bundles().map(|_| ())
}

fn bundles() -> Result<&'static [Bundle; 2], String> {
    BUNDLES
        .get_or_init(|| Ok([build(Locale::En)?, build(Locale::Ko)?]))
        .as_ref()
        .map_err(Clone::clone)
}

/// The message `id` in `locale`, with `args`. A missing message (which the
/// catalogue tests rule out) falls back to English, then to the id itself.
pub fn format(locale: Locale, id: &str, args: Option<&FluentArgs>) -> String {
    let Ok(bundles) = bundles() else {
        return id.to_owned();
    };
    for bundle in [&bundles[locale.index()], &bundles[Locale::En.index()]] {
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            continue;
        };
        let mut errors = Vec::new();
        let text: Cow<str> = bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(id, ?errors, "message formatted with errors");
        }
        return text.into_owned();
    }
    tracing::warn!(id, locale = locale.code(), "no such message");
    id.to_owned()
}

/// The ids of every message in `locale`'s catalogue, for the tests.
#[cfg(test)]
pub(crate) fn ids(locale: Locale) -> Vec<String> {
    let mut ids = Vec::new();
    for source in sources(locale) {
        let resource =
            FluentResource::try_new(source.to_owned()).unwrap_or_else(|(_, e)| panic!("{e:?}"));
        for entry in resource.entries() {
            if let fluent_syntax::ast::Entry::Message(m) = entry {
                ids.push(m.id.name.to_owned());
            }
        }
    }
    ids
}
