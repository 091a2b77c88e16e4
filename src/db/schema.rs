//! Schema introspection: the catalog governance resolves against, and what schema browsing shows.
//!
//! Reads system catalogs with our own fixed statements (never caller text). Lists only the
//! configured schemas; SQLite's internal `sqlite_*` tables are never listed.

use sqlx::Row;

use super::pool::Pool;
use super::{Database, DbError};
use crate::sql::{Catalog, CatalogTable, QualifiedName};

/// A table or view, as `list_tables` shows it.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct TableSummary {
    pub schema: String,
    pub name: String,
    /// "table" or "view".
    pub kind: String,
    /// Estimated row count from statistics; null when unknown.
    pub estimated_rows: Option<i64>,
    pub comment: Option<String>,
}

/// One column, as `describe_table` shows it.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct ColumnInfo {
    pub name: String,
    #[serde(rename = "type")]
    pub type_name: String,
    pub nullable: bool,
    pub default: Option<String>,
    pub comment: Option<String>,
    /// Distinct values as the caller's role sees them, for low-cardinality text columns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
}

/// A foreign key from this table to another.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct ForeignKey {
    pub columns: Vec<String>,
    /// The referenced table, schema-qualified.
    pub references_table: String,
    pub references_columns: Vec<String>,
}

/// An index on this table.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct IndexInfo {
    pub name: String,
    pub columns: Vec<String>,
    pub unique: bool,
}

/// Everything `describe_table` returns.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct TableDescription {
    pub schema: String,
    pub name: String,
    pub kind: String,
    pub comment: Option<String>,
    pub columns: Vec<ColumnInfo>,
    pub primary_key: Vec<String>,
    pub foreign_keys: Vec<ForeignKey>,
    pub indexes: Vec<IndexInfo>,
}

fn fail(e: sqlx::Error) -> DbError {
    super::execute::db_error(e)
}

/// Read the tables, views and columns of the configured schemas.
pub(crate) async fn load_catalog(db: &Database, schemas: &[String]) -> Result<Catalog, DbError> {
    let mut tables: Vec<CatalogTable> = Vec::new();
    match &db.pool {
        Pool::Postgres(pool) => {
            let mut c = pool.get().await.map_err(super::pool::unavailable)?;
            let rows = sqlx::query(
                "SELECT n.nspname, c.relname, c.relkind::text, \
                 coalesce(array_agg(a.attname::text ORDER BY a.attnum) FILTER (WHERE a.attnum > 0), '{}'), \
                 coalesce(array_agg(format_type(a.atttypid, NULL) ORDER BY a.attnum) FILTER (WHERE a.attnum > 0), '{}'), \
                 coalesce((SELECT array_agg(pa.attname::text ORDER BY k.n) \
                     FROM pg_catalog.pg_index i, unnest(i.indkey) WITH ORDINALITY AS k(attnum, n), pg_catalog.pg_attribute pa \
                     WHERE i.indrelid = c.oid AND i.indisprimary AND pa.attrelid = c.oid AND pa.attnum = k.attnum), '{}') \
                 FROM pg_catalog.pg_class c \
                 JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
                 LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
                 WHERE n.nspname = ANY($1) AND c.relkind IN ('r','v','m','p','f') \
                 GROUP BY 1, 2, 3, c.oid",
            )
            .bind(schemas)
            .fetch_all(&mut c.conn)
            .await
            .map_err(fail)?;
            for r in rows {
                let kind: String = r.try_get(2).map_err(fail)?;
                tables.push(CatalogTable {
                    name: QualifiedName::new(
                        r.try_get::<String, _>(0).map_err(fail)?,
                        r.try_get::<String, _>(1).map_err(fail)?,
                    ),
                    columns: r.try_get(3).map_err(fail)?,
                    types: r.try_get(4).map_err(fail)?,
                    is_view: kind == "v" || kind == "m",
                    primary_key: r.try_get(5).map_err(fail)?,
                });
            }
        }
        Pool::Sqlite(pool) => {
            let mut c = pool.get().await.map_err(super::pool::unavailable)?;
            let rows = sqlx::query(
                "SELECT m.name, m.type, p.name, p.type, p.pk FROM sqlite_schema m, pragma_table_info(m.name) p \
                 WHERE m.type IN ('table','view') AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
                 ORDER BY m.name, p.cid",
            )
            .fetch_all(&mut c.conn)
            .await
            .map_err(fail)?;
            let mut keys: Vec<(String, i64, String)> = Vec::new();
            for r in rows {
                let name: String = r.try_get(0).map_err(fail)?;
                let kind: String = r.try_get(1).map_err(fail)?;
                let col: String = r.try_get(2).map_err(fail)?;
                let ty: String = r.try_get(3).map_err(fail)?;
                let pk: i64 = r.try_get(4).map_err(fail)?;
                let table = match tables.last_mut() {
                    Some(t) if t.name.name == name => t,
                    _ => {
                        tables.push(CatalogTable {
                            name: QualifiedName::new("main", name),
                            columns: Vec::new(),
                            types: Vec::new(),
                            is_view: kind == "view",
                            primary_key: Vec::new(),
                        });
                        let Some(t) = tables.last_mut() else { continue };
                        t
                    }
                };
                if pk > 0 {
                    // `pk` is the column's 1-based position in the key.
                    keys.push((table.name.name.clone(), pk, col.clone()));
                }
                table.columns.push(col);
                table.types.push(ty);
            }
            keys.sort();
            for (name, _, col) in keys {
                if let Some(t) = tables.iter_mut().find(|t| t.name.name == name) {
                    t.primary_key.push(col);
                }
            }
        }
    }
    Ok(Catalog::new(db.dialect, schemas.to_vec(), tables))
}

/// The server's version (`15.4`, `3.46.0`), read once with the catalog.
pub(crate) async fn server_version(db: &Database) -> Result<String, DbError> {
    let full: String = match &db.pool {
        Pool::Postgres(pool) => {
            let mut c = pool.get().await.map_err(super::pool::unavailable)?;
            sqlx::query_scalar("SELECT pg_catalog.current_setting('server_version')")
                .fetch_one(&mut c.conn)
                .await
                .map_err(fail)?
        }
        Pool::Sqlite(pool) => {
            let mut c = pool.get().await.map_err(super::pool::unavailable)?;
            sqlx::query_scalar("SELECT sqlite_version()")
                .fetch_one(&mut c.conn)
                .await
                .map_err(fail)?
        }
    };
    // "15.4 (Debian 15.4-1.pgdg120+1)" -> "15.4"
    Ok(full
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string())
}

/// Tables and views of the configured schemas with row estimates and comments.
pub async fn list_tables(
    db: &Database,
    schema: Option<&str>,
) -> Result<Vec<TableSummary>, DbError> {
    let schemas: Vec<String> = match schema {
        Some(s) => db.schemas().into_iter().filter(|x| x == s).collect(),
        None => db.schemas(),
    };
    match &db.pool {
        Pool::Postgres(pool) => {
            let mut c = pool.get().await.map_err(super::pool::unavailable)?;
            let rows = sqlx::query(
                "SELECT n.nspname, c.relname, CASE WHEN c.relkind IN ('v','m') THEN 'view' ELSE 'table' END, \
                 CASE WHEN c.relkind IN ('v','m') OR c.reltuples < 0 THEN NULL ELSE c.reltuples::bigint END, \
                 pg_catalog.obj_description(c.oid, 'pg_class') \
                 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = ANY($1) AND c.relkind IN ('r','v','m','p','f') ORDER BY 1, 2",
            )
            .bind(&schemas)
            .fetch_all(&mut c.conn)
            .await
            .map_err(fail)?;
            rows.iter()
                .map(|r| {
                    Ok(TableSummary {
                        schema: r.try_get(0)?,
                        name: r.try_get(1)?,
                        kind: r.try_get(2)?,
                        estimated_rows: r.try_get(3)?,
                        comment: r.try_get(4)?,
                    })
                })
                .collect::<Result<_, sqlx::Error>>()
                .map_err(fail)
        }
        Pool::Sqlite(pool) => {
            if schemas.is_empty() {
                return Ok(vec![]);
            }
            let mut c = pool.get().await.map_err(super::pool::unavailable)?;
            let rows = sqlx::query(
                "SELECT name, type FROM sqlite_schema WHERE type IN ('table','view') \
                 AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
            )
            .fetch_all(&mut c.conn)
            .await
            .map_err(fail)?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                let name: String = r.try_get(0).map_err(fail)?;
                let kind: String = r.try_get(1).map_err(fail)?;
                // SQLite keeps no row estimates; counting a table is cheap at demo sizes and
                // bounded by the statement timeout's progress handler elsewhere.
                let estimated_rows = if kind == "table" {
                    let count_sql = format!(
                        "SELECT count(*) FROM \"main\".\"{}\"",
                        name.replace('"', "\"\"")
                    );
                    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count_sql))
                        .fetch_one(&mut c.conn)
                        .await
                        .ok()
                } else {
                    None
                };
                out.push(TableSummary {
                    schema: "main".into(),
                    name,
                    kind,
                    estimated_rows,
                    comment: None,
                });
            }
            Ok(out)
        }
    }
}

/// Columns, keys and indexes of one table. `None` if it is not in the catalog.
pub async fn describe_table(
    db: &Database,
    table: &QualifiedName,
) -> Result<TableDescription, DbError> {
    match &db.pool {
        Pool::Postgres(pool) => {
            let mut c = pool.get().await.map_err(super::pool::unavailable)?;
            let conn = &mut c.conn;
            let head = sqlx::query(
                "SELECT c.oid::int8, CASE WHEN c.relkind IN ('v','m') THEN 'view' ELSE 'table' END, \
                 pg_catalog.obj_description(c.oid, 'pg_class') \
                 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = $1 AND c.relname = $2",
            )
            .bind(&table.schema)
            .bind(&table.name)
            .fetch_one(&mut *conn)
            .await
            .map_err(fail)?;
            let oid: i64 = head.try_get(0).map_err(fail)?;
            let columns = sqlx::query(
                "SELECT a.attname::text, pg_catalog.format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, \
                 pg_catalog.pg_get_expr(d.adbin, d.adrelid), pg_catalog.col_description(a.attrelid, a.attnum) \
                 FROM pg_catalog.pg_attribute a \
                 LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
                 WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
            )
            .bind(oid)
            .fetch_all(&mut *conn)
            .await
            .map_err(fail)?
            .iter()
            .map(|r| {
                Ok(ColumnInfo {
                    name: r.try_get(0)?,
                    type_name: r.try_get(1)?,
                    nullable: r.try_get(2)?,
                    default: r.try_get(3)?,
                    comment: r.try_get(4)?,
                    values: None,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(fail)?;
            let constraints = sqlx::query(
                "SELECT con.contype::text, \
                 ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, i) \
                       JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i), \
                 fn.nspname::text, fc.relname::text, \
                 ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, i) \
                       JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i) \
                 FROM pg_catalog.pg_constraint con \
                 LEFT JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid \
                 LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace \
                 WHERE con.conrelid = $1::oid AND con.contype IN ('p','f') ORDER BY con.conname",
            )
            .bind(oid)
            .fetch_all(&mut *conn)
            .await
            .map_err(fail)?;
            let mut primary_key = Vec::new();
            let mut foreign_keys = Vec::new();
            for r in constraints {
                let kind: String = r.try_get(0).map_err(fail)?;
                let cols: Vec<String> = r.try_get(1).map_err(fail)?;
                if kind == "p" {
                    primary_key = cols;
                } else {
                    let s: Option<String> = r.try_get(2).map_err(fail)?;
                    let t: Option<String> = r.try_get(3).map_err(fail)?;
                    foreign_keys.push(ForeignKey {
                        columns: cols,
                        references_table: format!(
                            "{}.{}",
                            s.unwrap_or_default(),
                            t.unwrap_or_default()
                        ),
                        references_columns: r.try_get(4).map_err(fail)?,
                    });
                }
            }
            let indexes = sqlx::query(
                "SELECT ic.relname::text, i.indisunique, \
                 ARRAY(SELECT coalesce(a.attname::text, '(expression)') FROM unnest(i.indkey) WITH ORDINALITY k(n, o) \
                       LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o) \
                 FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid \
                 WHERE i.indrelid = $1::oid ORDER BY 1",
            )
            .bind(oid)
            .fetch_all(&mut *conn)
            .await
            .map_err(fail)?
            .iter()
            .map(|r| Ok(IndexInfo { name: r.try_get(0)?, unique: r.try_get(1)?, columns: r.try_get(2)? }))
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(fail)?;
            Ok(TableDescription {
                schema: table.schema.clone(),
                name: table.name.clone(),
                kind: head.try_get(1).map_err(fail)?,
                comment: head.try_get(2).map_err(fail)?,
                columns,
                primary_key,
                foreign_keys,
                indexes,
            })
        }
        Pool::Sqlite(pool) => {
            let mut c = pool.get().await.map_err(super::pool::unavailable)?;
            let conn = &mut c.conn;
            let kind: String = sqlx::query_scalar("SELECT type FROM sqlite_schema WHERE name = ?1")
                .bind(&table.name)
                .fetch_one(&mut *conn)
                .await
                .map_err(fail)?;
            let rows = sqlx::query("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?1) ORDER BY cid")
                .bind(&table.name)
                .fetch_all(&mut *conn)
                .await
                .map_err(fail)?;
            let mut columns = Vec::new();
            let mut pk: Vec<(i64, String)> = Vec::new();
            for r in rows {
                let name: String = r.try_get(0).map_err(fail)?;
                let notnull: i64 = r.try_get(2).map_err(fail)?;
                let pk_pos: i64 = r.try_get(4).map_err(fail)?;
                if pk_pos > 0 {
                    pk.push((pk_pos, name.clone()));
                }
                columns.push(ColumnInfo {
                    name,
                    type_name: r
                        .try_get::<String, _>(1)
                        .map_err(fail)?
                        .to_ascii_lowercase(),
                    nullable: notnull == 0 && pk_pos == 0,
                    default: r.try_get(3).map_err(fail)?,
                    comment: None,
                    values: None,
                });
            }
            pk.sort();
            let fk_rows = sqlx::query("SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1) ORDER BY id, seq")
                .bind(&table.name)
                .fetch_all(&mut *conn)
                .await
                .map_err(fail)?;
            let mut foreign_keys: Vec<(i64, ForeignKey)> = Vec::new();
            for r in fk_rows {
                let id: i64 = r.try_get(0).map_err(fail)?;
                let target: String = r.try_get(1).map_err(fail)?;
                let from: String = r.try_get(2).map_err(fail)?;
                let to: Option<String> = r.try_get(3).map_err(fail)?;
                match foreign_keys.last_mut() {
                    Some((last, fk)) if *last == id => {
                        fk.columns.push(from);
                        fk.references_columns.push(to.unwrap_or_default());
                    }
                    _ => foreign_keys.push((
                        id,
                        ForeignKey {
                            columns: vec![from],
                            references_table: format!("main.{target}"),
                            references_columns: vec![to.unwrap_or_default()],
                        },
                    )),
                }
            }
            let idx_rows = sqlx::query(
                "SELECT il.name, il.\"unique\", ii.name FROM pragma_index_list(?1) il, pragma_index_info(il.name) ii \
                 ORDER BY il.name, ii.seqno",
            )
            .bind(&table.name)
            .fetch_all(&mut *conn)
            .await
            .map_err(fail)?;
            let mut indexes: Vec<IndexInfo> = Vec::new();
            for r in idx_rows {
                let name: String = r.try_get(0).map_err(fail)?;
                let unique: i64 = r.try_get(1).map_err(fail)?;
                let col: Option<String> = r.try_get(2).map_err(fail)?;
                let col = col.unwrap_or_else(|| "(expression)".into());
                match indexes.last_mut() {
                    Some(ix) if ix.name == name => ix.columns.push(col),
                    _ => indexes.push(IndexInfo {
                        name,
                        columns: vec![col],
                        unique: unique != 0,
                    }),
                }
            }
            Ok(TableDescription {
                schema: "main".into(),
                name: table.name.clone(),
                kind,
                comment: None,
                columns,
                primary_key: pk.into_iter().map(|(_, n)| n).collect(),
                foreign_keys: foreign_keys.into_iter().map(|(_, f)| f).collect(),
                indexes,
            })
        }
    }
}

/// Warn about a database login that can do more than read.
pub async fn inspect_login(db: &Database) -> Vec<String> {
    let mut warnings = Vec::new();
    let Pool::Postgres(pool) = &db.pool else {
        return warnings;
    };
    let Ok(mut c) = pool.get().await else {
        return warnings;
    };
    let row = sqlx::query(
        "SELECT r.rolsuper, r.rolbypassrls, \
         pg_catalog.pg_has_role(current_user, 'pg_read_server_files', 'MEMBER') \
           OR pg_catalog.pg_has_role(current_user, 'pg_execute_server_program', 'MEMBER'), \
         EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = ANY($1) AND c.relkind IN ('r','p') \
                 AND pg_catalog.has_table_privilege(c.oid, 'INSERT,UPDATE,DELETE,TRUNCATE')) \
         FROM pg_catalog.pg_roles r WHERE r.rolname = current_user",
    )
    .bind(db.schemas())
    .fetch_optional(&mut c.conn)
    .await;
    if let Ok(Some(r)) = row {
        let flag = |i: usize| r.try_get::<bool, _>(i).unwrap_or(false);
        if flag(0) {
            warnings.push(
                "the database login is a SUPERUSER: use a login with SELECT-only grants".into(),
            );
        }
        if flag(1) {
            warnings.push("the database login bypasses row-level security (BYPASSRLS)".into());
        }
        if flag(2) {
            warnings.push("the database login can read server files or run server programs".into());
        }
        if flag(3) {
            warnings.push(
                "the database login can write (INSERT/UPDATE/DELETE/TRUNCATE) to exposed tables; \
                 sqlwarden blocks writes, but a SELECT-only login is defense in depth"
                    .into(),
            );
        }
    }
    warnings
}
