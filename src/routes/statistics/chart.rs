//! Bar charts as inline SVG, drawn on the server: no script, no web font,
//! and presentation attributes rather than `style`, which the page's
//! Content-Security-Policy forbids inline.

use std::fmt::Write;

use crate::i18n::escape_html as escape;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 36.0;
const GRID_LINES: i64 = 4;

/// One bar: its value, the short label shown under it (none when empty;
/// the caller spaces them out) and the full label read in its tooltip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub tick: String,
    pub label: String,
    pub value: i64,
}

/// A bar chart with a title and a one-sentence description, both read out
/// by screen readers in place of the drawing.
pub struct BarChart<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    /// What the units are called in tooltips, after the number: one and
    /// many, e.g. (" signature", " signatures"), or ("명", "명").
    pub unit: (&'a str, &'a str),
    pub bars: &'a [Bar],
}

impl BarChart<'_> {
    pub fn to_svg(&self) -> String {
        let mut svg = String::with_capacity(256 + self.bars.len() * 200);
        let id = escape(self.id);
        // Writing to a String cannot fail.
        let _ = write!(
            svg,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" \
             viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" \
             aria-labelledby=\"{id}-title {id}-desc\" font-size=\"12\" \
             font-family=\"system-ui, sans-serif\">\
             <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
            escape(self.title),
            escape(self.description),
        );
        let max = self.bars.iter().map(|b| b.value).max().unwrap_or(0);
        let top = nice_ceiling(max);
        let plot_w = WIDTH - LEFT - RIGHT;
        let plot_h = HEIGHT - TOP - BOTTOM;
        let base = TOP + plot_h;

        // The value axis: gridlines at even steps, labelled.
        let step = top / GRID_LINES;
        for i in 0..=GRID_LINES {
            let value = step * i;
            let y = base - plot_h * i as f64 / GRID_LINES as f64;
            let _ = write!(
                svg,
                "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" \
                 stroke=\"#d8d8d8\" stroke-width=\"1\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#555\">{}</text>",
                WIDTH - RIGHT,
                LEFT - 6.0,
                y + 4.0,
                crate::routes::thousands(&value),
            );
        }

        let n = self.bars.len().max(1);
        let slot = plot_w / n as f64;
        let gap = if slot >= 4.0 { slot * 0.15 } else { 0.0 };
        for (i, bar) in self.bars.iter().enumerate() {
            let x = LEFT + slot * i as f64;
            let h = if top > 0 {
                plot_h * bar.value as f64 / top as f64
            } else {
                0.0
            };
            // The whole column is the tooltip's target, so that a day with
            // few signatures is as easy to point at as a busy one.
            let _ = write!(
                svg,
                "<g><title>{}: {}{}</title>\
                 <rect x=\"{x:.2}\" y=\"{TOP}\" width=\"{slot:.2}\" height=\"{plot_h}\" \
                 fill=\"transparent\"/>",
                escape(&bar.label),
                crate::routes::thousands(&bar.value),
                escape(if bar.value == 1 {
                    self.unit.0
                } else {
                    self.unit.1
                }),
            );
            if bar.value > 0 {
                let _ = write!(
                    svg,
                    "<rect x=\"{:.2}\" y=\"{:.2}\" width=\"{:.2}\" height=\"{h:.2}\" \
                     fill=\"#0b6e4f\"/>",
                    x + gap / 2.0,
                    base - h,
                    (slot - gap).max(0.5),
                );
            }
            svg.push_str("</g>");
        }

        // The category axis: a baseline and evenly spaced labels.
        let _ = write!(
            svg,
            "<line x1=\"{LEFT}\" y1=\"{base}\" x2=\"{:.1}\" y2=\"{base}\" \
             stroke=\"#1a1a1a\" stroke-width=\"1\"/>",
            WIDTH - RIGHT
        );
        for (i, bar) in self
            .bars
            .iter()
            .enumerate()
            .filter(|(_, b)| !b.tick.is_empty())
        {
            let x = LEFT + slot * (i as f64 + 0.5);
            let _ = write!(
                svg,
                "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#555\">{}</text>",
                base + 18.0,
                escape(&bar.tick),
            );
        }
        svg.push_str("</svg>");
        svg
    }
}

/// The smallest 1, 2 or 5 × 10ⁿ, times the number of gridlines, that is at
/// least `max`, so that every gridline has a round label. Never 0.
pub fn nice_ceiling(max: i64) -> i64 {
    let per_line = (max.max(1) + GRID_LINES - 1) / GRID_LINES;
    let mut magnitude = 1i64;
    loop {
        for factor in [1, 2, 5] {
            let step = factor * magnitude;
            if step >= per_line {
                return step * GRID_LINES;
            }
        }
        magnitude = magnitude.saturating_mul(10);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars(values: &[i64]) -> Vec<Bar> {
        values
            .iter()
            .enumerate()
            .map(|(i, &value)| Bar {
                tick: format!("d{i}"),
                label: format!("Day {i}"),
                value,
            })
            .collect()
    }

    fn chart(bars: &[Bar]) -> String {
        BarChart {
            id: "per-day",
            title: "Signatures per day",
            description: "A description.",
            unit: (" signature", " signatures"),
            bars,
        }
        .to_svg()
    }

    #[test]
    fn gridlines_have_round_labels() {
        assert_eq!(nice_ceiling(0), 4);
        assert_eq!(nice_ceiling(3), 4);
        assert_eq!(nice_ceiling(5), 8);
        assert_eq!(nice_ceiling(9), 20);
        assert_eq!(nice_ceiling(40), 40);
        assert_eq!(nice_ceiling(41), 80);
        assert_eq!(nice_ceiling(12_345), 20_000);
        assert!(nice_ceiling(i64::MAX / 2) >= i64::MAX / 2);
    }

    #[test]
    fn the_chart_is_an_accessible_image_with_a_tooltip_per_bar() {
        let svg = chart(&bars(&[3, 0, 1200, 1]));
        assert!(svg.starts_with("<svg "));
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("aria-labelledby=\"per-day-title per-day-desc\""));
        assert!(svg.contains("<title id=\"per-day-title\">Signatures per day</title>"));
        assert!(svg.contains("<title>Day 0: 3 signatures</title>"));
        assert!(svg.contains("<title>Day 1: 0 signatures</title>"));
        assert!(svg.contains("<title>Day 2: 1,200 signatures</title>"));
        assert!(svg.contains("<title>Day 3: 1 signature</title>"));
        // A zero day has its tooltip column but no bar.
        assert_eq!(svg.matches("fill=\"#0b6e4f\"").count(), 3);
        assert!(!svg.contains("<script"));
        assert!(!svg.contains("style="));
    }

    #[test]
    fn the_tallest_bar_fits_inside_the_plot() {
        let svg = chart(&bars(&[7, 40]));
        let plot_h = HEIGHT - TOP - BOTTOM;
        // 40 is exactly the top of the scale: the bar spans the plot.
        assert!(svg.contains(&format!("height=\"{plot_h:.2}\" fill=\"#0b6e4f\"")));
        assert!(svg.contains(">40</text>"));
    }

    #[test]
    fn only_bars_with_a_tick_are_labelled() {
        let mut long = bars(&[1; 100]);
        for (i, bar) in long.iter_mut().enumerate() {
            if i % 25 != 0 {
                bar.tick.clear();
            }
        }
        let svg = chart(&long);
        assert_eq!(svg.matches("text-anchor=\"middle\"").count(), 4);
        assert!(svg.contains(">d75</text>"));
        assert!(!svg.contains(">d76</text>"));
        assert_eq!(svg.matches("<g>").count(), 100);
    }

    #[test]
    fn every_text_is_escaped() {
        let evil = Bar {
            tick: "<b>".into(),
            label: "\"&'".into(),
            value: 1,
        };
        let svg = BarChart {
            id: "x\"y",
            title: "<script>alert(1)</script>",
            description: "a & b",
            unit: (" <u>", " <u>"),
            bars: &[evil],
        }
        .to_svg();
        assert!(!svg.contains("<script>"));
        assert!(!svg.contains("<b>"));
        assert!(!svg.contains("<u>"));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains("a &amp; b"));
        assert!(svg.contains("&quot;&amp;&#39;: 1 &lt;u&gt;"));
        assert!(svg.contains("x&quot;y-title"));
    }

    #[test]
    fn an_empty_chart_still_draws_its_axes() {
        let svg = chart(&[]);
        assert!(svg.contains("<line"));
        assert!(!svg.contains("<g>"));
    }
}
