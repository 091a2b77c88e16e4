//! OAuth 2.1 resource server over real HTTP: JWTs signed by a key the test generates, checked
//! against a JWKS file; claims mapped to role and region; every bad token refused with the same
//! 401 and a `WWW-Authenticate` that points to the RFC 9728 metadata.

mod common;

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ring::signature::{Ed25519KeyPair, KeyPair};
use rmcp::ServiceExt;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use serde_json::json;

use common::mcp::{auth_status, call, error_code, http_server, text};

const ISSUER: &str = "https://auth.example.test";
const AUDIENCE: &str = "sqlwarden-test";

struct Signer {
    pkcs8: Vec<u8>,
    public: Vec<u8>,
}

fn signer() -> Signer {
    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).expect("key");
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).expect("pair");
    Signer {
        pkcs8: pkcs8.as_ref().to_vec(),
        public: pair.public_key().as_ref().to_vec(),
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

fn jwt(s: &Signer, claims: serde_json::Value) -> String {
    jwt_kid(s, "k1", claims)
}

fn jwt_kid(s: &Signer, kid: &str, claims: serde_json::Value) -> String {
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(kid.into());
    jsonwebtoken::encode(&header, &claims, &EncodingKey::from_ed_der(&s.pkcs8)).expect("sign")
}

fn claims(sub: &str, region: &str) -> serde_json::Value {
    json!({
        "iss": ISSUER, "aud": AUDIENCE, "sub": sub, "exp": now() + 600, "nbf": now() - 10,
        "groups": ["staff", "sales-analysts"], "sales_region": region,
    })
}

fn jwks(keys: &[(&str, &Signer)]) -> serde_json::Value {
    let keys: Vec<_> = keys
        .iter()
        .map(|(kid, s)| {
            let x = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&s.public);
            json!({"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "alg": "EdDSA", "use": "sig"})
        })
        .collect();
    json!({ "keys": keys })
}

fn write_config(dir: &Path, s: &Signer) -> std::path::PathBuf {
    std::fs::write(dir.join("jwks.json"), jwks(&[("k1", s)]).to_string()).expect("jwks");
    oauth_config(dir, "jwks_file = \"jwks.json\"")
}

fn oauth_config(dir: &Path, key_source: &str) -> std::path::PathBuf {
    let policies = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    common::mcp::config_file(
        dir,
        &common::sqlite_url(&common::sqlite_demo()),
        &format!(
            "[policies]\ndir = \"{}\"\n[server]\nauth = \"oauth\"\n[server.oauth]\nissuer = \"{ISSUER}\"\naudience = \"{AUDIENCE}\"\n\
             {key_source}\nrole_claim = \"groups\"\nroles = {{ \"sales-analysts\" = \"analyst\" }}\n\
             attrs = {{ region = \"sales_region\" }}\n",
            policies.display()
        ),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jwt_callers_are_mapped_by_claims_and_bad_tokens_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = signer();
    let server = http_server(&write_config(dir.path(), &key)).await;

    // No token: 401 pointing at the protected-resource metadata, which names the issuer.
    let (status, challenge) = auth_status(&server.url, None).await;
    assert_eq!(status, 401);
    let challenge = challenge.expect("WWW-Authenticate");
    assert!(
        challenge.starts_with("Bearer resource_metadata=\""),
        "{challenge}"
    );
    let metadata: serde_json::Value = reqwest::get(format!(
        "{}/.well-known/oauth-protected-resource",
        server.base
    ))
    .await
    .expect("metadata")
    .json()
    .await
    .expect("json");
    assert_eq!(metadata["authorization_servers"], json!([ISSUER]));
    assert!(challenge.contains("/.well-known/oauth-protected-resource"));

    // Every bad token gets the same answer.
    let other = signer();
    let mut cases = vec![("malformed", "not-a-jwt".to_string())];
    for (why, field, value) in [
        ("wrong audience", "aud", json!("someone-else")),
        ("wrong issuer", "iss", json!("https://evil.example")),
        ("expired", "exp", json!(now() - 3600)),
        ("not yet valid", "nbf", json!(now() + 3600)),
        ("no mapped role", "groups", json!(["staff"])),
    ] {
        let mut c = claims("eve", "north");
        c[field] = value;
        cases.push((why, jwt(&key, c)));
    }
    cases.push(("signed by another key", jwt(&other, claims("eve", "north"))));
    let hs = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims("eve", "north"),
        &EncodingKey::from_secret(b"a-guessable-secret-of-32-bytes!!").expect("hmac key"),
    )
    .expect("hs256");
    cases.push(("symmetric algorithm", hs));
    for (why, token) in &cases {
        let (status, challenge) = auth_status(&server.url, Some(token)).await;
        assert_eq!(status, 401, "{why}");
        assert!(challenge.is_some(), "{why}: WWW-Authenticate");
    }

    // Two principals mapped to the same role see only their own region's rows.
    for region in ["north", "south"] {
        let token = jwt(&key, claims(&format!("ana-{region}"), region));
        let transport = StreamableHttpClientTransport::from_config(
            StreamableHttpClientTransportConfig::with_uri(server.url.clone()).auth_header(token),
        );
        let client = ().serve(transport).await.expect("initialize with a JWT");
        let r = call(
            &client,
            "query",
            json!({"sql": "SELECT DISTINCT region FROM customers"}),
        )
        .await;
        assert_eq!(error_code(&r), None, "{}", text(&r));
        let rows = &r.structured_content.as_ref().expect("structured")["rows"];
        assert_eq!(rows, &json!([[region]]), "{region}: {}", text(&r));
        // The analyst role from the claim mapping: personal columns stay hidden.
        let denied = call(
            &client,
            "query",
            json!({"sql": "SELECT email FROM customers"}),
        )
        .await;
        assert_eq!(error_code(&denied).as_deref(), Some("policy_denied"));
    }
}

/// An authorization server's JWKS endpoint on loopback, whose key set the test can change.
async fn jwks_endpoint(
    set: std::sync::Arc<std::sync::Mutex<serde_json::Value>>,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = hits.clone();
    let app = axum::Router::new().route(
        "/jwks",
        axum::routing::get(move || {
            let set = set.clone();
            let hits = counted.clone();
            async move {
                hits.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                axum::Json(set.lock().expect("jwks").clone())
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/jwks"), hits)
}

async fn query_region(url: &str, token: &str) -> Result<serde_json::Value, String> {
    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(url.to_string())
            .auth_header(token.to_string()),
    );
    let client = ().serve(transport).await.map_err(|e| e.to_string())?;
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT DISTINCT region FROM customers"}),
    )
    .await;
    match &r.structured_content {
        Some(s) if error_code(&r).is_none() => Ok(s["rows"].clone()),
        _ => Err(text(&r)),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jwks_url_is_fetched_and_a_rotated_key_is_picked_up_without_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (old, new) = (signer(), signer());
    let set = std::sync::Arc::new(std::sync::Mutex::new(jwks(&[("k1", &old)])));
    let (jwks_url, hits) = jwks_endpoint(set.clone()).await;
    let config = oauth_config(
        dir.path(),
        &format!("jwks_url = \"{jwks_url}\"\njwks_refresh = \"1s\""),
    );
    let server = http_server(&config).await;
    assert!(
        hits.load(std::sync::atomic::Ordering::SeqCst) >= 1,
        "fetched at start"
    );

    let rows = query_region(&server.url, &jwt_kid(&old, "k1", claims("ana", "north")))
        .await
        .expect("a token signed by the published key");
    assert_eq!(rows, json!([["north"]]));

    // A key the server has never seen is refused until the authorization server publishes it.
    let rotated = jwt_kid(&new, "k2", claims("ana", "south"));
    assert_eq!(auth_status(&server.url, Some(&rotated)).await.0, 401);

    // The authorization server rotates: k1 retired, k2 published. The server fetches the set
    // again (its cool-down is the 1 s refresh here) and accepts k2, refuses k1.
    *set.lock().expect("jwks") = jwks(&[("k2", &new)]);
    let mut accepted = None;
    // (Each refusal counts against this address's failure budget: poll gently.)
    for _ in 0..40 {
        let status = auth_status(&server.url, Some(&rotated)).await.0;
        assert_ne!(status, 429, "the failure budget ran out");
        if status != 401 {
            accepted = Some(query_region(&server.url, &rotated).await);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    let rows = accepted
        .expect("the rotated key is picked up")
        .expect("query with the rotated key");
    assert_eq!(rows, json!([["south"]]));
    let retired = jwt_kid(&old, "k1", claims("ana", "north"));
    let mut refused = false;
    for _ in 0..100 {
        if auth_status(&server.url, Some(&retired)).await.0 == 401 {
            refused = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(refused, "a key removed from the set stops working");
}

#[test]
fn the_server_refuses_to_start_when_the_jwks_url_cannot_be_fetched() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A loopback port nobody listens on.
    let port = common::free_port();
    let config = oauth_config(
        dir.path(),
        &format!("jwks_url = \"http://127.0.0.1:{port}/jwks\""),
    );
    let out = std::process::Command::new(common::bin())
        .args(["serve", "--config"])
        .arg(&config)
        .args(["--http", &format!("127.0.0.1:{}", common::free_port())])
        .output()
        .expect("run sqlwarden");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot fetch the JWKS") && stderr.contains(&port.to_string()),
        "{stderr}"
    );
}
