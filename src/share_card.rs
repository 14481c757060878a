//! The PNG share card behind `og:image`: the petition's title, targets and
//! count, drawn on the server with a bundled font that covers Hangul, so a
//! Korean petition previews as well as an English one.
//!
//! Drawing takes tens of milliseconds, so cards are cached and drawn again
//! only when the text changes or the count moves by about 1 %.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use resvg::{tiny_skia, usvg};
use unicode_width::UnicodeWidthChar;

use crate::i18n::{escape_html as escape, Locale};

/// Nanum Square (SIL Open Font License; see `static/fonts/OFL.txt`): Latin
/// and all 11,172 modern Hangul syllables, in under a megabyte each.
const FONT_BOLD: &[u8] = include_bytes!("../static/fonts/NanumSquareB.ttf");
const FONT_REGULAR: &[u8] = include_bytes!("../static/fonts/NanumSquareR.ttf");
const FAMILY: &str = "NanumSquare";

pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;
/// Cards kept in memory; a card is about 50 KB.
const CAPACITY: usize = 500;

/// What a card shows.
#[derive(Debug, Clone)]
pub struct CardText {
    pub title: String,
    pub targets: Vec<String>,
    pub count: i64,
    pub goal: i64,
    /// The language of the card's own words: the petition's, since the
    /// crawlers that fetch it do not say the reader's.
    pub locale: Locale,
}

impl CardText {
    /// Equal for counts too close to be worth a new picture.
    fn key(&self) -> String {
        format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.title,
            self.targets.join("\u{1e}"),
            count_bucket(self.count),
            self.goal,
            self.locale.code()
        )
    }
}

/// Counts within about 1 % of each other share a bucket.
fn count_bucket(count: i64) -> i64 {
    if count < 100 {
        return count;
    }
    let step = 10_i64.pow(count.ilog10() - 1);
    count / step * step
}

/// A drawn card, with its validator.
#[derive(Clone)]
pub struct Card {
    pub png: Arc<Vec<u8>>,
    pub etag: String,
}

#[derive(Default)]
pub struct ShareCards {
    by_slug: Mutex<HashMap<String, (String, Card)>>,
}

impl ShareCards {
    /// The cached card for `slug` if it still shows `text`.
    pub fn cached(&self, slug: &str, text: &CardText) -> Option<Card> {
        let key = text.key();
        let cards = self.by_slug.lock().expect("share card cache");
        cards
            .get(slug)
            .filter(|(cached_key, _)| *cached_key == key)
            .map(|(_, card)| card.clone())
    }

    /// Draws and caches the card. Blocking: run it off the async threads.
    pub fn draw(&self, slug: &str, text: &CardText) -> anyhow::Result<Card> {
        let key = text.key();
        let png = render_png(text)?;
        let etag = format!("\"{:016x}\"", fxhash(&key));
        let card = Card {
            png: Arc::new(png),
            etag,
        };
        let mut cards = self.by_slug.lock().expect("share card cache");
        if cards.len() >= CAPACITY && !cards.contains_key(slug) {
            // Crude, but bounded: a busy site re-draws a few cards.
            cards.clear();
        }
        cards.insert(slug.to_owned(), (key, card.clone()));
        Ok(card)
    }
}

/// A stable 64-bit hash for the ETag (FNV-1a; not for security).
fn fxhash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn font_options() -> &'static usvg::Options<'static> {
    static OPTIONS: OnceLock<usvg::Options<'static>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut fonts = usvg::fontdb::Database::new();
        fonts.load_font_data(FONT_BOLD.to_vec());
        fonts.load_font_data(FONT_REGULAR.to_vec());
        usvg::Options {
            font_family: FAMILY.to_owned(),
            fontdb: Arc::new(fonts),
            ..usvg::Options::default()
        }
    })
}

pub fn render_png(text: &CardText) -> anyhow::Result<Vec<u8>> {
    let svg = card_svg(text);
    let tree = usvg::Tree::from_str(&svg, font_options())?;
    let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT)
        .ok_or_else(|| anyhow::anyhow!("cannot allocate the share card"))?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    Ok(pixmap.encode_png()?)
}

/// Roughly how wide `s` is, in ems: wide (CJK) characters are a full em,
/// others a little over half.
fn width_em(s: &str) -> f32 {
    s.chars()
        .map(|c| match c.width() {
            Some(2) => 1.0,
            _ if c == ' ' => 0.3,
            _ => 0.58,
        })
        .sum()
}

/// Wraps `text` at spaces into at most `max_lines` lines of `max_em` ems,
/// ending with an ellipsis if it had to cut. Words are broken only when one
/// word is wider than a line, so Korean words stay whole.
fn wrap(text: &str, max_em: f32, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if width_em(&candidate) <= max_em {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // A word wider than a line is cut where it must.
        for c in word.chars() {
            if width_em(&line) + width_em(&c.to_string()) > max_em {
                lines.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        let last = lines.last_mut().expect("at least one line");
        while !last.is_empty() && width_em(last) + 1.0 > max_em {
            last.pop();
        }
        last.push('…');
    }
    lines
}

fn card_svg(text: &CardText) -> String {
    const GREEN: &str = "#0b6e4f";
    let title_size = 60.0;
    let title_lines = wrap(&text.title, 1040.0 / title_size, 3);
    let l = text.locale;
    let targets = wrap(
        &l.t1("share-card-to", "targets", text.targets.join(", ")),
        1040.0 / 30.0,
        1,
    );
    let mut title = String::new();
    for (n, line) in title_lines.iter().enumerate() {
        title.push_str(&format!(
            r##"<text x="80" y="{}" font-size="{title_size}" font-weight="bold" fill="#1a1a1a">{}</text>"##,
            205.0 + n as f32 * title_size * 1.25,
            escape(line)
        ));
    }
    let percent =
        if text.goal > 0 {
            (text.count.clamp(0, text.goal) as f64 / text.goal as f64 * 1040.0)
                .max(if text.count > 0 { 8.0 } else { 0.0 })
        } else {
            0.0
        };
    let count = escape(&l.t1("share-card-count", "count", text.count));
    let of_goal = escape(&l.t1("share-card-of-goal", "goal", text.goal));
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{FAMILY}">
<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>
<rect width="24" height="{HEIGHT}" fill="{GREEN}"/>
<text x="80" y="84" font-size="28" font-weight="bold" fill="{GREEN}">undersigned</text>
<text x="80" y="124" font-size="30" fill="#555555">{targets}</text>
{title}
<text x="80" y="520" font-size="44" font-weight="bold" fill="#1a1a1a">{count} <tspan font-size="30" font-weight="normal" fill="#555555">{of_goal}</tspan></text>
<rect x="80" y="550" width="1040" height="24" rx="12" fill="#e8efec"/>
<rect x="80" y="550" width="{percent:.1}" height="24" rx="12" fill="{GREEN}"/>
</svg>"##,
        targets = escape(targets.first().map(String::as_str).unwrap_or_default()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_move_the_card_only_by_about_one_percent() {
        assert_eq!(count_bucket(42), 42);
        assert_eq!(count_bucket(12_345), 12_000);
        assert_eq!(count_bucket(12_999), 12_000);
        assert_eq!(count_bucket(13_000), 13_000);
        assert_eq!(count_bucket(1_234_567), 1_200_000);
    }

    #[test]
    fn korean_titles_wrap_between_words() {
        let lines = wrap(
            "기후 위기 대응을 위한 국회의 즉각적인 입법을 촉구합니다",
            10.0,
            3,
        );
        assert!(lines.len() > 1);
        for line in &lines {
            assert!(width_em(line) <= 10.0, "{line}");
        }
        // Every word survives whole.
        assert_eq!(
            lines.join(" "),
            "기후 위기 대응을 위한 국회의 즉각적인 입법을 촉구합니다"
        );
    }

    #[test]
    fn long_titles_end_with_an_ellipsis() {
        let lines = wrap(&"word ".repeat(100), 20.0, 3);
        assert_eq!(lines.len(), 3);
        assert!(lines[2].ends_with('…'));
    }

    #[test]
    fn a_korean_card_is_a_png_with_ink_where_the_title_is() {
        let text = CardText {
            title: "꿀벌을 지켜주세요".into(),
            targets: vec!["국회".into()],
            count: 1234,
            goal: 10_000,
            locale: Locale::Ko,
        };
        let png = render_png(&text).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let pixmap = tiny_skia::Pixmap::decode_png(&png).unwrap();
        assert_eq!((pixmap.width(), pixmap.height()), (WIDTH, HEIGHT));
        // The title's first line (y ≈ 160–215) has dark pixels: the Hangul
        // glyphs were found in the bundled font, not drawn as nothing.
        let dark = (155..215)
            .flat_map(|y| (80..600).map(move |x| (x, y)))
            .filter(|&(x, y)| {
                let p = pixmap.pixel(x, y).unwrap();
                p.red() < 80 && p.green() < 80 && p.blue() < 80
            })
            .count();
        assert!(dark > 500, "only {dark} dark pixels where the title is");
    }

    #[test]
    fn the_cards_words_are_in_the_petitions_language() {
        let mut text = CardText {
            title: "Save the bees".into(),
            targets: vec!["UN".into(), "EU".into()],
            count: 1234,
            goal: 10_000,
            locale: Locale::En,
        };
        let english = card_svg(&text);
        assert!(english.contains(">To: UN, EU</text>"), "{english}");
        assert!(
            english.contains(">1,234 <tspan font-size=\"30\" font-weight=\"normal\" fill=\"#555555\">signatures of 10,000</tspan>"),
            "{english}"
        );
        let english_key = text.key();
        text.locale = Locale::Ko;
        let korean = card_svg(&text);
        assert!(korean.contains(">청원 대상: UN, EU</text>"), "{korean}");
        assert!(korean.contains(">1,234명 <tspan"), "{korean}");
        assert!(korean.contains(">서명 · 목표 10,000명</tspan>"), "{korean}");
        assert!(!korean.contains("signatures"), "{korean}");
        // A petition whose language changes gets a new card.
        assert_ne!(text.key(), english_key);
    }
}
