//! The client address behind a reverse proxy: `[server] trusted_proxies`.
//!
//! A request from a peer on that list carries the client's address in `X-Forwarded-For`, which
//! every proxy on the way appends to. The list is read from the right: entries from trusted
//! proxies are skipped, and the first one that is not a trusted proxy is the client. Entries to
//! its left were written by that client and prove nothing, so a client cannot choose its own
//! address. A peer not on the list is the client, whatever it sends. The address found is the
//! one failed-authentication blocking counts by and the one audit records carry.

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;
use ipnet::IpNet;

/// Parse `trusted_proxies` entries: networks (`10.0.0.0/8`) or single addresses (`10.1.2.3`).
pub(crate) fn parse(entries: &[String]) -> Result<Vec<IpNet>, String> {
    entries
        .iter()
        .map(|e| {
            let e = e.trim();
            e.parse::<IpNet>()
                .or_else(|_| e.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("`{e}` is not an IP address or a network like 10.0.0.0/8"))
        })
        .collect()
}

/// Whether `ip` is one of the trusted proxies.
pub(crate) fn trusted(ip: IpAddr, proxies: &[IpNet]) -> bool {
    let ip = ip.to_canonical();
    proxies.iter().any(|n| n.contains(&ip))
}

/// The key a client's budgets are kept under (connections held, failed authentications,
/// refusal records): its address, or for IPv6 its /64, since one host is routinely given a
/// whole /64 and could otherwise take a budget per address (a red-team finding).
pub(crate) fn budget_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(std::net::Ipv6Addr::from(bits))
        }
        v4 => v4,
    }
}

/// One `X-Forwarded-For` entry: an address, perhaps with a port (`1.2.3.4:5`, `[::1]:5`) or
/// in brackets without one (`[::1]`, as some proxies write IPv6).
fn entry(text: &str) -> Option<IpAddr> {
    let t = text.trim();
    if let Ok(ip) = t.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Some(inner) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']'))
        && let Ok(ip) = inner.parse::<std::net::Ipv6Addr>()
    {
        return Some(IpAddr::V6(ip));
    }
    t.parse::<SocketAddr>().ok().map(|s| s.ip())
}

/// The address of the client that sent a request which arrived from `peer`.
pub(crate) fn client(peer: SocketAddr, headers: &HeaderMap, proxies: &[IpNet]) -> SocketAddr {
    if proxies.is_empty() || !trusted(peer.ip(), proxies) {
        return peer;
    }
    // Several header lines are one list, in order.
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    if hops.is_empty() {
        return peer;
    }
    let mut client = peer.ip();
    for hop in hops.iter().rev() {
        // An entry that is no address stops the walk: the last trusted hop is as far as the
        // chain can be believed.
        let Some(ip) = entry(hop) else { break };
        client = ip.to_canonical();
        if !trusted(client, proxies) {
            break;
        }
    }
    SocketAddr::new(client, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(lines: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for l in lines {
            h.append("x-forwarded-for", l.parse().expect("header"));
        }
        h
    }

    fn peer(ip: &str) -> SocketAddr {
        SocketAddr::new(ip.parse().expect("ip"), 4000)
    }

    #[test]
    fn entries_are_networks_or_addresses() {
        let nets = parse(&["10.0.0.0/8".into(), " 192.168.1.7 ".into(), "::1".into()]).unwrap();
        assert_eq!(nets.len(), 3);
        assert!(trusted("192.168.1.7".parse().unwrap(), &nets));
        assert!(!trusted("192.168.1.8".parse().unwrap(), &nets));
        assert!(trusted("::ffff:10.9.9.9".parse().unwrap(), &nets));
        let err = parse(&["10.0.0.0/33".into()]).unwrap_err();
        assert!(err.contains("10.0.0.0/33"), "{err}");
        assert!(parse(&["proxy.internal".into()]).is_err());
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_sends() {
        let nets = parse(&["10.0.0.0/8".into()]).unwrap();
        let h = headers(&["1.2.3.4"]);
        assert_eq!(client(peer("203.0.113.5"), &h, &nets), peer("203.0.113.5"));
        // No proxies configured: the header is never read.
        assert_eq!(client(peer("10.0.0.1"), &h, &[]), peer("10.0.0.1"));
    }

    #[test]
    fn the_first_untrusted_hop_from_the_right_is_the_client() {
        let nets = parse(&["10.0.0.0/8".into()]).unwrap();
        let ip = |s: &str| {
            client(peer("10.0.0.1"), &headers(&[s]), &nets)
                .ip()
                .to_string()
        };
        assert_eq!(ip("198.51.100.7"), "198.51.100.7");
        // What the client wrote itself (left of its own address) is ignored.
        assert_eq!(ip("6.6.6.6, 198.51.100.7"), "198.51.100.7");
        // A chain of trusted proxies is walked through.
        assert_eq!(ip("198.51.100.7, 10.2.2.2, 10.3.3.3"), "198.51.100.7");
        assert_eq!(ip("[2001:db8::1]:443"), "2001:db8::1");
        assert_eq!(ip("[2001:db8::2]"), "2001:db8::2");
        assert_eq!(
            budget_key("2001:db8:1:2:aaaa::1".parse().unwrap()).to_string(),
            "2001:db8:1:2::"
        );
        assert_eq!(
            budget_key("::ffff:192.0.2.9".parse().unwrap()).to_string(),
            "192.0.2.9"
        );
        assert_eq!(ip("[10.1.1.1]"), "10.0.0.1");
        assert_eq!(ip("198.51.100.7:5555"), "198.51.100.7");
        // Garbage stops the walk at the last hop that can be believed.
        assert_eq!(ip("198.51.100.7, garbage, 10.3.3.3"), "10.3.3.3");
        assert_eq!(ip("unknown"), "10.0.0.1");
        // Only trusted hops: the leftmost one is as far as anyone can tell.
        assert_eq!(ip("10.9.9.9, 10.3.3.3"), "10.9.9.9");
    }

    #[test]
    fn several_header_lines_are_one_list() {
        let nets = parse(&["10.0.0.0/8".into()]).unwrap();
        let h = headers(&["6.6.6.6", "198.51.100.7, 10.3.3.3"]);
        assert_eq!(
            client(peer("10.0.0.1"), &h, &nets).ip().to_string(),
            "198.51.100.7"
        );
        let h = headers(&["198.51.100.7", "10.3.3.3"]);
        assert_eq!(
            client(peer("10.0.0.1"), &h, &nets).ip().to_string(),
            "198.51.100.7"
        );
        // No header from a trusted proxy: the proxy is the client.
        assert_eq!(
            client(peer("10.0.0.1"), &HeaderMap::new(), &nets),
            peer("10.0.0.1")
        );
    }
}
