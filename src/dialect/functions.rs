//! Default function allowlists per dialect.
//!
//! Pure scalar, aggregate, window, date, string and JSON-builder functions only. Never on these
//! lists: anything that runs SQL given as text (query_to_xml and kin), touches files or large
//! objects, sleeps, locks, signals backends, changes settings, advances sequences, reaches other
//! servers (dblink), loads extensions, or builds huge values from small input (zeroblob,
//! randomblob, factorial); those that can build huge values or row sets but have everyday uses (repeat,
//! lpad, rpad, format/printf, generate_series) are allowed only with bounded arguments
//! ([`Bound`]). A policy may extend the list.

use super::Dialect;

pub(super) use super::bounds::bounded;
pub use super::bounds::{
    Bound, MAX_BUILT_SEARCHES, MAX_LIKE_PATTERN, MAX_NEEDLE, MAX_TRIM_SET, builtin_search_config,
    format_is_bounded,
};

/// Functions allowed on every dialect (names as the database folds them: lower case).
const COMMON: &[&str] = &[
    // sampling (`ORDER BY random() LIMIT n`)
    "random",
    // value builders, allowed only with bounded arguments (see `bounded`)
    "repeat",
    // aggregates
    "count",
    "sum",
    "avg",
    "min",
    "max",
    // window
    "row_number",
    "rank",
    "dense_rank",
    "percent_rank",
    "cume_dist",
    "ntile",
    "lag",
    "lead",
    "first_value",
    "last_value",
    "nth_value",
    // conditional
    "coalesce",
    "nullif",
    // numeric
    "abs",
    "round",
    "sign",
    // string
    "lower",
    "upper",
    "length",
    "substr",
    "substring",
    "trim",
    "ltrim",
    "rtrim",
    "replace",
    "instr",
    "unicode",
    "char",
];

const POSTGRES: &[&str] = &[
    // value and row builders, allowed only with bounded arguments (see `bounded`)
    "format",
    "lpad",
    "rpad",
    "generate_series",
    // aggregates and statistics
    "string_agg",
    "array_agg",
    "json_agg",
    "jsonb_agg",
    "json_object_agg",
    "jsonb_object_agg",
    "bool_and",
    "bool_or",
    "every",
    "bit_and",
    "bit_or",
    "stddev",
    "stddev_pop",
    "stddev_samp",
    "variance",
    "var_pop",
    "var_samp",
    "corr",
    "covar_pop",
    "covar_samp",
    "regr_slope",
    "regr_intercept",
    "regr_r2",
    "regr_count",
    "regr_avgx",
    "regr_avgy",
    "regr_sxx",
    "regr_syy",
    "regr_sxy",
    "bit_xor",
    "percentile_cont",
    "percentile_disc",
    "mode",
    "grouping",
    "any_value",
    // conditional and comparison
    "greatest",
    "least",
    "num_nulls",
    "num_nonnulls",
    // numeric
    "ceil",
    "ceiling",
    "floor",
    "trunc",
    "mod",
    "power",
    "pow",
    "sqrt",
    "cbrt",
    "exp",
    "ln",
    "log",
    "log10",
    "div",
    "degrees",
    "radians",
    "pi",
    "width_bucket",
    "scale",
    "gcd",
    "lcm",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "atan2",
    "sind",
    "cosd",
    "tand",
    "cot",
    "cotd",
    "asind",
    "acosd",
    "atand",
    "atan2d",
    "sinh",
    "cosh",
    "tanh",
    "asinh",
    "acosh",
    "atanh",
    "min_scale",
    "trim_scale",
    "random_normal",
    // string
    "concat",
    "concat_ws",
    "char_length",
    "character_length",
    "octet_length",
    "bit_length",
    "initcap",
    "left",
    "right",
    "split_part",
    "strpos",
    "position",
    "reverse",
    "btrim",
    "translate",
    "md5",
    "starts_with",
    "quote_ident",
    "quote_literal",
    "quote_nullable",
    "to_hex",
    "ascii",
    "chr",
    "regexp_replace",
    "regexp_match",
    "regexp_like",
    "regexp_count",
    "regexp_substr",
    "regexp_instr",
    "regexp_split_to_array",
    "string_to_array",
    "array_to_string",
    "normalize",
    "unistr",
    "encode",
    "decode",
    "convert_from",
    "convert_to",
    "sha224",
    "sha256",
    "sha384",
    "sha512",
    // date and time
    "date", // date(ts): the function-style cast to date
    "now",
    "current_date",
    "current_time",
    "current_timestamp",
    "localtime",
    "localtimestamp",
    "statement_timestamp",
    "transaction_timestamp",
    "clock_timestamp",
    "timeofday",
    "date_add",
    "date_subtract",
    "date_trunc",
    "date_part",
    "date_bin",
    "extract",
    "age",
    "make_date",
    "make_time",
    "make_timestamp",
    "make_timestamptz",
    "make_interval",
    "to_char",
    "to_date",
    "to_timestamp",
    "to_number",
    "justify_days",
    "justify_hours",
    "justify_interval",
    "isfinite",
    // json builders and accessors
    "to_json",
    "to_jsonb",
    "row_to_json",
    "json_build_object",
    "jsonb_build_object",
    "json_build_array",
    "jsonb_build_array",
    "json_object",
    "jsonb_object",
    "json_extract_path",
    "json_extract_path_text",
    "jsonb_extract_path",
    "jsonb_extract_path_text",
    "json_array_length",
    "jsonb_array_length",
    "json_typeof",
    "jsonb_typeof",
    "jsonb_pretty",
    "jsonb_strip_nulls",
    "json_strip_nulls",
    "jsonb_set",
    "jsonb_insert",
    "jsonb_path_query_first",
    "jsonb_path_query",
    "array_to_json",
    "jsonb_path_exists",
    "jsonb_path_match",
    "jsonb_path_query_array",
    "json_array_elements",
    "jsonb_array_elements",
    "json_array_elements_text",
    "jsonb_array_elements_text",
    "json_each",
    "jsonb_each",
    "json_each_text",
    "jsonb_each_text",
    "json_object_keys",
    "jsonb_object_keys",
    // arrays (ARRAY(SELECT ...) is a call to `array`)
    "array",
    "array_length",
    "cardinality",
    "array_position",
    "array_positions",
    "array_remove",
    "array_replace",
    "array_append",
    "array_prepend",
    "array_cat",
    "unnest",
    // set-returning over their input, as in FROM
    "regexp_split_to_table",
    "string_to_table",
    "regexp_matches",
    "generate_subscripts",
    // range constructors
    "daterange",
    "tsrange",
    "tstzrange",
    "int4range",
    "int8range",
    "numrange",
    // `timezone(zone, ts)` is `ts AT TIME ZONE zone`
    "timezone",
    "array_lower",
    "array_upper",
    "array_ndims",
    "array_dims",
    // misc pure
    "current_user",
    "session_user",
    "user",
    "current_schema",
    "current_database",
    // ROW(a, b) and ROW(t.*): a record of values the caller may read
    "row",
    "pg_typeof",
    // full-text search over the values a query reads (not ts_stat or ts_rewrite, which run
    // the SQL text they are given)
    "to_tsvector",
    "to_tsquery",
    "plainto_tsquery",
    "phraseto_tsquery",
    "websearch_to_tsquery",
    "ts_rank",
    "ts_rank_cd",
    "ts_headline",
    "setweight",
    "strip",
    "numnode",
    "querytree",
    "tsvector_to_array",
    "array_to_tsvector",
    // ranges
    "isempty",
    "lower_inc",
    "upper_inc",
    "lower_inf",
    "upper_inf",
    "range_merge",
    // more pure functions
    "trim_array",
    "jsonb_exists",
    "jsonb_exists_any",
    "jsonb_exists_all",
    "get_byte",
    "get_bit",
    "bit_count",
    "gen_random_uuid",
];

const SQLITE: &[&str] = &[
    // value builders, allowed only with bounded arguments (see `bounded`)
    "printf",
    "format",
    // aggregates (not the percentile extension's median and percentiles: their sort recursed
    // as deep as the values were many on adversarial input and overflowed the worker's stack,
    // taking the whole server down)
    "group_concat",
    "string_agg",
    "total",
    // conditional
    "ifnull",
    "iif",
    "if",
    "likely",
    "unlikely",
    "likelihood",
    "typeof",
    // numeric
    "ceil",
    "ceiling",
    "floor",
    "trunc",
    "mod",
    "pow",
    "power",
    "sqrt",
    "exp",
    "ln",
    "log",
    "log10",
    "log2",
    "pi",
    "degrees",
    "radians",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "atan2",
    "sinh",
    "cosh",
    "tanh",
    "asinh",
    "acosh",
    "atanh",
    // string
    "hex",
    "quote",
    "concat",
    "concat_ws",
    "like",
    "glob",
    "octet_length",
    // date and time
    "date",
    "time",
    "datetime",
    "julianday",
    "unixepoch",
    "strftime",
    "timediff",
    // the SQL keywords for now (UTC text, as `date('now')` and kin)
    "current_date",
    "current_time",
    "current_timestamp",
    // json
    "json",
    "json_object",
    "json_array",
    "json_extract",
    "json_type",
    "json_valid",
    "json_array_length",
    "json_group_array",
    "json_group_object",
    "json_quote",
    "json_each",
    "json_tree",
    "json_set",
    "json_insert",
    "json_replace",
    "json_remove",
    "json_pretty",
    "json_error_position",
    // (not SQLite's binary JSON functions, jsonb*: their blobs nest without a bound, and
    // SQLite's printer of such a blob recursed once per level until a worker's stack
    // overflowed; nor unhex, a way to build a blob of any bytes)
    // backslash escapes to characters, and back
    "unistr",
    "unistr_quote",
    // multi-arg min/max are covered by COMMON
];

/// Whether `name` (already normalized) is on the default list for `dialect`.
/// Functions whose value may differ between two calls in one statement (PostgreSQL's volatile
/// ones, SQLite's random ones), allowed or not: a guard that reads a value twice must not read
/// one of these.
pub(crate) const VOLATILE: &[&str] = &[
    "random",
    "random_normal",
    "randomblob",
    "clock_timestamp",
    "timeofday",
    "gen_random_uuid",
    "uuidv4",
    "uuidv7",
    "setseed",
    "nextval",
    "currval",
    "lastval",
    "txid_current",
    "pg_current_xact_id",
];

pub(super) fn default_allows(dialect: Dialect, name: &str) -> bool {
    COMMON.contains(&name)
        || match dialect {
            Dialect::Postgres => POSTGRES.contains(&name),
            Dialect::Sqlite => SQLITE.contains(&name),
        }
}

/// Table functions (functions in FROM) allowed by default: set-returning, pure, bounded by
/// their input; generate_series only with bounded arguments (see `bounded`).
pub(super) fn default_allows_in_from(dialect: Dialect, name: &str) -> bool {
    match dialect {
        Dialect::Postgres => matches!(
            name,
            "unnest"
                | "json_array_elements"
                | "jsonb_array_elements"
                | "json_array_elements_text"
                | "jsonb_array_elements_text"
                | "json_each"
                | "jsonb_each"
                | "json_each_text"
                | "jsonb_each_text"
                | "json_object_keys"
                | "jsonb_object_keys"
                | "json_to_record"
                | "jsonb_to_record"
                | "json_to_recordset"
                | "jsonb_to_recordset"
                | "regexp_split_to_table"
                | "string_to_table"
                | "regexp_matches"
                | "generate_subscripts"
                | "generate_series"
        ),
        Dialect::Sqlite => matches!(name, "json_each" | "json_tree"),
    }
}

#[cfg(test)]
mod tests {
    use super::format_is_bounded;

    #[test]
    fn format_widths() {
        assert!(format_is_bounded("%.2f"));
        assert!(format_is_bounded("%-10s|%5d"));
        assert!(format_is_bounded("%1$s %2$s"));
        assert!(!format_is_bounded("%2000000000s"));
        assert!(!format_is_bounded("%.9999f"));
        assert!(!format_is_bounded("%*d"));
        assert!(!format_is_bounded("%1$*2$s"));
    }
}
