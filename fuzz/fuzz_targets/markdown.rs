//! `render_markdown` on arbitrary text: it never panics, and what it
//! returns is safe to put in a page (see `check_safe_html`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use undersigned::domain::petition::render_markdown;
use undersigned_fuzz::check_safe_html;

fuzz_target!(|data: &[u8]| {
    let Ok(markdown) = std::str::from_utf8(data) else {
        return;
    };
    check_safe_html(&render_markdown(markdown));
});
