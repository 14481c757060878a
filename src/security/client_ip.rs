//! The client's IP address behind reverse proxies. `X-Forwarded-For` is
//! believed only when the peer is a configured trusted proxy; anyone can
//! send the header, so from other peers the socket address is the client.
//!
//! This is the rule over plain values; `http::client_ip` applies it to a
//! request.

use std::net::{IpAddr, SocketAddr};

use ipnet::IpNet;
use serde::Deserialize;

/// `server.trusted_proxies`: addresses or CIDR ranges. Deserialized from a
/// list, or from one comma-separated string (as an environment variable).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<Self, String> {
        entries
            .iter()
            .map(|e| e.as_ref().trim())
            .filter(|e| !e.is_empty())
            .map(|e| {
                e.parse::<IpNet>()
                    .or_else(|_| e.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        format!("server.trusted_proxies: {e:?} is not an IP address or CIDR range")
                    })
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address for a request from `peer`: the right-most
    /// address in `X-Forwarded-For` that is not a trusted proxy, reached by
    /// walking back from the peer only while each hop is trusted.
    /// `forwarded_for` holds the request's `X-Forwarded-For` headers, in
    /// order; together they are one list.
    pub fn client_ip(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        let mut client = peer.to_canonical();
        if !self.trusts(client) {
            return client;
        }
        let forwarded: Vec<&str> = forwarded_for
            .iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        for hop in forwarded.into_iter().rev() {
            // Garbage can only come from beyond the last trusted hop, which
            // is then the best address known.
            let Some(ip) = parse_hop(hop) else {
                return client;
            };
            client = ip;
            if !self.trusts(client) {
                return client;
            }
        }
        client
    }
}

/// One `X-Forwarded-For` entry: an address, possibly with a port.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
}

impl<'de> Deserialize<'de> for TrustedProxies {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            List(Vec<String>),
            Text(String),
        }
        let entries = match Raw::deserialize(deserializer)? {
            Raw::List(list) => list,
            Raw::Text(text) => text.split(',').map(str::to_owned).collect(),
        };
        Self::parse(&entries).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The values of a request's `X-Forwarded-For` headers.
    fn headers<'a>(values: &[&'a str]) -> Vec<&'a str> {
        values.to_vec()
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_ignored_from_an_untrusted_peer() {
        let proxies = TrustedProxies::parse(&["10.0.0.1"]).unwrap();
        let h = headers(&["203.0.113.7"]);
        assert_eq!(
            proxies.client_ip(ip("198.51.100.2"), &h),
            ip("198.51.100.2")
        );
        let none = TrustedProxies::default();
        assert_eq!(none.client_ip(ip("10.0.0.1"), &h), ip("10.0.0.1"));
    }

    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        let proxies = TrustedProxies::parse(&["10.0.0.0/8", "192.0.2.1"]).unwrap();
        // A client-supplied spoof on the left is passed over.
        let h = headers(&["1.1.1.1, 203.0.113.7, 192.0.2.1"]);
        assert_eq!(proxies.client_ip(ip("10.1.2.3"), &h), ip("203.0.113.7"));
        // Several headers are one list, in order.
        let h = headers(&["1.1.1.1", "203.0.113.7", "10.9.9.9"]);
        assert_eq!(proxies.client_ip(ip("10.1.2.3"), &h), ip("203.0.113.7"));
    }

    #[test]
    fn ports_mapped_addresses_and_garbage_are_handled() {
        let proxies = TrustedProxies::parse(&["127.0.0.1", "::1"]).unwrap();
        let h = headers(&["203.0.113.7:4711"]);
        assert_eq!(proxies.client_ip(ip("127.0.0.1"), &h), ip("203.0.113.7"));
        let h = headers(&["[2001:db8::1]:443"]);
        assert_eq!(proxies.client_ip(ip("::1"), &h), ip("2001:db8::1"));
        let h = headers(&["::ffff:203.0.113.7"]);
        assert_eq!(
            proxies.client_ip(ip("::ffff:127.0.0.1"), &h),
            ip("203.0.113.7")
        );
        let h = headers(&["203.0.113.7, not-an-ip"]);
        assert_eq!(proxies.client_ip(ip("127.0.0.1"), &h), ip("127.0.0.1"));
        // No header, or only trusted hops: the nearest address known.
        assert_eq!(
            proxies.client_ip(ip("127.0.0.1"), &headers(&[])),
            ip("127.0.0.1")
        );
        let h = headers(&["::1"]);
        assert_eq!(proxies.client_ip(ip("127.0.0.1"), &h), ip("::1"));
    }

    #[test]
    fn proxies_parse_from_a_list_or_a_comma_separated_string() {
        #[derive(Deserialize)]
        struct S {
            p: TrustedProxies,
        }
        let list: S = serde_json::from_str(r#"{"p":["10.0.0.0/8","::1"]}"#).unwrap();
        let text: S = serde_json::from_str(r#"{"p":"10.0.0.0/8, ::1"}"#).unwrap();
        assert_eq!(list.p, text.p);
        assert_eq!(list.p.0.len(), 2);
        let empty: S = serde_json::from_str(r#"{"p":""}"#).unwrap();
        assert_eq!(empty.p, TrustedProxies::default());
        assert!(serde_json::from_str::<S>(r#"{"p":["10.0.0.0/33"]}"#).is_err());
        assert!(serde_json::from_str::<S>(r#"{"p":"proxy.example"}"#).is_err());
    }
}
