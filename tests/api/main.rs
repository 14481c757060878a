//! One integration binary: every test starts its own app on port 0 with a
//! fresh database and a real SMTP sink.

mod helpers;
mod process;
mod smtp;
mod webdriver;

mod a11y;
mod abuse;
mod accounts;
mod admin;
mod api;
mod browser;
mod cli;
mod durability;
mod editing;
mod embed_browser;
mod embeds;
mod export;
mod faults;
mod fraud;
mod http;
mod http_rules;
mod i18n;
mod integrity;
mod live;
mod live_browser;
mod metrics;
mod operations;
mod organizers;
mod personal_data;
mod pipeline;
mod privacy;
mod public_log;
mod rate_limits;
mod share;
mod signing;
mod spam_scores;
mod statistics;
mod tokens;
mod trust;
mod updates;
