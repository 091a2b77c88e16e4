//! OpenTelemetry traces (feature `otel`): with `OTEL_EXPORTER_OTLP_ENDPOINT` set, a served call
//! leaves a `tools/call` span and a `db.execute` span at the OTLP/HTTP endpoint (a minimal
//! receiver in this test), flushed by the time the process exits after SIGTERM; the spans carry
//! no SQL text. Run with `cargo test --features otel --test otel`.
#![cfg(feature = "otel")]
#![allow(clippy::disallowed_methods)]

mod common;

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use common::mcp::call;
use common::process::Process;

type Received = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// Accept HTTP/1.1 POSTs, answer 200, keep each request line and body.
async fn receiver() -> (u16, Received) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let got: Received = Arc::default();
    let keep = got.clone();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            let keep = keep.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                loop {
                    let head_end = loop {
                        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            break i + 4;
                        }
                        let mut chunk = [0u8; 8192];
                        match tcp.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    };
                    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                    let length: usize = head
                        .lines()
                        .find_map(|l| {
                            let (k, v) = l.split_once(':')?;
                            k.eq_ignore_ascii_case("content-length")
                                .then(|| v.trim().parse().ok())?
                        })
                        .unwrap_or(0);
                    while buf.len() < head_end + length {
                        let mut chunk = [0u8; 8192];
                        match tcp.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let body = buf[head_end..head_end + length].to_vec();
                    buf.drain(..head_end + length);
                    let line = head.lines().next().unwrap_or_default().to_string();
                    keep.lock().expect("lock").push((line, body));
                    let reply = "HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\n\r\n";
                    if tcp.write_all(reply.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (port, got)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_are_exported_as_spans_without_sql() {
    let (otlp, received) = receiver().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = common::mcp::config_file(dir.path(), &common::sqlite_url(&common::sqlite_demo()), "");
    let port = common::free_port();
    let mut cmd = Command::new(common::bin());
    cmd.arg("serve")
        .arg("--config")
        .arg(&cfg)
        .arg("--http")
        .arg(format!("127.0.0.1:{port}"))
        .env(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            format!("http://127.0.0.1:{otlp}"),
        )
        .env("OTEL_BSP_SCHEDULE_DELAY", "100");
    let mut server = Process::start(cmd, port, dir.path().join("stderr.log")).await;
    let client = common::mcp::http_client(&server.url).await;
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT name FROM products WHERE name = 'MARKER-7d1f'"}),
    )
    .await;
    assert_eq!(r.is_error, Some(false));
    drop(client);
    server.terminate();
    let exit = server.wait_exit(Duration::from_secs(20)).await;
    assert!(exit.success(), "{exit}\n{}", server.log());

    let got = received.lock().expect("lock").clone();
    let traces: Vec<&Vec<u8>> = got
        .iter()
        .filter(|(line, _)| line.starts_with("POST /v1/traces"))
        .map(|(_, body)| body)
        .collect();
    assert!(
        !traces.is_empty(),
        "spans were exported: {got:?}\n{}",
        server.log()
    );
    let all: Vec<u8> = traces.into_iter().flatten().copied().collect();
    for name in [&b"tools/call"[..], b"db.execute", b"sqlwarden", b"query"] {
        assert!(
            contains(&all, name),
            "{} in the export",
            String::from_utf8_lossy(name)
        );
    }
    assert!(!contains(&all, b"MARKER-7d1f"), "no SQL text in spans");
}
