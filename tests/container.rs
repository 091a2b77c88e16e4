//! The container files, tested without a container engine: the Dockerfile, docker-compose.yml
//! and the Kubernetes manifests are parsed and checked against the binary's real command line
//! (`--help`), the environment names it reads, the ports and health paths they use, the
//! compose init script, and `policies/`. (`tests/container_run.rs` runs what they describe.)
#![allow(clippy::disallowed_methods)]

mod common;

use common::deploy::*;

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
    // Every file under policies/, subdirectories included (templates/, prompts/): a flat key
    // with `.` for `/`, put back at its path by the volume's items.
    fn walk(dir: &std::path::Path, prefix: &str, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).expect("policies/").flatten() {
            let name = format!("{prefix}{}", e.file_name().to_string_lossy());
            if e.path().is_dir() {
                walk(&e.path(), &format!("{name}/"), out);
            } else {
                out.push(name);
            }
        }
    }
    let mut files = Vec::new();
    walk(&repo().join("policies"), "", &mut files);
    files.sort();
    let mut keys: Vec<String> = data
        .keys()
        .map(|k| k.as_str().expect("key").to_string())
        .collect();
    keys.sort();
    let mut expected: Vec<String> = files.iter().map(|f| f.replace('/', ".")).collect();
    expected.sort();
    assert_eq!(keys, expected, "the ConfigMap holds every policy file");
    let volume = pod["volumes"]
        .as_sequence()
        .expect("volumes")
        .iter()
        .find(|v| v["name"].as_str() == Some("policies"))
        .expect("the policies volume");
    let items: Vec<(String, String)> = volume["configMap"]["items"]
        .as_sequence()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["key"].as_str().expect("key").to_string(),
                i["path"].as_str().expect("path").to_string(),
            )
        })
        .collect();
    for f in &files {
        let key = f.replace('/', ".");
        let on_disk = std::fs::read_to_string(repo().join("policies").join(f)).expect("policy");
        assert_eq!(
            data[key.as_str()].as_str(),
            Some(on_disk.as_str()),
            "{f} is in sync"
        );
        assert!(
            items.contains(&(key.clone(), f.clone())),
            "{key} is mounted at {f}"
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
