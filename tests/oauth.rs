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
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some("k1".into());
    jsonwebtoken::encode(&header, &claims, &EncodingKey::from_ed_der(&s.pkcs8)).expect("sign")
}

fn claims(sub: &str, region: &str) -> serde_json::Value {
    json!({
        "iss": ISSUER, "aud": AUDIENCE, "sub": sub, "exp": now() + 600, "nbf": now() - 10,
        "groups": ["staff", "sales-analysts"], "sales_region": region,
    })
}

fn write_config(dir: &Path, s: &Signer) -> std::path::PathBuf {
    let x = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&s.public);
    let jwks = json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": x, "kid": "k1", "alg": "EdDSA", "use": "sig"}]});
    std::fs::write(dir.join("jwks.json"), jwks.to_string()).expect("jwks");
    let policies = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    common::mcp::config_file(
        dir,
        &common::sqlite_url(&common::sqlite_demo()),
        &format!(
            "[policies]\ndir = \"{}\"\n[server]\nauth = \"oauth\"\n[server.oauth]\nissuer = \"{ISSUER}\"\naudience = \"{AUDIENCE}\"\n\
             jwks_file = \"jwks.json\"\nrole_claim = \"groups\"\nroles = {{ \"sales-analysts\" = \"analyst\" }}\n\
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
