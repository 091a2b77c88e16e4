# syntax=docker/dockerfile:1
# sqlwarden container image: a release build in a Rust image, then a small runtime image
# (distroless cc: glibc and CA certificates, no shell) running as a non-root user.
#
#   docker build -t sqlwarden .
#   docker run --rm -p 127.0.0.1:8080:8080 sqlwarden          # demo data, token auth
#   docker run --rm -i sqlwarden serve --role analyst --attr region=north   # stdio
#
# Configuration comes from the environment (DATABASE_URL, SQLWARDEN_*) and, for more than
# the environment can say, a mounted directory: -v ./conf:/etc/sqlwarden:ro plus
# SQLWARDEN_CONFIG=/etc/sqlwarden/sqlwarden.toml. Policies live in /etc/sqlwarden/policies
# (the demo policies unless a directory is mounted there). The root filesystem can be
# read-only: the only place written is /data (the SQLite governance store, when no
# SQLWARDEN_STORE_URL points at PostgreSQL).

FROM rust:1.95-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends sqlite3 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY .cargo .cargo
COPY src src
COPY benches benches
COPY migrations migrations
COPY demo demo
COPY policies policies
RUN cargo build --release --locked --bin sqlwarden
# The demo company as a read-only SQLite file, and the writable data directory.
RUN mkdir -p /out/share /out/data \
    && sqlite3 /out/share/demo.db < demo/sqlite/schema.sql \
    && sqlite3 /out/share/demo.db < demo/sqlite/data.sql

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/release/sqlwarden /usr/local/bin/sqlwarden
COPY --from=build /out/share/demo.db /usr/share/sqlwarden/demo.db
COPY policies /etc/sqlwarden/policies
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
WORKDIR /data
ENV DATABASE_URL=sqlite:///usr/share/sqlwarden/demo.db \
    SQLWARDEN_POLICIES=/etc/sqlwarden/policies \
    SQLWARDEN_STORE_URL=sqlite:///data/store.db
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
    CMD ["sqlwarden", "healthcheck", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["sqlwarden"]
CMD ["serve", "--http", "0.0.0.0:8080"]
