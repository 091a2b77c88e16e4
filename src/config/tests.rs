use super::*;

fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn an_empty_host_list_is_refused() {
    // rmcp reads an empty list as "any host": no DNS-rebinding check at all.
    let e = env(&[("DATABASE_URL", "sqlite:x.db")]);
    let err = Config::from_parts(Some("[server]\nallowed_hosts = []\n"), "f.toml", &e)
        .expect_err("empty list");
    assert!(err.to_string().contains("allowed_hosts is empty"), "{err}");
    let c = Config::from_parts(Some("[server]\nallowed_hosts = [\"db\"]\n"), "f.toml", &e)
        .expect("a list");
    assert_eq!(c.allowed_hosts, Some(vec!["db".to_string()]));
}

#[test]
fn trusted_proxies_come_from_the_file_or_the_environment() {
    let e = env(&[("DATABASE_URL", "sqlite:x.db")]);
    let file = "[server]\ntrusted_proxies = [\"10.0.0.0/8\", \"192.168.0.9\"]\n";
    let c = Config::from_parts(Some(file), "f.toml", &e).expect("valid");
    assert_eq!(c.trusted_proxies.len(), 2);
    assert!(
        Config::from_parts(None, "-", &e)
            .unwrap()
            .trusted_proxies
            .is_empty()
    );
    let e = env(&[
        ("DATABASE_URL", "sqlite:x.db"),
        ("SQLWARDEN_TRUSTED_PROXIES", "172.16.0.0/12, ::1"),
    ]);
    let c = Config::from_parts(Some(file), "f.toml", &e).expect("valid");
    assert_eq!(
        c.trusted_proxies,
        vec!["172.16.0.0/12".parse().unwrap(), "::1/128".parse().unwrap()]
    );
    let bad = "[server]\ntrusted_proxies = [\"proxy.internal\"]\n";
    let err = Config::from_parts(Some(bad), "f.toml", &e).map(|_| ());
    assert!(err.is_ok(), "the environment wins over the file");
    let e = env(&[("DATABASE_URL", "sqlite:x.db")]);
    let err = Config::from_parts(Some(bad), "f.toml", &e).expect_err("a host name");
    assert!(err.to_string().contains("server.trusted_proxies"), "{err}");
}

#[test]
fn database_url_alone_is_enough() {
    let c = Config::from_parts(None, "-", &env(&[("DATABASE_URL", "sqlite:x.db")])).unwrap();
    assert_eq!(c.databases.len(), 1);
    assert_eq!(c.databases[0].name, "main");
    assert!(
        !format!("{c:?}").contains("x.db"),
        "secrets must not appear in Debug"
    );
}

#[test]
fn errors_are_collected_with_positions() {
    let text = "[limits]\nmax_rows = 0\n[databases.a]\nurl_env = \"NOPE\"\n";
    let e = Config::from_parts(Some(text), "c.toml", &env(&[])).unwrap_err();
    assert_eq!(e.0.len(), 2, "{e}");
    let e = Config::from_parts(Some("[limits]\nmax_rowz = 1\n"), "c.toml", &env(&[])).unwrap_err();
    assert!(e.0[0].starts_with("c.toml:2:1:"), "{e}");
}

#[test]
fn store_url_comes_from_file_or_env_and_is_kept_apart() {
    let text = "[databases.a]\nurl = \"sqlite://data.db\"\n[store]\nurl = \"sqlite://gov.db\"\n";
    let c = Config::from_parts(Some(text), "c.toml", &env(&[])).unwrap();
    assert_eq!(c.store_url.unwrap().expose(), "sqlite://gov.db");
    let u = Config::store_url_from_parts(
        Some(text),
        "c.toml",
        &env(&[("SQLWARDEN_STORE_URL", "postgres://h/gov")]),
    )
    .unwrap();
    assert_eq!(u.unwrap().expose(), "postgres://h/gov");
    assert!(
        Config::store_url_from_parts(None, "-", &env(&[]))
            .unwrap()
            .is_none()
    );

    let shared = "[databases.a]\nurl = \"sqlite://data.db\"\n[store]\nurl = \"sqlite:data.db\"\n";
    let e = Config::from_parts(Some(shared), "c.toml", &env(&[])).unwrap_err();
    assert!(e.0[0].contains("one of the target databases"), "{e}");
    assert!(!e.to_string().contains("data.db"), "no URL in errors: {e}");
    let e = Config::store_url_from_parts(
        None,
        "-",
        &env(&[
            ("DATABASE_URL", "postgres://h/db"),
            ("SQLWARDEN_STORE_URL", "postgres://h/db"),
        ]),
    )
    .unwrap_err();
    assert_eq!(e.0.len(), 1);
    let allowed = format!("{shared}share_target_database = true\n");
    assert!(Config::from_parts(Some(&allowed), "c.toml", &env(&[])).is_ok());
    let e = Config::from_parts(Some("[store]\nurll = \"x\"\n"), "c.toml", &env(&[])).unwrap_err();
    assert!(e.0[0].starts_with("c.toml:2:1:"), "{e}");
}

#[test]
fn default_database_goes_first() {
    let text =
        "[databases.a]\nurl = \"sqlite:a\"\n[databases.b]\nurl = \"sqlite:b\"\ndefault = true\n";
    let c = Config::from_parts(Some(text), "c.toml", &env(&[])).unwrap();
    assert_eq!(c.databases[0].name, "b");
}
