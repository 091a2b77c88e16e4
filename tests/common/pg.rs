//! A throwaway PostgreSQL cluster, started once per test binary from the machine's own
//! PostgreSQL binaries (initdb + postgres on a free loopback port, its own socket dir), as a
//! non-root user when run as root. It stops when the test process exits: the server runs under
//! a shell that waits on our stdin pipe, stops the server when the pipe closes and removes the
//! cluster's directory.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

pub struct Cluster {
    pub port: u16,
    pub dir: PathBuf,
    _server: Mutex<Child>,
}

fn bin_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("SQLWARDEN_PG_BIN") {
        return PathBuf::from(dir);
    }
    let mut candidates: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let v: u32 = e.file_name().to_string_lossy().parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    candidates.sort();
    if let Some((_, bin)) = candidates.pop() {
        return bin;
    }
    // Fall back to PATH.
    let out = Command::new("sh")
        .args(["-c", "command -v initdb"])
        .output()
        .expect("sh runs");
    let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if !path.is_empty() {
        return PathBuf::from(path)
            .parent()
            .expect("initdb has a parent dir")
            .to_path_buf();
    }
    // A fresh machine: install the server package once (as root, Debian/Ubuntu), then retry.
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    let mut tried = false;
    INSTALLED.call_once(|| {
        tried = true;
        if is_root() {
            eprintln!("test harness: PostgreSQL not found, installing it with apt-get");
            let _ = Command::new("sh")
                .args(["-c", "DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null"])
                .status();
        }
    });
    assert!(
        tried,
        "PostgreSQL server binaries not found: install postgresql or set SQLWARDEN_PG_BIN"
    );
    bin_dir()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// The unprivileged user to run PostgreSQL as when we are root.
fn run_user() -> Option<String> {
    if !is_root() {
        return None;
    }
    for user in ["postgres", "nobody"] {
        if Command::new("id")
            .arg("-u")
            .arg(user)
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
        {
            return Some(user.to_string());
        }
    }
    panic!("running as root but neither `postgres` nor `nobody` exists to run PostgreSQL");
}

fn command(user: &Option<String>, program: &Path) -> Command {
    match user {
        Some(u) => {
            let mut c = Command::new("runuser");
            c.arg("-u").arg(u).arg("--").arg(program);
            c
        }
        None => Command::new(program),
    }
}

fn chown_to(user: &Option<String>, path: &Path) {
    if let Some(u) = user {
        let status = Command::new("chown")
            .arg("-R")
            .arg(u)
            .arg(path)
            .status()
            .expect("chown runs");
        assert!(status.success(), "chown {u} {}", path.display());
    }
}

pub fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(start)
}

fn start() -> Cluster {
    let bin = bin_dir();
    let user = run_user();
    let dir = std::env::temp_dir().join(format!(
        "sqlwarden-pg-{}-{}",
        std::process::id(),
        crate::common::free_port()
    ));
    std::fs::create_dir_all(&dir).expect("create cluster dir");
    let _ = Command::new("chmod").arg("755").arg(&dir).status();
    chown_to(&user, &dir);
    let data = dir.join("data");
    let out = command(&user, &bin.join("initdb"))
        .args([
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
            "-D",
        ])
        .arg(&data)
        .output()
        .expect("initdb runs");
    assert!(
        out.status.success(),
        "initdb failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let port = crate::common::free_port();
    let postgres = bin.join("postgres");
    let script = format!(
        "'{}' -D '{}' -p {port} -k '{}' -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off \
         -c max_connections=200 -c log_min_messages=warning >'{}/log' 2>&1 & pid=$!; read _x; kill -INT $pid; wait $pid; rm -rf '{}'",
        postgres.display(),
        data.display(),
        dir.display(),
        dir.display(),
        dir.display()
    );
    let mut sh = match &user {
        Some(u) => {
            let mut c = Command::new("runuser");
            c.arg("-u")
                .arg(u)
                .arg("--")
                .arg("sh")
                .arg("-c")
                .arg(&script);
            c
        }
        None => {
            let mut c = Command::new("sh");
            c.arg("-c").arg(&script);
            c
        }
    };
    let server = sh
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("postgres starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            let ok = Command::new(bin.join("pg_isready"))
                .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-U", "postgres"])
                .output()
                .map(|o| o.status.success())
                .unwrap_or(false);
            if ok {
                break;
            }
        }
        assert!(
            Instant::now() < deadline,
            "postgres did not start: {}",
            std::fs::read_to_string(dir.join("log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let cluster = Cluster {
        port,
        dir,
        _server: Mutex::new(server),
    };
    cluster.load_template();
    cluster
}

impl Cluster {
    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// Run async admin work on a thread of its own (tests may already be inside a runtime).
    fn admin<T: Send + 'static>(
        &self,
        db: &str,
        f: impl FnOnce(
            sqlx::PgConnection,
        ) -> std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>>
        + Send
        + 'static,
    ) -> T {
        let url = self.url(db);
        std::thread::spawn(move || {
            use sqlx::Connection;
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let c = sqlx::PgConnection::connect(&url)
                    .await
                    .expect("admin connection");
                f(c).await
            })
        })
        .join()
        .expect("admin thread")
    }

    fn load_template(&self) {
        self.execute("postgres", "CREATE DATABASE demo_template");
        for sql in [
            include_str!("../../demo/postgres/schema.sql"),
            include_str!("../../demo/postgres/data.sql"),
            "ANALYZE",
        ] {
            self.execute("demo_template", sql);
        }
    }

    /// A fresh database cloned from the demo template; returns its name.
    pub fn fresh_db(&self) -> String {
        static N: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "t{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        // CREATE DATABASE from a template fails if another session is using the template.
        for attempt in 0..50 {
            let stmt = format!("CREATE DATABASE {name} TEMPLATE demo_template");
            let ok = self.admin("postgres", move |mut c| {
                Box::pin(async move {
                    sqlx::raw_sql(sqlx::AssertSqlSafe(stmt))
                        .execute(&mut c)
                        .await
                        .is_ok()
                })
            });
            if ok {
                return name;
            }
            std::thread::sleep(Duration::from_millis(20 * (attempt + 1)));
        }
        panic!("could not create database {name}");
    }

    /// Run an admin query (as superuser); the first column of every row as text.
    pub fn query_text(&self, db: &str, sql: &str) -> Vec<String> {
        let sql = sql.to_string();
        self.admin(db, move |mut c| {
            Box::pin(async move {
                use sqlx::Row;
                sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                    .fetch_all(&mut c)
                    .await
                    .unwrap_or_else(|e| panic!("admin query {sql}: {e}"))
                    .iter()
                    .map(|r| {
                        r.try_get::<Option<String>, _>(0)
                            .expect("text column")
                            .unwrap_or_default()
                    })
                    .collect()
            })
        })
    }

    /// Run admin statements (simple protocol, may be several).
    pub fn execute(&self, db: &str, sql: &str) {
        let sql = sql.to_string();
        self.admin(db, move |mut c| {
            Box::pin(async move {
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                    .execute(&mut c)
                    .await
                    .expect("admin statement");
            })
        })
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if let Ok(mut child) = self._server.lock()
            && let Some(stdin) = child.stdin.as_mut()
        {
            let _ = stdin.write_all(b"stop\n");
        }
    }
}
