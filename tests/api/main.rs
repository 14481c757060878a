//! One integration binary: every test starts its own app on port 0 with a
//! fresh database and a real SMTP sink.

mod helpers;
mod smtp;
mod webdriver;

mod api;
mod browser;
mod cli;
mod durability;
mod metrics;
mod operations;
mod organizers;
mod outage;
mod privacy;
mod signing;
