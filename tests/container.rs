//! The container files, tested without a container engine: the Dockerfile, docker-compose.yml
//! and the Kubernetes manifests are parsed and checked against the binary's real command line
//! and environment names; the binary is run the way the image runs it (environment only, a
//! non-root user, nothing writable but the data directory); and the compose setup (the
//! PostgreSQL init script and sqlwarden's service environment) is run against a real
//! PostgreSQL cluster.
#![allow(clippy::disallowed_methods)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use rmcp::ServiceExt;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use serde_json::json;
use serde_yaml_ng::Value as Yaml;

use common::mcp::{call, error_code, text};
use common::process::{Process, status};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One Dockerfile instruction: keyword and its argument text (continuations joined).
#[derive(Debug, Clone)]
struct Instruction {
    keyword: String,
    args: String,
}

fn dockerfile() -> Vec<Instruction> {
    let text = std::fs::read_to_string(repo().join("Dockerfile")).expect("Dockerfile");
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('#') || (trimmed.is_empty() && current.is_empty()) {
            continue;
        }
        match trimmed.strip_suffix('\\') {
            Some(part) => {
                current.push_str(part);
                current.push(' ');
            }
            None => {
                current.push_str(trimmed);
                let (keyword, args) = current.split_once(' ').unwrap_or((current.as_str(), ""));
                out.push(Instruction {
                    keyword: keyword.to_uppercase(),
                    args: args.trim().to_string(),
                });
                current.clear();
            }
        }
    }
    out
}

/// The runtime stage: everything after the last FROM.
fn final_stage(all: &[Instruction]) -> Vec<Instruction> {
    let last = all
        .iter()
        .rposition(|i| i.keyword == "FROM")
        .expect("a FROM");
    all[last + 1..].to_vec()
}

fn one<'a>(stage: &'a [Instruction], keyword: &str) -> &'a Instruction {
    let found: Vec<&Instruction> = stage.iter().filter(|i| i.keyword == keyword).collect();
    assert_eq!(found.len(), 1, "exactly one {keyword} in the runtime stage");
    found[0]
}

fn json_array(s: &str) -> Vec<String> {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("exec form (JSON array) expected: {s}: {e}"))
}

/// `KEY=VALUE` pairs of every ENV in `stage`.
fn env_of(stage: &[Instruction]) -> BTreeMap<String, String> {
    stage
        .iter()
        .filter(|i| i.keyword == "ENV")
        .flat_map(|i| {
            i.args
                .split_whitespace()
                .map(|kv| {
                    let (k, v) = kv.split_once('=').expect("ENV KEY=VALUE");
                    (k.to_string(), v.to_string())
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// `sqlwarden ARGS --help` succeeds and documents every `--flag` in `args`.
fn assert_cli_accepts(args: &[String]) {
    let sub: Vec<&String> = args.iter().take_while(|a| !a.starts_with('-')).collect();
    let out = Command::new(common::bin())
        .args(&sub)
        .arg("--help")
        .output()
        .expect("sqlwarden --help");
    assert!(out.status.success(), "`sqlwarden {sub:?}` is a command");
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in args.iter().filter(|a| a.starts_with("--")) {
        let name = flag.split('=').next().unwrap_or(flag);
        assert!(
            help.contains(name),
            "`sqlwarden {sub:?}` has no {name}:\n{help}"
        );
    }
}

/// The port of an `--http ADDR` argument.
fn http_port(args: &[String]) -> u16 {
    let i = args
        .iter()
        .position(|a| a == "--http")
        .expect("--http ADDR");
    args[i + 1]
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("ADDR with a port")
}

fn assert_known_env(names: impl IntoIterator<Item = String>, file: &str) {
    for name in names {
        assert!(
            sqlwarden::config::ENV_VARS.contains(&name.as_str()),
            "{file}: {name} is not an environment variable sqlwarden reads"
        );
    }
}

#[test]
fn the_dockerfile_matches_the_cli_and_config() {
    let all = dockerfile();
    let stage = final_stage(&all);
    // Non-root.
    let user = &one(&stage, "USER").args;
    let uid = user.split(':').next().unwrap_or(user);
    assert!(uid != "0" && uid != "root", "USER {user} is root");
    // sqlwarden is the entrypoint, copied where the entrypoint finds it.
    assert_eq!(json_array(&one(&stage, "ENTRYPOINT").args), ["sqlwarden"]);
    assert!(
        stage
            .iter()
            .any(|i| i.keyword == "COPY" && i.args.ends_with("/usr/local/bin/sqlwarden")),
        "the binary is copied onto PATH"
    );
    // CMD is a real command line; it listens on the EXPOSEd port.
    let cmd = json_array(&one(&stage, "CMD").args);
    assert_cli_accepts(&cmd);
    let port: u16 = one(&stage, "EXPOSE").args.parse().expect("EXPOSE PORT");
    assert_eq!(http_port(&cmd), port, "CMD listens on the EXPOSEd port");
    // HEALTHCHECK runs our own healthcheck against /healthz on that port.
    let health = &one(&stage, "HEALTHCHECK").args;
    let exec = health
        .split_once("CMD ")
        .expect("HEALTHCHECK ... CMD [...]")
        .1;
    let exec = json_array(exec);
    assert_eq!(exec[..2], ["sqlwarden", "healthcheck"]);
    assert_cli_accepts(&exec[1..2]);
    assert_eq!(exec[2], format!("http://127.0.0.1:{port}/healthz"));
    // ENV names are ones the binary reads; their paths exist in the image.
    let env = env_of(&stage);
    assert_known_env(env.keys().cloned(), "Dockerfile");
    let copied: Vec<String> = stage
        .iter()
        .filter(|i| i.keyword == "COPY")
        .filter_map(|i| i.args.split_whitespace().last().map(str::to_string))
        .collect();
    let policies = &env["SQLWARDEN_POLICIES"];
    assert!(
        copied.contains(policies),
        "{policies} is copied into the image"
    );
    let db = env["DATABASE_URL"].trim_start_matches("sqlite://");
    assert!(
        copied.iter().any(|c| c == db),
        "{db} is copied into the image"
    );
    let volume = json_array(&one(&stage, "VOLUME").args);
    let store = env["SQLWARDEN_STORE_URL"].trim_start_matches("sqlite://");
    assert!(
        volume.iter().any(|v| store.starts_with(&format!("{v}/"))),
        "the store {store} is on the volume {volume:?}"
    );
    assert!(
        stage.iter().any(|i| i.keyword == "COPY"
            && i.args.contains("--chown=65532")
            && volume.iter().any(|v| i.args.ends_with(v.as_str()))),
        "the data directory belongs to the runtime user"
    );
    // The build stage copies everything the crate needs: every include_str! source tree and
    // every bench target the manifest declares.
    let build_copies: Vec<&str> = all
        .iter()
        .filter(|i| i.keyword == "COPY" && !i.args.contains("--from"))
        .filter_map(|i| i.args.split_whitespace().next())
        .collect();
    for needed in [
        "Cargo.toml",
        "src",
        "benches",
        "migrations",
        "demo",
        "policies",
    ] {
        assert!(build_copies.contains(&needed), "the build copies {needed}");
        assert!(repo().join(needed).exists(), "{needed} exists");
    }
    let ignore = std::fs::read_to_string(repo().join(".dockerignore")).expect(".dockerignore");
    for needed in build_copies {
        assert!(
            !ignore.lines().any(|l| l.trim() == needed),
            ".dockerignore excludes {needed}"
        );
    }
}

fn yaml(path: &str) -> Vec<Yaml> {
    let text = std::fs::read_to_string(repo().join(path)).expect("yaml file");
    serde_yaml_ng::Deserializer::from_str(&text)
        .map(|d| serde::Deserialize::deserialize(d).expect("valid YAML"))
        .collect()
}

fn strings(v: &Yaml) -> Vec<String> {
    v.as_sequence()
        .expect("a list")
        .iter()
        .map(|s| s.as_str().expect("a string").to_string())
        .collect()
}

/// `${NAME:-default}` -> default (what compose substitutes when NAME is unset).
fn compose_defaults(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('}').expect("closing }") + i;
        let inner = &rest[i + 2..end];
        out.push_str(inner.split_once(":-").map_or("", |(_, d)| d));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

fn compose_env(service: &Yaml) -> BTreeMap<String, String> {
    service["environment"]
        .as_mapping()
        .expect("environment as a map")
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().expect("name").to_string(),
                v.as_str().expect("value").to_string(),
            )
        })
        .collect()
}

#[test]
fn the_compose_file_matches_the_cli_config_and_init_script() {
    let doc = &yaml("docker-compose.yml")[0];
    let services = &doc["services"];
    let pg = &services["postgres"];
    let sw = &services["sqlwarden"];
    // Start order: sqlwarden waits for a healthy PostgreSQL.
    assert_eq!(
        sw["depends_on"]["postgres"]["condition"].as_str(),
        Some("service_healthy")
    );
    assert!(pg["healthcheck"]["test"].as_sequence().is_some());
    // PostgreSQL loads the demo schema, then its data, then sqlwarden's logins.
    let mounts = strings(&pg["volumes"]);
    let init: Vec<(&str, &str)> = mounts
        .iter()
        .filter_map(|m| {
            let mut parts = m.split(':');
            let (src, dst) = (parts.next()?, parts.next()?);
            dst.starts_with("/docker-entrypoint-initdb.d/")
                .then_some((src, dst))
        })
        .collect();
    let mut ordered = init.clone();
    ordered.sort_by_key(|(_, dst)| *dst);
    let sources: Vec<&str> = ordered.iter().map(|(s, _)| *s).collect();
    assert_eq!(
        sources,
        [
            "./demo/postgres/schema.sql",
            "./demo/postgres/data.sql",
            "./deploy/compose/initdb-sqlwarden.sh"
        ]
    );
    for (src, _) in &init {
        assert!(repo().join(src).exists(), "{src} exists");
    }
    // The init script's variables are set on the postgres service.
    let pg_env = compose_env(pg);
    let script =
        std::fs::read_to_string(repo().join("deploy/compose/initdb-sqlwarden.sh")).expect("script");
    for var in [
        "POSTGRES_USER",
        "POSTGRES_DB",
        "SQLWARDEN_READER_PASSWORD",
        "SQLWARDEN_STORE_PASSWORD",
    ] {
        assert!(
            script.contains(&format!("${var}")),
            "the script reads {var}"
        );
        assert!(pg_env.contains_key(var), "postgres sets {var}");
    }
    // sqlwarden: a real command line, known variables, URLs that match the init script.
    let command = strings(&sw["command"]);
    assert_cli_accepts(&command);
    let port = http_port(&command);
    let ports = strings(&sw["ports"]);
    assert!(
        ports.iter().any(|p| p.ends_with(&format!(":{port}"))),
        "port {port} is published: {ports:?}"
    );
    let env = compose_env(sw);
    assert_known_env(env.keys().cloned(), "docker-compose.yml");
    let data = compose_defaults(&env["DATABASE_URL"]);
    let store = compose_defaults(&env["SQLWARDEN_STORE_URL"]);
    let demo_db = &pg_env["POSTGRES_DB"];
    assert_eq!(
        data,
        format!("postgres://sqlwarden_reader:reader@postgres:5432/{demo_db}")
    );
    assert_eq!(
        store,
        "postgres://sqlwarden_store:store@postgres:5432/sqlwarden"
    );
    assert!(
        script.contains("CREATE ROLE sqlwarden_reader")
            && script.contains("CREATE ROLE sqlwarden_store")
    );
    assert!(script.contains("CREATE DATABASE sqlwarden OWNER sqlwarden_store"));
    // Same password expressions on both sides.
    assert_eq!(
        pg_env["SQLWARDEN_READER_PASSWORD"],
        "${SQLWARDEN_READER_PASSWORD:-reader}"
    );
    assert!(env["DATABASE_URL"].contains("${SQLWARDEN_READER_PASSWORD:-reader}"));
    // Health check through our own subcommand on the served port.
    let health = strings(&sw["healthcheck"]["test"]);
    assert_eq!(health[..3], ["CMD", "sqlwarden", "healthcheck"]);
    assert!(health[3].starts_with(&format!("http://127.0.0.1:{port}/")));
    assert_eq!(sw["read_only"].as_bool(), Some(true));
    for m in strings(&sw["volumes"]) {
        let src = m.split(':').next().unwrap_or_default();
        assert!(repo().join(src).exists(), "{src} exists");
    }
}

#[test]
fn the_kubernetes_manifests_match_the_cli_config_and_policies() {
    let docs = yaml("deploy/kubernetes/sqlwarden.yaml");
    let kind = |k: &str| {
        docs.iter()
            .find(|d| d["kind"].as_str() == Some(k))
            .unwrap_or_else(|| panic!("a {k}"))
    };
    let deploy = kind("Deployment");
    assert_eq!(deploy["spec"]["replicas"].as_u64(), Some(2));
    let pod = &deploy["spec"]["template"]["spec"];
    assert_eq!(pod["securityContext"]["runAsNonRoot"].as_bool(), Some(true));
    let c = &pod["containers"][0];
    assert_eq!(
        c["securityContext"]["readOnlyRootFilesystem"].as_bool(),
        Some(true)
    );
    let args = strings(&c["args"]);
    assert_cli_accepts(&args);
    let port = http_port(&args);
    assert_eq!(
        c["ports"][0]["containerPort"].as_u64(),
        Some(u64::from(port))
    );
    assert_eq!(
        c["readinessProbe"]["httpGet"]["path"].as_str(),
        Some("/readyz")
    );
    assert_eq!(
        c["livenessProbe"]["httpGet"]["path"].as_str(),
        Some("/healthz")
    );
    let env: Vec<String> = c["env"]
        .as_sequence()
        .expect("env")
        .iter()
        .map(|e| e["name"].as_str().expect("name").to_string())
        .collect();
    assert_known_env(env, "deployment env");
    let secret = kind("Secret");
    assert_eq!(
        c["envFrom"][0]["secretRef"]["name"].as_str(),
        secret["metadata"]["name"].as_str()
    );
    let secret_keys: Vec<String> = secret["stringData"]
        .as_mapping()
        .expect("stringData")
        .keys()
        .map(|k| k.as_str().expect("key").to_string())
        .collect();
    assert_known_env(secret_keys.clone(), "secret");
    assert!(secret_keys.contains(&"DATABASE_URL".to_string()));
    assert!(secret_keys.contains(&"SQLWARDEN_STORE_URL".to_string()));
    // The policies ConfigMap is the policies/ directory, mounted where SQLWARDEN_POLICIES says.
    let cm = kind("ConfigMap");
    let data = cm["data"].as_mapping().expect("data");
    let mut files: Vec<String> = std::fs::read_dir(repo().join("policies"))
        .expect("policies/")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().to_string()))
        .collect();
    files.sort();
    let keys: Vec<String> = data
        .keys()
        .map(|k| k.as_str().expect("key").to_string())
        .collect();
    assert_eq!(keys, files, "the ConfigMap holds every policy file");
    for f in &files {
        let on_disk = std::fs::read_to_string(repo().join("policies").join(f)).expect("policy");
        assert_eq!(
            data[f.as_str()].as_str(),
            Some(on_disk.as_str()),
            "{f} is in sync"
        );
    }
    let policies_env = c["env"]
        .as_sequence()
        .expect("env")
        .iter()
        .find(|e| e["name"].as_str() == Some("SQLWARDEN_POLICIES"))
        .and_then(|e| e["value"].as_str())
        .expect("SQLWARDEN_POLICIES");
    let mounted = c["volumeMounts"]
        .as_sequence()
        .expect("mounts")
        .iter()
        .any(|m| m["mountPath"].as_str() == Some(policies_env));
    assert!(mounted, "the ConfigMap is mounted at {policies_env}");
    let svc = kind("Service");
    assert_eq!(
        svc["spec"]["ports"][0]["port"].as_u64(),
        Some(u64::from(port))
    );
}

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
    for e in std::fs::read_dir(repo().join("policies"))
        .expect("policies")
        .flatten()
    {
        std::fs::copy(
            e.path(),
            root.join("etc/sqlwarden/policies").join(e.file_name()),
        )
        .expect("copy policy");
    }
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
