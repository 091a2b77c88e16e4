//! CORS for browser-based MCP clients whose Origin is allowed (`[server] allowed_origins`, or
//! loopback pages by default): preflights are answered, and responses name the MCP headers a
//! browser client must send and read. Other origins get no CORS headers (and rmcp's Origin check
//! answers their requests 403, as before).

use axum::http::{HeaderName, HeaderValue, Method, header};
use tower_http::cors::{AllowOrigin, CorsLayer};

const MCP_HEADERS: &[&str] = &["mcp-session-id", "mcp-protocol-version", "last-event-id"];

/// Whether `origin` matches one of `patterns`: exact (`https://app.example`), or with any port
/// (`http://localhost:*`), as rmcp's Origin validation reads them.
pub(crate) fn origin_allowed(origin: &str, patterns: &[String]) -> bool {
    patterns.iter().any(|p| match p.strip_suffix(":*") {
        Some(base) => {
            origin == base
                || origin
                    .strip_prefix(base)
                    .and_then(|rest| rest.strip_prefix(':'))
                    .is_some_and(|port| {
                        !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit())
                    })
        }
        None => p.eq_ignore_ascii_case(origin),
    })
}

pub(crate) fn layer(patterns: Vec<String>) -> CorsLayer {
    let names = |extra: &[HeaderName]| -> Vec<HeaderName> {
        MCP_HEADERS
            .iter()
            .map(|h| HeaderName::from_static(h))
            .chain(extra.iter().cloned())
            .collect()
    };
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin: &HeaderValue, _| {
            origin.to_str().is_ok_and(|o| origin_allowed(o, &patterns))
        }))
        .allow_methods([Method::GET, Method::POST, Method::DELETE, Method::OPTIONS])
        .allow_headers(names(&[
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::AUTHORIZATION,
        ]))
        .expose_headers(names(&[header::WWW_AUTHENTICATE]))
        .max_age(std::time::Duration::from_secs(3600))
}

#[cfg(test)]
mod tests {
    use super::origin_allowed;

    #[test]
    fn origin_patterns() {
        let p = vec![
            "http://localhost:*".to_string(),
            "https://app.example".to_string(),
        ];
        assert!(origin_allowed("http://localhost:6274", &p));
        assert!(origin_allowed("http://localhost", &p));
        assert!(origin_allowed("https://app.example", &p));
        assert!(!origin_allowed("http://localhost.evil.example", &p));
        assert!(!origin_allowed("http://localhost:80@evil", &p));
        assert!(!origin_allowed("https://app.example.evil", &p));
        assert!(!origin_allowed("https://evil.example", &p));
    }
}
