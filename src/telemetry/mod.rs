//! Logging: tracing to stderr (stdout carries the stdio protocol). `RUST_LOG` filters;
//! `--log-format json` writes one JSON object per event (audit records included, target
//! `audit`) for log shippers. Metrics live in [`metrics`].

pub mod metrics;

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// Keeps the trace exporter (feature `otel`) alive; dropping it flushes the spans not yet sent.
#[derive(Debug, Default)]
#[must_use = "dropping the guard stops trace export"]
pub struct Guard {
    #[cfg(feature = "otel")]
    traces: Option<opentelemetry_sdk::trace::SdkTracerProvider>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        #[cfg(feature = "otel")]
        if let Some(provider) = self.traces.take()
            && let Err(e) = provider.shutdown()
        {
            eprintln!("sqlwarden: flushing traces failed: {e}");
        }
    }
}

/// Text log lines to stderr. Events of the request path (the audit record carries the SQL a
/// caller sent; other events quote caller text too) are written as exactly one line; the
/// operator's own multi-line reports (a refused reload's file:line:col errors, from the
/// command-line code) keep their lines.
struct TextLog;

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for TextLog {
    type Writer = OneLine<std::io::Stderr>;

    fn make_writer(&'a self) -> Self::Writer {
        OneLine(std::io::stderr(), true)
    }

    fn make_writer_for(&'a self, meta: &tracing::Metadata<'_>) -> Self::Writer {
        let operators = meta.target().starts_with("sqlwarden::cli")
            || meta.target().starts_with("sqlwarden::lifecycle");
        OneLine(std::io::stderr(), !operators)
    }
}

/// A text log line exactly one line long (when `.1`): caller text may hold line breaks, which
/// would otherwise let a caller write lines that look like the server's own. Each event
/// reaches the writer as one write ending in its newline; breaks before that are written as
/// `\n` and `\r`. (JSON lines escape them already.)
struct OneLine<W>(W, bool);

impl<W: std::io::Write> std::io::Write for OneLine<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let body = buf.strip_suffix(b"\n").unwrap_or(buf);
        if !self.1 || !body.iter().any(|b| matches!(b, b'\n' | b'\r')) {
            return self.0.write(buf);
        }
        let mut line = Vec::with_capacity(buf.len() + 16);
        for &b in body {
            match b {
                b'\n' => line.extend_from_slice(b"\\n"),
                b'\r' => line.extend_from_slice(b"\\r"),
                other => line.push(other),
            }
        }
        if body.len() < buf.len() {
            line.push(b'\n');
        }
        self.0.write_all(&line)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Install logging (and, with feature `otel` and `OTEL_EXPORTER_OTLP_ENDPOINT` set, trace export
/// over OTLP/HTTP). Keep the guard until the process ends.
pub fn init(format: LogFormat) -> Guard {
    use tracing_subscriber::Layer;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,rmcp=warn"));
    let fmt = tracing_subscriber::fmt::layer();
    crate::audit::QUOTE_LOGGED_TEXT.store(
        matches!(format, LogFormat::Text),
        std::sync::atomic::Ordering::Relaxed,
    );
    let fmt = match format {
        LogFormat::Text => fmt
            .with_writer(TextLog)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .with_target(false)
            .boxed(),
        LogFormat::Json => fmt
            .with_writer(std::io::stderr)
            .json()
            .with_current_span(false)
            .with_span_list(false)
            .with_target(true)
            .boxed(),
    };
    let registry = tracing_subscriber::registry().with(filter).with(fmt);
    #[cfg(feature = "otel")]
    {
        let traces = otel::provider();
        // Spans only: events (the audit record among them, with its SQL and principal) would
        // otherwise become span events and leave the process.
        let layer = traces.as_ref().map(|p| {
            use opentelemetry::trace::TracerProvider;
            tracing_opentelemetry::layer()
                .with_tracer(p.tracer("sqlwarden"))
                .with_filter(tracing_subscriber::filter::filter_fn(|meta| meta.is_span()))
        });
        let _ = registry.with(layer).try_init();
        Guard { traces }
    }
    #[cfg(not(feature = "otel"))]
    {
        let _ = registry.try_init();
        Guard::default()
    }
}

/// OpenTelemetry traces (feature `otel`): spans go to the OTLP/HTTP endpoint named by the
/// standard variables (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`,
/// `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_SERVICE_NAME`...). Spans carry the tool and database
/// names only: never SQL text, parameters, principals or tokens.
#[cfg(feature = "otel")]
mod otel {
    use opentelemetry_sdk::trace::SdkTracerProvider;

    pub(super) fn provider() -> Option<SdkTracerProvider> {
        let configured = [
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        ]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()));
        if !configured {
            return None;
        }
        let exporter = match opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .build()
        {
            Ok(e) => e,
            Err(e) => {
                eprintln!("sqlwarden: OTLP trace export disabled: {e}");
                return None;
            }
        };
        let resource = opentelemetry_sdk::Resource::builder()
            .with_service_name("sqlwarden")
            .build();
        Some(
            SdkTracerProvider::builder()
                .with_batch_exporter(exporter)
                .with_resource(resource)
                .build(),
        )
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::OneLine;

    #[test]
    fn a_text_log_line_stays_one_line() {
        let mut out = OneLine(Vec::new(), true);
        out.write_all(b"INFO request sql=SELECT 1\nINFO forged line\r\n")
            .expect("write");
        out.write_all(b"INFO plain\n").expect("write");
        assert_eq!(
            String::from_utf8(out.0).expect("utf-8"),
            "INFO request sql=SELECT 1\\nINFO forged line\\r\nINFO plain\n"
        );
    }
}
