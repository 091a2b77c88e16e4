//! Names that are reserved words: quoted where sqlparser read them as a column or output name,
//! refused where it read them as a table.

use super::*;

/// Reserved words (PostgreSQL's list, which covers SQLite's structural ones) that sqlparser
/// sometimes accepts as bare names. Printed bare, the database would read them as keywords and
/// the statement would change shape: a bare one naming a table is refused, and one naming a
/// column or an output column is quoted (see [`quote_reserved`]); quoted is fine.
pub(super) const RESERVED: &[&str] = &[
    "ALL",
    "ANALYSE",
    "ANALYZE",
    "AND",
    "ANY",
    "ARRAY",
    "AS",
    "ASC",
    "ASYMMETRIC",
    "BOTH",
    "CASE",
    "CAST",
    "CHECK",
    "COLLATE",
    "COLUMN",
    "CONSTRAINT",
    "CREATE",
    "DEFAULT",
    "DEFERRABLE",
    "DESC",
    "DISTINCT",
    "DO",
    "ELSE",
    "END",
    "EXCEPT",
    "FALSE",
    "FETCH",
    "FOR",
    "FOREIGN",
    "FROM",
    "GRANT",
    "GROUP",
    "HAVING",
    "IN",
    "INITIALLY",
    "INTERSECT",
    "INTO",
    "LATERAL",
    "LEADING",
    "LIMIT",
    "NOT",
    "NULL",
    "OFFSET",
    "ON",
    "ONLY",
    "OR",
    "ORDER",
    "PLACING",
    "PRIMARY",
    "REFERENCES",
    "RETURNING",
    "SELECT",
    "SOME",
    "SYMMETRIC",
    "TABLE",
    "THEN",
    "TO",
    "TRAILING",
    "TRUE",
    "UNION",
    "UNIQUE",
    "USING",
    "VARIADIC",
    "WHEN",
    "WHERE",
    "WINDOW",
    "WITH",
];

fn is_reserved(ident: &Ident) -> bool {
    ident.quote_style.is_none()
        && RESERVED
            .iter()
            .any(|r| r.eq_ignore_ascii_case(&ident.value))
}

/// A bare reserved word sqlparser took for a column or output name (`max(d) AS from`,
/// `x.case` for a CTE column PostgreSQL named `case`), quoted so that the database reads the
/// name governance read: on PostgreSQL in lower case, as it folds the bare word; on SQLite in
/// backquotes, which never turn into a string as a double-quoted missing name does. A table's
/// name or alias is still refused ([`check_name`]): `FROM ONLY orders` is a table `ONLY` to
/// sqlparser.
pub(super) fn quote_reserved(ident: &mut Ident, dialect: Dialect) -> Walk {
    if ident.value.is_empty() {
        return Err(unsupported("an empty quoted name"));
    }
    if is_reserved(ident) {
        match dialect {
            Dialect::Postgres => {
                ident.value = ident.value.to_ascii_lowercase();
                ident.quote_style = Some('"');
            }
            Dialect::Sqlite => ident.quote_style = Some('`'),
        }
    }
    Ok(())
}

pub(super) fn check_name(ident: &Ident) -> Walk {
    // (PostgreSQL refuses `""`; governance keeps nameless FROM items under the empty name)
    if ident.value.is_empty() {
        return Err(unsupported("an empty quoted name"));
    }
    if is_reserved(ident) {
        return Err(Denial::new(
            Rule::UnsupportedSyntax,
            format!(
                "`{}` is a reserved word; write it as a quoted name (\"{}\") if it is one",
                ident.value, ident.value
            ),
        ));
    }
    Ok(())
}
