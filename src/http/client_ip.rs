//! The client's address of a request, by the trusted-proxy rule in
//! `security::client_ip` (see `server.trusted_proxies`).

use std::net::IpAddr;

use actix_web::{web, HttpRequest};

use crate::state::AppState;

/// The client's address: the socket's peer, or what a trusted proxy says
/// in `X-Forwarded-For` (see `server.trusted_proxies`).
pub fn client_addr(req: &HttpRequest) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    Some(match req.app_data::<web::Data<AppState>>() {
        Some(state) => {
            let forwarded_for: Vec<&str> = req
                .headers()
                .get_all("x-forwarded-for")
                .filter_map(|v| v.to_str().ok())
                .collect();
            state
                .settings
                .server
                .trusted_proxies
                .client_ip(peer, &forwarded_for)
        }
        None => peer.to_canonical(),
    })
}

/// The client's address as stored with a signature.
pub fn client_ip(req: &HttpRequest) -> Option<String> {
    client_addr(req).map(|ip| ip.to_string())
}
