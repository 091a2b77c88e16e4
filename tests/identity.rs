//! Token identity over real HTTP: each token's principal gets its own role, attributes and rows;
//! every bad credential gets the same 401; rotation and revocation are honoured, across two
//! sqlwarden processes that share a PostgreSQL governance store.
#![allow(clippy::disallowed_methods)]

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use rmcp::ServiceExt;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use serde_json::json;

use common::mcp::{HttpServer, auth_status, call, error_code, http_server, text};

/// `sqlwarden token ...` against `store`; stdout.
fn token_cli(store: &str, args: &[&str]) -> String {
    let out = Command::new(common::bin())
        .arg("token")
        .args(args)
        .env("SQLWARDEN_STORE_URL", store)
        .env_remove("SQLWARDEN_CONFIG")
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "token {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Create a token; returns (id, token).
fn create(
    store: &str,
    principal: &str,
    role: &str,
    attrs: &[&str],
    extra: &[&str],
) -> (String, String) {
    let mut args = vec!["create", "--role", role, "--principal", principal, "--json"];
    for a in attrs {
        args.extend(["--attr", a]);
    }
    args.extend(extra);
    let out: serde_json::Value = serde_json::from_str(&token_cli(store, &args)).expect("json");
    (
        out["id"].as_str().expect("id").to_string(),
        out["token"].as_str().expect("token").to_string(),
    )
}

async fn server(dir: &Path, store: &str) -> HttpServer {
    server_with(dir, store, "").await
}

/// A token-auth server; `server_extra` goes into its `[server]` table.
async fn server_with(dir: &Path, store: &str, server_extra: &str) -> HttpServer {
    std::fs::create_dir_all(dir).expect("dir");
    let policies = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let config = common::mcp::config_file(
        dir,
        &common::sqlite_url(&common::sqlite_demo()),
        &format!(
            "[policies]\ndir = \"{}\"\n[server]\nauth = \"token\"\n{server_extra}[store]\nurl = \"{store}\"\n",
            policies.display()
        ),
    );
    http_server(&config).await
}

const LIST_TABLES: &str = r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_tables","arguments":{}}}"#;

/// A `list_tables` call with `token`, sent as forwarded for `forwarded_for`; the status.
async fn status_via_proxy(url: &str, token: &str, forwarded_for: &str) -> u16 {
    reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2025-06-18")
        .header("authorization", format!("Bearer {token}"))
        .header("x-forwarded-for", forwarded_for)
        .body(LIST_TABLES)
        .send()
        .await
        .expect("request")
        .status()
        .as_u16()
}

async fn regions_seen(url: &str, token: &str) -> serde_json::Value {
    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(url.to_string())
            .auth_header(token.to_string()),
    );
    let client = ().serve(transport).await.expect("initialize with a token");
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT DISTINCT region FROM customers ORDER BY region"}),
    )
    .await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    r.structured_content.expect("structured")["rows"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_give_each_caller_its_principal_and_bad_ones_get_one_401() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = format!("sqlite://{}", dir.path().join("store.db").display());
    let (_, north) = create(&store, "ana", "analyst", &["region=north"], &[]);
    let (_, south) = create(&store, "bo", "analyst", &["region=south"], &[]);
    let (_, admin) = create(&store, "dba", "readonly_admin", &[], &[]);
    let (revoked_id, revoked) = create(&store, "eve", "analyst", &["region=north"], &[]);
    let (_, expiring) = create(
        &store,
        "tmp",
        "analyst",
        &["region=north"],
        &["--expires", "1s"],
    );
    let (rotated_id, old) = create(&store, "rot", "analyst", &["region=north"], &[]);
    let server = server(&dir.path().join("a"), &store).await;

    // Two principals of one role see only their own region; the admin sees every region.
    assert_eq!(regions_seen(&server.url, &north).await, json!([["north"]]));
    assert_eq!(regions_seen(&server.url, &south).await, json!([["south"]]));
    assert_eq!(
        regions_seen(&server.url, &admin).await,
        json!([["east"], ["north"], ["south"], ["west"]])
    );

    // Revoked, rotated (inside and after its grace), expired: honoured by the running server.
    assert_eq!(auth_status(&server.url, Some(&revoked)).await.0, 200);
    token_cli(&store, &["revoke", &revoked_id]);
    let rotated: serde_json::Value = serde_json::from_str(&token_cli(
        &store,
        &["rotate", &rotated_id, "--grace", "1h", "--json"],
    ))
    .expect("json");
    let new = rotated["token"].as_str().expect("token").to_string();
    assert_eq!(
        auth_status(&server.url, Some(&old)).await.0,
        200,
        "old secret inside its grace"
    );
    assert_eq!(
        auth_status(&server.url, Some(&new)).await.0,
        200,
        "new secret"
    );
    let rotated_again: serde_json::Value = serde_json::from_str(&token_cli(
        &store,
        &["rotate", &rotated_id, "--grace", "0s", "--json"],
    ))
    .expect("json");
    let newest = rotated_again["token"].as_str().expect("token").to_string();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    // The revocation and rotation were made by another process: the server's verification
    // cache (10 s) bounds how long it may still accept them.
    for (why, token) in [("revoked", &revoked), ("rotated out", &old)] {
        while auth_status(&server.url, Some(token)).await.0 != 401 {
            assert!(
                Instant::now() < deadline,
                "{why} token still accepted after the bound"
            );
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
    assert_eq!(auth_status(&server.url, Some(&newest)).await.0, 200);

    // Every bad credential: the same 401 with WWW-Authenticate: Bearer, nothing else told.
    let mut wrong_secret = north.clone();
    wrong_secret.pop();
    wrong_secret.push(if north.ends_with('0') { '1' } else { '0' });
    let mut bodies = Vec::new();
    for (why, token) in [
        ("none", None),
        ("malformed", Some("not-a-token")),
        ("unknown id", Some("swd_000000000000_00")),
        ("wrong secret", Some(wrong_secret.as_str())),
        ("revoked", Some(revoked.as_str())),
        ("expired", Some(expiring.as_str())),
        ("rotated out", Some(old.as_str())),
    ] {
        let (code, challenge) = auth_status(&server.url, token).await;
        assert_eq!(code, 401, "{why}");
        assert_eq!(challenge.as_deref(), Some("Bearer"), "{why}");
        bodies.push(
            reqwest::Client::new()
                .post(&server.url)
                .header("authorization", format!("Bearer {}", token.unwrap_or("")))
                .body("{}")
                .send()
                .await
                .expect("request")
                .text()
                .await
                .expect("body"),
        );
    }
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "every refusal reads the same: {bodies:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_sharing_a_postgres_store_honour_a_revocation() {
    let cluster = common::pg::cluster();
    let store = cluster.url(&cluster.fresh_db());
    let (id, token) = create(&store, "ana", "analyst", &["region=north"], &[]);
    let dir = tempfile::tempdir().expect("tempdir");
    let one = server(&dir.path().join("one"), &store).await;
    let two = server(&dir.path().join("two"), &store).await;
    assert_eq!(regions_seen(&one.url, &token).await, json!([["north"]]));
    assert_eq!(regions_seen(&two.url, &token).await, json!([["north"]]));
    token_cli(&store, &["revoke", &id]);
    let deadline = Instant::now() + Duration::from_secs(15);
    for server in [&one, &two] {
        while auth_status(&server.url, Some(&token)).await.0 != 401 {
            assert!(
                Instant::now() < deadline,
                "a replica still accepts a revoked token after the documented bound"
            );
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_that_keeps_failing_is_refused_before_any_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = format!("sqlite://{}", dir.path().join("store.db").display());
    let (_, good) = create(&store, "ana", "analyst", &["region=north"], &[]);
    let (_, busy) = create(&store, "bo", "analyst", &["region=south"], &[]);
    let server = server(&dir.path().join("a"), &store).await;
    // A caller at work from the same address (a NAT, a proxy) before the guessing starts.
    assert_eq!(auth_status(&server.url, Some(&busy)).await.0, 200);
    let mut codes = Vec::new();
    for i in 0..30 {
        let guess = format!("swd_{i:012x}_00");
        codes.push(auth_status(&server.url, Some(&guess)).await.0);
    }
    assert!(codes.iter().take(20).all(|c| *c == 401), "{codes:?}");
    assert_eq!(codes.last(), Some(&429), "{codes:?}");
    // The address is refused for a while before any credential is checked: a token not seen
    // lately is refused too, valid or not...
    assert_eq!(auth_status(&server.url, Some(&good)).await.0, 429);
    assert_eq!(
        auth_status(&server.url, Some("swd_00000000ffff_00"))
            .await
            .0,
        429
    );
    assert_eq!(auth_status(&server.url, None).await.0, 429);
    // ...but a token verified seconds ago costs nothing to check and keeps working.
    assert_eq!(auth_status(&server.url, Some(&busy)).await.0, 200);
    assert_eq!(regions_seen(&server.url, &busy).await, json!([["south"]]));
}

/// A guess whose client hangs up while its secret is checked counts as a failure: such
/// guesses were never counted (no lockout however many were sent), and each freed its argon2
/// slot while its 19 MiB verification ran on, so they ran without bound (2.8 GB in a red-team
/// run). The slot is now held until the verification ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guesses_abandoned_mid_check_count_as_failures() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = format!("sqlite://{}", dir.path().join("store.db").display());
    let (id, good) = create(&store, "ana", "analyst", &["region=north"], &[]);
    let server = server(&dir.path().join("a"), &store).await;
    let guess = format!("swd_{id}_{}", "0".repeat(64));
    // How long one check of a wrong secret takes here (argon2; a debug build is slow).
    let started = Instant::now();
    assert_eq!(auth_status(&server.url, Some(&guess)).await.0, 401);
    let check = started.elapsed();
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(30).min(check / 2))
        .build()
        .expect("client");
    // 24 more (the budget of 20 a minute refills as they go), each given up mid-check (its
    // check began: the slots are free), one at a time. A check can end sooner than the first
    // (which ran cold, beside other tests): a few may be answered 401 before the client gives
    // up. Were abandoned guesses not counted, the at most 1 + 8 answered would stay within
    // the budget and the address would not be refused below.
    let mut answered = 0;
    for _ in 0..24 {
        let sent = impatient
            .post(&server.url)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .header("authorization", format!("Bearer {guess}"))
            .body(LIST_TABLES)
            .send()
            .await;
        // (gave up before the answer, or refused at once once the address is blocked)
        match sent.as_ref().map(|r| r.status().as_u16()) {
            Err(_) | Ok(429) => {}
            Ok(401) => answered += 1,
            Ok(_) => panic!("{sent:?}"),
        }
        tokio::time::sleep(check + Duration::from_millis(50)).await;
    }
    assert!(
        answered <= 8,
        "{answered} of 24 guesses were answered, not abandoned"
    );
    // Counted once each, dropped or answered: the address is refused now, even with a valid
    // token it has not used before.
    assert_eq!(auth_status(&server.url, Some(&guess)).await.0, 429);
    assert_eq!(auth_status(&server.url, Some(&good)).await.0, 429);
}

/// Tokens checked with argon2 so far (`/metrics`).
async fn argon2_runs(server: &HttpServer) -> u64 {
    let text = common::process::body(&format!("{}/metrics", server.base)).await;
    text.lines()
        .find(|l| l.starts_with("sqlwarden_token_verifications_total{path=\"argon2\"}"))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse::<f64>().ok())
        .map_or(0, |v| v as u64)
}

/// Many requests bringing one token at once are checked once: the others wait for that check
/// and find the token verified (500 at once each ran argon2, took both slots for 14 s and
/// locked every other token out, a red-team finding). A request dropped while it waits for
/// its turn cost nothing and is no guess: a valid token's client that gave up in the queue
/// was locked out after 20 such.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_sent_many_times_at_once_is_hashed_once_and_waiting_is_no_guess() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = format!("sqlite://{}", dir.path().join("store.db").display());
    let (_, good) = create(&store, "ana", "analyst", &["region=north"], &[]);
    let (_, impatient_token) = create(&store, "bo", "analyst", &["region=south"], &[]);
    let (_, later) = create(&store, "cy", "analyst", &["region=east"], &[]);
    let server = server(&dir.path().join("a"), &store).await;
    let before = argon2_runs(&server).await;
    let at_once: Vec<_> = (0..40)
        .map(|_| {
            let (url, token) = (server.url.clone(), good.clone());
            tokio::spawn(async move { auth_status(&url, Some(&token)).await.0 })
        })
        .collect();
    for call in at_once {
        assert_eq!(call.await.expect("request"), 200);
    }
    let after = argon2_runs(&server).await;
    assert_eq!(after - before, 1, "one argon2 check for 40 requests");

    // 30 requests with another valid token, given up after a millisecond: all but the one
    // that was checking were waiting for its check, and count for nothing.
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(1))
        .build()
        .expect("client");
    let dropped: Vec<_> = (0..30)
        .map(|_| {
            let (client, url, token) = (
                impatient.clone(),
                server.url.clone(),
                impatient_token.clone(),
            );
            tokio::spawn(async move {
                let _ = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("accept", "application/json, text/event-stream")
                    .header("authorization", format!("Bearer {token}"))
                    .body(LIST_TABLES)
                    .send()
                    .await;
            })
        })
        .collect();
    for d in dropped {
        d.await.expect("request");
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    // The address is not refused: a token never seen before is checked and accepted.
    assert_eq!(auth_status(&server.url, Some(&later)).await.0, 200);
}

/// Guesses sent all at once from one address are checked at most 20 at a time (failures are
/// counted as checks end, so 1,000 queued at once were all checked with argon2, a red-team
/// finding); the rest are refused at once. (The budget of 20 failures a minute refills one
/// every 3 s: on a slow machine, whose checks take that long, one more may be checked.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guesses_sent_at_once_are_checked_at_most_twenty_at_a_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = format!("sqlite://{}", dir.path().join("store.db").display());
    let (id, _) = create(&store, "ana", "analyst", &["region=north"], &[]);
    let server = server(&dir.path().join("a"), &store).await;
    let before = argon2_runs(&server).await;
    // Each guess on a connection opened beforehand, all sent together: a client's set-up on a
    // busy machine would otherwise spread them over long enough for the first checks to end
    // (and their places to free) before the last guesses arrive.
    let health = server.url.replace("/mcp", "/healthz");
    let mut clients = Vec::new();
    for _ in 0..60 {
        let client = reqwest::Client::new();
        client.get(&health).send().await.expect("healthz");
        clients.push(client);
    }
    let go = std::sync::Arc::new(tokio::sync::Barrier::new(60));
    let started = Instant::now();
    let guesses: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(i, client)| {
            let (url, guess, go) = (server.url.clone(), format!("swd_{id}_{i:064x}"), go.clone());
            tokio::spawn(async move {
                go.wait().await;
                let r = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("accept", "application/json, text/event-stream")
                    .header("mcp-protocol-version", "2025-06-18")
                    .header("authorization", format!("Bearer {guess}"))
                    .body(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}"#)
                    .send()
                    .await
                    .expect("request");
                r.status().as_u16()
            })
        })
        .collect();
    let mut codes = Vec::new();
    for g in guesses {
        codes.push(g.await.expect("request"));
    }
    let refilled = started.elapsed().as_secs() / 3;
    let checked = argon2_runs(&server).await - before;
    assert!(
        checked <= 20 + refilled,
        "{checked} guesses checked in {:?}: {codes:?}",
        started.elapsed()
    );
    assert!(codes.iter().all(|c| *c == 401 || *c == 429), "{codes:?}");
    let refused = codes.iter().filter(|c| **c == 429).count() as u64;
    assert_eq!(refused, 60 - checked, "{codes:?}");
}

/// Guesses from many clients (each under its failure budget) cost argon2 verifications of
/// 19 MiB each, at most one per CPU at a time; once they end, that memory is the system's
/// again. It was not: glibc served every verification after the first from a thread's arena
/// and kept it there (378 MiB resident after 480 guesses, 611 MiB after a second flood).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_wrong_secrets_leaves_no_memory_behind() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = format!("sqlite://{}", dir.path().join("store.db").display());
    let (id, good) = create(&store, "ana", "analyst", &["region=north"], &[]);
    let server = server_with(
        &dir.path().join("a"),
        &store,
        "trusted_proxies = [\"127.0.0.0/8\"]\n",
    )
    .await;
    assert_eq!(
        status_via_proxy(&server.url, &good, "198.51.100.1").await,
        200
    );
    let before = common::process::status_mib(server.pid(), "VmRSS").unwrap_or(0);
    let before_runs = argon2_runs(&server).await;
    // 16 clients at once, 10 guesses each (under the 20 a minute that block a client).
    let clients: Vec<_> = (0..16)
        .map(|c| {
            let url = server.url.clone();
            let id = id.clone();
            tokio::spawn(async move {
                let mut codes = Vec::new();
                for g in 0..10 {
                    let guess = format!("swd_{id}_{:064x}", c * 100 + g);
                    let client = format!("203.0.113.{c}");
                    codes.push(status_via_proxy(&url, &guess, &client).await);
                }
                codes
            })
        })
        .collect();
    for c in clients {
        let codes = c.await.expect("client");
        assert!(codes.iter().all(|c| *c == 401), "{codes:?}");
    }
    assert_eq!(argon2_runs(&server).await - before_runs, 160);
    let after = common::process::status_mib(server.pid(), "VmRSS").unwrap_or(u64::MAX);
    assert!(
        after < before + 48,
        "resident {before} MiB before 160 wrong secrets, {after} MiB after"
    );
    // The valid token still works from its client.
    assert_eq!(
        status_via_proxy(&server.url, &good, "198.51.100.1").await,
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_without_credentials_count_as_failures() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = format!("sqlite://{}", dir.path().join("store.db").display());
    let server = server(&dir.path().join("a"), &store).await;
    let mut codes = Vec::new();
    for _ in 0..30 {
        codes.push(auth_status(&server.url, None).await.0);
    }
    assert!(codes.iter().take(20).all(|c| *c == 401), "{codes:?}");
    assert_eq!(codes.last(), Some(&429), "{codes:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_the_forwarded_address_is_the_client() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = format!("sqlite://{}", dir.path().join("store.db").display());
    let (_, good) = create(&store, "ana", "analyst", &["region=north"], &[]);
    let server = server_with(
        &dir.path().join("a"),
        &store,
        "trusted_proxies = [\"127.0.0.0/8\", \"10.0.0.0/8\"]\n",
    )
    .await;
    // One client behind the proxy guesses; what it writes into the header itself (left of
    // the address the proxy appended) is ignored.
    let mut codes = Vec::new();
    for i in 0..30 {
        let guess = format!("swd_{i:012x}_00");
        let forwarded = format!("203.0.113.{i}, 198.51.100.7, 10.1.1.1");
        codes.push(status_via_proxy(&server.url, &guess, &forwarded).await);
    }
    assert!(codes.iter().take(20).all(|c| *c == 401), "{codes:?}");
    assert_eq!(codes.last(), Some(&429), "{codes:?}");
    assert_eq!(
        status_via_proxy(&server.url, &good, "198.51.100.7").await,
        429,
        "the guesser is refused, even with a valid token"
    );
    // Another client behind the same proxy is not.
    assert_eq!(
        status_via_proxy(&server.url, &good, "198.51.100.8").await,
        200
    );
    // The audit trail names the clients, not the proxy.
    let config = dir.path().join("a").join("sqlwarden.toml");
    let records = common::mcp::audit_records(&config);
    let clients: Vec<&str> = records
        .iter()
        .map(|r| r["client"].as_str().unwrap_or(""))
        .collect();
    // 20 refusals of guesses, then the blocked address's 429s: the first of each second
    // recorded (the rest only counted), then the other client's call.
    assert!((22..=25).contains(&clients.len()), "{clients:?}");
    let (last, guesser) = clients.split_last().expect("records");
    assert!(guesser.iter().all(|c| *c == "198.51.100.7"), "{clients:?}");
    assert_eq!(*last, "198.51.100.8");
}
