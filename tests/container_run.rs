//! What the container files describe, run without a container engine: the binary the way the
//! image runs it (the image's environment only, a non-root user, nothing writable but the data
//! directory, its own health check, token auth, SIGTERM), and the compose setup (the PostgreSQL
//! init script and sqlwarden's service environment) against a real PostgreSQL cluster.
#![allow(clippy::disallowed_methods)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use rmcp::ServiceExt;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use serde_json::json;

use common::deploy::*;
use common::mcp::{call, error_code, text};
use common::process::{Process, status};

/// The user the image runs as, for a test running as root (`None`: we are not root).
fn unprivileged() -> Option<u32> {
    let out = Command::new("id").arg("-u").output().expect("id -u");
    (String::from_utf8_lossy(&out.stdout).trim() == "0").then_some(65534)
}

/// `sqlwarden ARGS` with exactly `env`, as `uid` when given (setpriv execs: the pid is ours).
fn command(
    uid: Option<u32>,
    env: &BTreeMap<String, String>,
    cwd: &Path,
    args: &[String],
) -> Command {
    let mut c = match uid {
        Some(uid) => {
            let mut c = Command::new("setpriv");
            c.arg(format!("--reuid={uid}"))
                .arg(format!("--regid={uid}"))
                .arg("--clear-groups")
                .arg(common::bin());
            c
        }
        None => Command::new(common::bin()),
    };
    c.args(args).env_clear().envs(env).current_dir(cwd);
    c
}

fn chown(uid: Option<u32>, path: &Path) {
    if let Some(uid) = uid {
        let ok = Command::new("chown")
            .arg("-R")
            .arg(format!("{uid}:{uid}"))
            .arg(path)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(ok, "chown {}", path.display());
    }
}

fn read_only(path: &Path) {
    let ok = Command::new("chmod")
        .args(["-R", "a-w"])
        .arg(path)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(ok, "chmod a-w {}", path.display());
}

/// Every file under `dir`, relative.
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(
                    p.strip_prefix(dir)
                        .expect("under dir")
                        .display()
                        .to_string(),
                );
            }
        }
    }
    out.sort();
    out
}

fn uid_of(pid: u32) -> u32 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|u| u.parse().ok())
        .expect("effective uid")
}

async fn token_client(url: &str, token: &str) -> common::mcp::Client {
    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(url.to_string()).auth_header(token),
    );
    ().serve(transport).await.expect("initialize")
}

/// The image's ENV, with its paths moved under `root` (what the image's filesystem would be).
fn image_env(root: &Path) -> BTreeMap<String, String> {
    let stage = final_stage(&dockerfile());
    let moved = |v: &str| {
        ["/usr/share/sqlwarden", "/etc/sqlwarden", "/data"]
            .iter()
            .fold(v.to_string(), |v, prefix| {
                v.replace(prefix, &format!("{}{prefix}", root.display()))
            })
    };
    env_of(&stage)
        .iter()
        .map(|(k, v)| (k.clone(), moved(v)))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_runs_the_way_the_image_runs_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().to_path_buf();
    let _ = Command::new("chmod").arg("755").arg(&root).status();
    // The image's filesystem: demo database and policies read-only, /data writable.
    std::fs::create_dir_all(root.join("usr/share/sqlwarden")).expect("share");
    std::fs::copy(
        common::sqlite_demo(),
        root.join("usr/share/sqlwarden/demo.db"),
    )
    .expect("db");
    std::fs::create_dir_all(root.join("etc/sqlwarden/policies")).expect("policies");
    // As `COPY policies /etc/sqlwarden/policies` does: subdirectories (templates, prompts) too.
    let copied = std::process::Command::new("cp")
        .arg("-R")
        .arg(repo().join("policies").join("."))
        .arg(root.join("etc/sqlwarden/policies"))
        .status()
        .expect("cp runs");
    assert!(copied.success(), "copy policies");
    std::fs::create_dir_all(root.join("data")).expect("data");
    let uid = unprivileged();
    chown(uid, &root.join("data"));
    read_only(&root.join("usr"));
    read_only(&root.join("etc"));
    let before_ro = [files(&root.join("usr")), files(&root.join("etc"))];

    // Environment only (no config file, no HOME), the image's CMD on a free port.
    let env = image_env(&root);
    let port = common::free_port();
    let stage = final_stage(&dockerfile());
    let cmd: Vec<String> = json_array(&one(&stage, "CMD").args)
        .into_iter()
        .map(|a| a.replace(":8080", &format!(":{port}")))
        .collect();
    let server = Process::start(
        command(uid, &env, &root.join("data"), &cmd),
        port,
        root.join("stderr.log"),
    )
    .await;
    if let Some(uid) = uid {
        assert_eq!(
            uid_of(server.pid()),
            uid,
            "the server runs as the unprivileged user"
        );
    }
    // The HEALTHCHECK, as the image runs it.
    let health = [
        "healthcheck".to_string(),
        format!("http://127.0.0.1:{port}/healthz"),
    ];
    let ok = command(uid, &env, &root.join("data"), &health)
        .status()
        .expect("healthcheck");
    assert!(ok.success(), "healthcheck passes");
    let dead = common::free_port();
    let failed = command(
        uid,
        &env,
        &root.join("data"),
        &[
            "healthcheck".to_string(),
            format!("http://127.0.0.1:{dead}/healthz"),
        ],
    )
    .output()
    .expect("healthcheck");
    assert!(
        !failed.status.success(),
        "healthcheck fails when nothing answers"
    );
    assert_eq!(status(&format!("{}/readyz", server.base)).await, 200);
    assert_eq!(status(&format!("{}/metrics", server.base)).await, 200);
    // Token auth by default: refused without a token; `docker exec ... token create` works.
    let (code, _) = common::mcp::auth_status(&server.url, None).await;
    assert_eq!(code, 401);
    let created = command(
        uid,
        &env,
        &root.join("data"),
        &[
            "token",
            "create",
            "--role",
            "analyst",
            "--principal",
            "ann",
            "--attr",
            "region=north",
            "--json",
        ]
        .map(String::from),
    )
    .output()
    .expect("token create");
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let token: serde_json::Value = serde_json::from_slice(&created.stdout).expect("json");
    let client = token_client(&server.url, token["token"].as_str().expect("token")).await;
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT DISTINCT region FROM customers"}),
    )
    .await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    assert!(
        text(&r).contains("north") && !text(&r).contains("south"),
        "{}",
        text(&r)
    );
    let denied = call(
        &client,
        "query",
        json!({"sql": "SELECT email FROM customers"}),
    )
    .await;
    assert_eq!(error_code(&denied).as_deref(), Some("policy_denied"));
    drop(client);

    // Only /data was written to.
    assert_eq!(
        [files(&root.join("usr")), files(&root.join("etc"))],
        before_ro
    );
    assert!(
        files(&root.join("data"))
            .iter()
            .any(|f| f.starts_with("store.db"))
    );
    let mut server = server;
    server.terminate();
    let exit = server.wait_exit(Duration::from_secs(20)).await;
    assert!(
        exit.success(),
        "SIGTERM ends with exit 0: {exit}\n{}",
        server.log()
    );
    assert!(
        server.log().contains("sqlwarden serving"),
        "{}",
        server.log()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_compose_setup_works_against_real_postgres() {
    let pg = common::pg::cluster();
    let demo = pg.fresh_db();
    // The postgres service's init script, with the compose defaults, against our cluster.
    let doc = &yaml("docker-compose.yml")[0];
    let pg_env = compose_env(&doc["services"]["postgres"]);
    let mut init = Command::new("sh");
    init.arg(repo().join("deploy/compose/initdb-sqlwarden.sh"));
    for (k, v) in &pg_env {
        init.env(k, compose_defaults(v));
    }
    init.env("POSTGRES_DB", &demo)
        .env("PGHOST", "127.0.0.1")
        .env("PGPORT", pg.port.to_string());
    let out = init.output().expect("run the init script");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The reader cannot write, even outside sqlwarden.
    let reader = pg.url(&demo).replace("postgres@", "sqlwarden_reader@");
    let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&reader)
        .await
        .expect("reader connects");
    let write = sqlx::query("CREATE TABLE public.x (a int)")
        .execute(&mut c)
        .await;
    assert!(write.is_err(), "the reader login cannot create tables");
    drop(c);

    // sqlwarden's service environment and command, pointed at our cluster.
    let sw = &doc["services"]["sqlwarden"];
    let host = format!("127.0.0.1:{}", pg.port);
    let env: BTreeMap<String, String> = compose_env(sw)
        .iter()
        .map(|(k, v)| {
            let v = compose_defaults(v)
                .replace("postgres:5432", &host)
                .replace(&format!("/{}", pg_env["POSTGRES_DB"]), &format!("/{demo}"));
            (k.clone(), v)
        })
        .map(|(k, v)| {
            let v = v.replace(
                "/etc/sqlwarden/policies",
                &repo().join("policies").display().to_string(),
            );
            (k, v)
        })
        .collect();
    let port = common::free_port();
    let args: Vec<String> = strings(&sw["command"])
        .into_iter()
        .map(|a| a.replace(":8080", &format!(":{port}")))
        .collect();
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut server = Process::start(
        command(None, &env, tmp.path(), &args),
        port,
        tmp.path().join("stderr.log"),
    )
    .await;
    let log = server.log().to_lowercase();
    assert!(
        log.contains("sqlwarden serving")
            && !log.contains("superuser")
            && !log.contains("can write")
            && !log.contains("bypasses"),
        "the reader login passes the start-up inspection:\n{log}"
    );
    let created = command(
        None,
        &env,
        tmp.path(),
        &[
            "token",
            "create",
            "--role",
            "analyst",
            "--principal",
            "ann",
            "--attr",
            "region=south",
            "--json",
        ]
        .map(String::from),
    )
    .output()
    .expect("token create");
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let token: serde_json::Value = serde_json::from_slice(&created.stdout).expect("json");
    let client = token_client(&server.url, token["token"].as_str().expect("token")).await;
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT DISTINCT region FROM orders"}),
    )
    .await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    assert!(
        text(&r).contains("south") && !text(&r).contains("north"),
        "{}",
        text(&r)
    );
    drop(client);
    server.terminate();
    let exit = server.wait_exit(Duration::from_secs(20)).await;
    assert!(exit.success(), "{exit}\n{}", server.log());
    // The audit trail went to the store database, and verifies.
    let verify = command(None, &env, tmp.path(), &["audit".into(), "verify".into()])
        .output()
        .expect("audit verify");
    assert!(
        verify.status.success(),
        "{}{}",
        String::from_utf8_lossy(&verify.stdout),
        String::from_utf8_lossy(&verify.stderr)
    );
    let rows = pg.query_text("sqlwarden", "SELECT count(*)::text FROM audit_log");
    assert!(
        rows[0].parse::<i64>().unwrap_or(0) >= 1,
        "records in the store: {rows:?}"
    );
}
