//! undersigned: an open-source online petition platform.

pub mod app;
pub mod cli;
pub mod config;
pub mod counts;
pub mod db;
pub mod domain;
pub mod email;
pub mod error;
pub mod healthcheck;
pub mod http;
pub mod i18n;
pub mod live;
pub mod metrics;
pub mod os;
pub mod petition_cache;
pub mod routes;
pub mod security;
pub mod share_card;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod transparency;
pub mod workers;
