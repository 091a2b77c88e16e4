//! `sqlwarden policy check` and `sqlwarden policy explain`, run as a DBA would.

mod common;

use std::process::Command;

fn run(args: &[&str], envs: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(common::bin());
    cmd.args(args)
        .env("RUST_LOG", "error")
        .env_remove("DATABASE_URL")
        .env_remove("SQLWARDEN_CONFIG");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run sqlwarden");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn check_accepts_the_demo_policies() {
    let dir = format!("{}/policies", env!("CARGO_MANIFEST_DIR"));
    let (code, out, err) = run(&["policy", "check", &dir, "--offline"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("3 role(s)") && out.contains("analyst"),
        "{out}"
    );
}

#[test]
fn check_reports_every_error_and_exits_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a.toml"), "role = \"a\"\ninherits = \"nobody\"\n[tables.orders]\ncolumns = [\"id\"]\ndeny_columns = [\"x\"]\n").expect("write");
    std::fs::write(
        dir.path().join("b.toml"),
        "role = \"b\"\n[tables.customers]\nrow_filter = \"region = = 1\"\n",
    )
    .expect("write");
    let (code, out, err) = run(
        &[
            "policy",
            "check",
            &dir.path().display().to_string(),
            "--offline",
        ],
        &[],
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("a.toml:2:12: error: unknown parent role `nobody`"),
        "{err}"
    );
    assert!(
        err.contains("sets both `columns` and `deny_columns`"),
        "{err}"
    );
    assert!(
        err.contains("b.toml:3:14: error: row_filter of `customers` does not parse"),
        "{err}"
    );
}

#[test]
fn check_against_the_database_finds_unknown_tables_and_columns() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("a.toml"),
        "role = \"a\"\n[tables.ordrs]\n[tables.customers]\ndeny_columns = [\"emial\"]\n",
    )
    .expect("write");
    let url = common::sqlite_url(&common::sqlite_demo());
    let (code, out, err) = run(
        &["policy", "check", &dir.path().display().to_string()],
        &[("DATABASE_URL", &url)],
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("table `ordrs` does not exist in database `main`")
            && err.contains("did you mean `orders`?"),
        "{err}"
    );
    assert!(
        err.contains("has no column `emial`") && err.contains("did you mean `email`?"),
        "{err}"
    );
}

#[test]
fn explain_shows_the_rewrite_and_bound_parameters() {
    let db = common::sqlite_demo();
    let envs = [("SQLWARDEN_DEMO_DB", db.to_str().expect("utf8"))];
    let (code, out, err) = run(
        &[
            "policy",
            "explain",
            "--demo",
            "--role",
            "analyst",
            "--attr",
            "region=north",
            "SELECT count(*) FROM orders",
        ],
        &envs,
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("decision: allow"), "{out}");
    assert!(out.contains("\"orders\".region = ?1"), "{out}");
    assert!(out.contains("?1 = \"north\""), "{out}");
    let (code, out, _) = run(
        &[
            "policy",
            "explain",
            "--demo",
            "--role",
            "analyst",
            "--attr",
            "region=north",
            "SELECT email FROM customers",
        ],
        &envs,
    );
    assert_eq!(code, 1);
    assert!(
        out.contains("decision: deny (column_hidden)") && out.contains("customers.email"),
        "{out}"
    );
}

#[test]
fn check_runs_row_filters_past_the_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("a.toml"),
        "role = \"a\"\n[tables.orders]\nrow_filter = \"regoin = attr('region')\"\n",
    )
    .expect("write");
    let url = common::sqlite_url(&common::sqlite_demo());
    let (code, out, err) = run(
        &["policy", "check", &dir.path().display().to_string()],
        &[("DATABASE_URL", &url)],
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("role a: the row filter of main.orders fails in database main")
            && err.contains("regoin"),
        "{err}"
    );
}
