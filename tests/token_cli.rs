//! `sqlwarden token create|list|rotate|revoke` and `sqlwarden migrate`, driving the real binary
//! against a SQLite store in a temp dir and a PostgreSQL store on the throwaway cluster.
//! The issued tokens are then checked with the library's verifier on the same store.
#![allow(clippy::disallowed_methods)]

mod common;

use std::path::Path;
use std::process::{Command, Output};

use sqlwarden::auth::token::{AuthError, Tokens};
use sqlwarden::store::Store;

fn sqlwarden(store_url: &str, home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sqlwarden"))
        .args(args)
        .env("SQLWARDEN_STORE_URL", store_url)
        .env("XDG_DATA_HOME", home)
        .env("HOME", home)
        .env_remove("SQLWARDEN_CONFIG")
        .env_remove("DATABASE_URL")
        .output()
        .expect("the binary runs")
}

fn ok(store_url: &str, home: &Path, args: &[&str]) -> String {
    let out = sqlwarden(store_url, home, args);
    assert!(
        out.status.success(),
        "sqlwarden {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 stdout")
}

fn secret_of(token: &str) -> &str {
    token.rsplit('_').next().expect("token has a secret")
}

/// The whole lifecycle on one store; returns every secret issued.
async fn lifecycle(url: &str, home: &Path) -> Vec<String> {
    let out = ok(url, home, &["migrate"]);
    // Up to date: the store's version is the newest this binary knows for its backend.
    let versions: Vec<i64> = out
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    assert!(
        out.contains("schema version") && versions.len() >= 2,
        "{out}"
    );
    let (applied, known) = (versions[versions.len() - 2], versions[versions.len() - 1]);
    assert!(applied == known && applied >= 2, "{out}");

    // Plain create: the token alone on stdout.
    let out = ok(
        url,
        home,
        &[
            "token",
            "create",
            "--role",
            "analyst",
            "--principal",
            "ana",
            "--attr",
            "region=eu",
            "--expires",
            "30d",
        ],
    );
    let plain = out.trim().to_string();
    assert!(plain.starts_with("swd_") && plain.len() == 81, "{out}");

    // --json: id and token (and the description).
    let out = ok(
        url,
        home,
        &[
            "token",
            "create",
            "--role",
            "support",
            "--principal",
            "bob",
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).expect("create --json is JSON");
    let id = v["id"].as_str().expect("id").to_string();
    let token = v["token"].as_str().expect("token").to_string();
    assert!(token.starts_with(&format!("swd_{id}_")));
    assert_eq!(v["principal"], "bob");
    assert_eq!(v["role"], "support");
    assert!(v["expires_at"].is_null());
    assert!(v["attrs"].is_object());

    let list = ok(url, home, &["token", "list"]);
    assert!(list.contains(&id) && list.contains("active") && list.contains("region=eu"));
    let list_json = ok(url, home, &["token", "list", "--json"]);
    let arr: serde_json::Value = serde_json::from_str(&list_json).expect("list --json is JSON");
    assert_eq!(arr.as_array().map(Vec::len), Some(2));
    for s in [secret_of(&plain), secret_of(&token)] {
        assert!(
            !list.contains(s) && !list_json.contains(s),
            "list shows no secret"
        );
    }

    // Rotate with a grace: old and new both work; then revoke.
    let out = ok(
        url,
        home,
        &["token", "rotate", &id, "--grace", "1h", "--json"],
    );
    let v: serde_json::Value = serde_json::from_str(&out).expect("rotate --json is JSON");
    let rotated = v["token"].as_str().expect("token").to_string();
    assert_ne!(rotated, token);
    let tokens = Tokens::new(Store::open(url).await.expect("store opens")).expect("tokens");
    let p = tokens.verify(&plain).await.expect("plain token verifies");
    assert_eq!((p.name.as_str(), p.role.as_str()), ("ana", "analyst"));
    assert_eq!(p.attrs.get("region").map(String::as_str), Some("eu"));
    assert!(
        tokens.verify(&token).await.is_ok(),
        "old secret inside grace"
    );
    assert!(tokens.verify(&rotated).await.is_ok());

    ok(url, home, &["token", "revoke", &id]);
    let list = ok(url, home, &["token", "list"]);
    assert!(list.contains("revoked"), "{list}");
    let fresh = Tokens::new(Store::open(url).await.expect("store opens")).expect("tokens");
    assert!(matches!(
        fresh.verify(&rotated).await,
        Err(AuthError::Invalid)
    ));
    assert!(matches!(
        fresh.verify(&token).await,
        Err(AuthError::Invalid)
    ));

    let out = sqlwarden(url, home, &["token", "revoke", "000000000000"]);
    assert!(!out.status.success(), "revoking an unknown id fails");
    [plain, token, rotated]
        .iter()
        .map(|t| secret_of(t).to_string())
        .collect()
}

fn assert_refused_as_newer(url: &str, home: &Path) {
    let out = sqlwarden(url, home, &["token", "list"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("was migrated by a newer sqlwarden (version 9999); upgrade sqlwarden"),
        "{err}"
    );
    assert!(!err.contains("postgres://"), "no URL in errors: {err}");
    let out = sqlwarden(url, home, &["migrate"]);
    assert!(!out.status.success());
}

#[tokio::test]
async fn token_lifecycle_on_sqlite() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("gov/store.db");
    let url = format!("sqlite://{}", path.display());
    let secrets = lifecycle(&url, dir.path()).await;

    // Only hashes on disk (the database file and any WAL beside it).
    for file in ["store.db", "store.db-wal"] {
        let bytes = std::fs::read(dir.path().join("gov").join(file)).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "secret found in {file}");
        }
    }

    // A store from the future is refused.
    {
        use sqlx::Connection;
        let mut c = sqlx::SqliteConnection::connect(&url)
            .await
            .expect("connect");
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (9999, 'from the future', TRUE, X'00', 0)",
        )
        .execute(&mut c)
        .await
        .expect("insert future migration");
        c.close().await.expect("close");
    }
    assert_refused_as_newer(&url, dir.path());
}

#[tokio::test]
async fn token_lifecycle_on_postgres() {
    let cluster = common::pg::cluster();
    let db = cluster.fresh_db();
    let url = cluster.url(&db);
    let home = tempfile::tempdir().expect("temp dir");
    let secrets = lifecycle(&url, home.path()).await;

    let stored = cluster
        .query_text(
            &db,
            "SELECT concat_ws(' ', id, attrs, secret_hash, previous_hash) FROM tokens",
        )
        .join("\n");
    assert!(
        stored.contains("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{stored}"
    );
    for s in &secrets {
        assert!(!stored.contains(s.as_str()), "secret stored in clear");
    }

    cluster.execute(
        &db,
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (9999, 'from the future', TRUE, '\\x00'::bytea, 0)",
    );
    assert_refused_as_newer(&url, home.path());
}
