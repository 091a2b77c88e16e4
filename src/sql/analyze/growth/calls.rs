//! Calls: the size of a function's value from its arguments' (see the parent module).

use sqlparser::ast::{Expr, FunctionArg, FunctionArgExpr, Value};

use super::{Dialect, Growth, SCALAR, Size, numbers};

/// The rows a collecting aggregate's literal bytes are counted for (`string_agg(repeat('x',
/// 100), ...)` over a series grows by its literal bytes per row: 32 of them over 1.2 MB values
/// took 76 MB per row, a red-team finding).
const AGGREGATED_ROWS: u64 = 1000;

impl Growth {
    /// The most a computed count or width of `name` may be when the statement runs.
    fn size_bound(&self, name: &str) -> Option<u64> {
        match self.dialect.function_bound(name)? {
            crate::dialect::Bound::Count { max, .. } | crate::dialect::Bound::Width { max, .. } => {
                Some(max)
            }
            _ => None,
        }
    }

    /// The value of a call to `name` with arguments of these sizes (and literal texts, and
    /// whether each is a JSON value). Anything but a number, a date and the like may be text
    /// the statement put together ([`Size::assembled`]).
    pub(super) fn call(
        &mut self,
        name: &str,
        args: &[Size],
        literals: &[Option<String>],
        json: &[bool],
    ) -> Size {
        if self.dialect == Dialect::Postgres
            && let Some(number) = number_call(name, args, literals)
        {
            return number;
        }
        let value = self.value_of(name, args, literals, json);
        // A part of a value, or its case changed, puts nothing new together: it is assembled
        // only if what it reads was (which `value` carries).
        if fixed_result(name) || passed_through(name) || extracting(name) {
            value
        } else {
            value.assembled()
        }
    }

    fn value_of(
        &mut self,
        name: &str,
        args: &[Size],
        literals: &[Option<String>],
        json: &[bool],
    ) -> Size {
        let arg = |i: usize| args.get(i).copied().unwrap_or(Size::ZERO);
        let count = |i: usize| {
            literals
                .get(i)
                .and_then(|l| l.as_deref())
                .and_then(|l| l.parse::<u64>().ok())
        };
        let text = |i: usize| literals.get(i).and_then(|l| l.as_deref());
        let sum = args.iter().fold(Size::ZERO, |acc, s| acc.plus(*s));
        let widest = args.iter().fold(Size::ZERO, |acc, s| acc.max(*s));
        match name {
            // Aggregates that collect every row's value, and ARRAY(SELECT ...).
            _ if collecting(name) => {
                self.collecting = self.collecting.saturating_add(1);
                self.collected = Some(sum);
                // The statement's own bytes in each row's value (and separator) add up over
                // the rows: counted for a thousand of them.
                let per_row = Size::fixed(sum.fixed.saturating_mul(AGGREGATED_ROWS));
                self.built = self.built.plus_total(per_row);
                Size::GROWN
            }
            // One of their arguments, unchanged.
            _ if passed_through(name) => widest,
            // A count or width that is no literal is checked against the bound when the
            // statement runs (`analyze::sizes`).
            "repeat" => match count(1).or_else(|| self.size_bound(name)) {
                Some(n) => self.made(arg(0).times(n)),
                None => self.made(arg(0).product(arg(1), arg(1).fixed)),
            },
            "lpad" | "rpad" => match count(1).or_else(|| self.size_bound(name)) {
                Some(n) => self.made(Size::fixed(n.saturating_mul(4))),
                None => self.made(arg(0).product(arg(2), arg(2).fixed)),
            },
            // Each match of the searched text (at least its length) becomes the replacement.
            "replace" | "array_replace" => {
                let searched = text(1).map_or(1, |t| t.len().max(1) as u64);
                let factor = arg(2).fixed.div_ceil(searched);
                self.made(arg(0).product(arg(2), factor))
            }
            // A pattern may match the empty string between characters, and a replacement's
            // `\&` and `\1` copy the match again.
            "regexp_replace" => {
                let copies = text(2).is_none_or(|r| r.contains('\\'));
                let out = arg(0).product(arg(2), arg(2).fixed.saturating_add(1));
                self.made(if copies { out.times(2) } else { out })
            }
            "array_to_string" => {
                let separators = arg(1).plus(arg(2));
                self.made(arg(0).product(separators, separators.fixed))
            }
            // Indentation per level: quadratic in the nesting a literal can write, a few
            // times a stored value.
            "jsonb_pretty" => self.made(Size {
                fixed: arg(0).fixed.saturating_mul(arg(0).fixed.max(1)),
                ..arg(0).escaped(4, 4)
            }),
            // Each argument once, at up to three-digit widths; a positional `%1$s` may
            // repeat one as often as the format has specifiers.
            "format" | "printf" => {
                let format = text(0);
                let specs = format.map_or(1, |f| f.matches('%').count() as u64);
                let positional = format.is_none_or(|f| f.contains('$'));
                let values = args.iter().skip(1).fold(Size::ZERO, |acc, s| acc.plus(*s));
                let values = if positional {
                    values.times(specs)
                } else {
                    values
                };
                self.made(
                    arg(0)
                        .plus(values)
                        .plus(Size::fixed(specs.saturating_mul(4000))),
                )
            }
            "concat_ws" => {
                let n = args.len().saturating_sub(1) as u64;
                let values = args.iter().skip(1).fold(Size::ZERO, |acc, s| acc.plus(*s));
                self.made(values.plus(arg(0).times(n)))
            }
            // Escapes: a control character of the caller's prints as six; a stored text
            // grows by its quotes and backslashes (a JSON argument is not escaped again).
            "to_json" | "to_jsonb" | "row_to_json" | "json_build_object" | "jsonb_build_object"
            | "json_build_array" | "jsonb_build_array" | "json_object" | "jsonb_object"
            | "array_to_json" | "json_array" | "json_quote" => {
                let escaped = args.iter().enumerate().fold(Size::ZERO, |acc, (i, s)| {
                    let embedded = json.get(i).copied().unwrap_or(false);
                    acc.plus(if embedded { *s } else { s.escaped(6, 2) })
                });
                self.made(escaped.plus(Size::fixed(SCALAR)))
            }
            // Quotes and backslashes doubled.
            "quote_ident" | "quote_literal" | "quote_nullable" | "quote" => {
                self.made(sum.times(2).plus(Size::fixed(SCALAR)))
            }
            // Case mappings grow a character to at most three.
            "initcap" | "lower" | "upper" => self.made(sum.escaped(3, 1)),
            "to_char" => self.made(sum.escaped(8, 2).plus(Size::fixed(SCALAR))),
            "encode" | "translate" | "hex" => self.made(sum.times(4).plus(Size::fixed(SCALAR))),
            "normalize" => self.made(arg(0).times(18)),
            // One character per argument.
            "char" | "chr" => Size::fixed(4 * args.len().max(1) as u64),
            // Each `[a, b, ...]` of a path yields every listed element: lists multiply. A
            // `**` yields every level of the value, each a copy of all below it: quadratic in
            // its nesting (a jsonb nested 2,000 deep took 478 MB), so per `**` the value again
            // for each of its bytes, at 32 bytes a node.
            "jsonb_path_query" | "jsonb_path_query_array" | "jsonb_path_query_first" => {
                match literals.get(1).and_then(|l| l.as_deref()) {
                    Some(path) => {
                        let mut out = arg(0).times(path_fan_out(path));
                        for _ in 0..path.matches("**").count().min(4) {
                            out = out.product(arg(0), arg(0).fixed.saturating_mul(32));
                        }
                        self.made(out)
                    }
                    None => self.made(arg(0).product(arg(1), arg(1).fixed.saturating_mul(32))),
                }
            }
            // Every word may be wrapped in the options' StartSel and StopSel.
            "ts_headline" => self.made(arg(1).product(arg(3), arg(3).fixed).times(2)),
            // Measured on PostgreSQL: about 42 bytes per character split with a NULL
            // separator, 76 per character split by a regular expression (matches, wide
            // characters and elements).
            "string_to_array" => self.made(arg(0).times(48).plus(Size::fixed(SCALAR))),
            "regexp_split_to_array" | "regexp_split_to_table" => {
                self.made(arg(0).times(80).plus(Size::fixed(SCALAR)))
            }
            "tsvector_to_array" => self.made(arg(0).times(8).plus(Size::fixed(SCALAR))),
            // Parsed into a word record per token before the vector or query is built: about
            // 42 bytes per character measured for `to_tsvector` ('a a a ...'), 37 for
            // `to_tsquery`.
            "to_tsvector"
            | "json_to_tsvector"
            | "jsonb_to_tsvector"
            | "array_to_tsvector"
            | "to_tsquery"
            | "plainto_tsquery"
            | "phraseto_tsquery"
            | "websearch_to_tsquery" => self.made(sum.times(48).plus(Size::fixed(SCALAR))),
            // One copy of the match per capture group, each also as wide characters (2.9
            // bytes per character per group measured); every match's positions with `g`.
            "regexp_match" | "regexp_matches" => {
                let per_char = match text(1) {
                    Some(p) => 8 * (p.matches('(').count() as u64 + 1),
                    None => 8 * arg(1).fixed.max(1),
                };
                let out = arg(0).escaped(per_char, per_char);
                self.made(match text(1) {
                    Some(_) => out,
                    None => out.product(arg(1), arg(1).fixed),
                })
            }
            _ if fixed_result(name) => Size::fixed(SCALAR),
            _ => self.made(sum.plus(Size::fixed(SCALAR))),
        }
    }
}

/// Functions whose value is a part of their first argument, or it in another case.
fn extracting(name: &str) -> bool {
    matches!(
        name,
        "split_part"
            | "substr"
            | "substring"
            | "left"
            | "right"
            | "btrim"
            | "ltrim"
            | "rtrim"
            | "trim"
            | "lower"
            | "upper"
            | "initcap"
            | "json_extract_path_text"
            | "jsonb_extract_path_text"
    )
}

/// Functions whose value is one of their arguments, unchanged.
fn passed_through(name: &str) -> bool {
    matches!(
        name,
        "min"
            | "max"
            | "any_value"
            | "mode"
            | "first_value"
            | "last_value"
            | "nth_value"
            | "lag"
            | "lead"
            | "percentile_disc"
            | "coalesce"
            | "nullif"
            | "greatest"
            | "least"
            | "ifnull"
    )
}

/// A call whose value is a number on PostgreSQL, sized as [`numbers`] says (`None`: not one).
fn number_call(name: &str, args: &[Size], literals: &[Option<String>]) -> Option<Size> {
    let arg = |i: usize| args.get(i).copied().unwrap_or(Size::ZERO);
    let text = |i: usize| literals.get(i).and_then(|l| l.as_deref());
    let widest = args.iter().fold(Size::ZERO, |acc, s| acc.max(*s));
    Some(match name {
        "abs" | "ceil" | "ceiling" | "floor" | "mod" | "sum" | "avg" | "sqrt" | "cbrt" | "div"
        | "gcd" | "degrees" | "radians" | "generate_series" | "to_number" => {
            numbers::number(widest)
        }
        "lcm" => numbers::product(arg(0), arg(1)),
        "round" | "trunc" => {
            numbers::rounded(arg(0), if args.len() < 2 { Some("0") } else { text(1) })
        }
        "power" | "pow" => numbers::power(arg(0), text(1)),
        "exp" => numbers::exp(arg(0), text(0)),
        "stddev" | "stddev_pop" | "stddev_samp" | "variance" | "var_pop" | "var_samp" => {
            numbers::number(widest.times(2))
        }
        _ => return None,
    })
}

/// Aggregates that collect every row's value, and `ARRAY(SELECT ...)`.
pub(super) fn collecting(name: &str) -> bool {
    matches!(
        name,
        "string_agg"
            | "array_agg"
            | "json_agg"
            | "jsonb_agg"
            | "json_object_agg"
            | "jsonb_object_agg"
            | "xmlagg"
            | "group_concat"
            | "json_group_array"
            | "json_group_object"
            | "range_agg"
            | "array"
    )
}

/// Functions whose value is a number, a date, a boolean or a digest, whatever their input.
fn fixed_result(name: &str) -> bool {
    matches!(
        name,
        "count"
            | "sum"
            | "avg"
            | "stddev"
            | "stddev_pop"
            | "stddev_samp"
            | "variance"
            | "var_pop"
            | "var_samp"
            | "corr"
            | "covar_pop"
            | "covar_samp"
            | "regr_slope"
            | "regr_intercept"
            | "regr_r2"
            | "regr_count"
            | "regr_avgx"
            | "regr_avgy"
            | "regr_sxx"
            | "regr_syy"
            | "regr_sxy"
            | "bool_and"
            | "bool_or"
            | "every"
            | "bit_and"
            | "bit_or"
            | "bit_xor"
            | "percentile_cont"
            | "grouping"
            | "row_number"
            | "rank"
            | "dense_rank"
            | "percent_rank"
            | "cume_dist"
            | "ntile"
            | "abs"
            | "round"
            | "sign"
            | "ceil"
            | "ceiling"
            | "floor"
            | "trunc"
            | "mod"
            | "power"
            | "pow"
            | "sqrt"
            | "cbrt"
            | "exp"
            | "ln"
            | "log"
            | "log10"
            | "div"
            | "degrees"
            | "radians"
            | "pi"
            | "width_bucket"
            | "scale"
            | "gcd"
            | "lcm"
            | "random"
            | "random_normal"
            | "length"
            | "char_length"
            | "character_length"
            | "octet_length"
            | "bit_length"
            | "strpos"
            | "position"
            | "instr"
            | "unicode"
            | "ascii"
            | "regexp_count"
            | "regexp_instr"
            | "regexp_like"
            | "starts_with"
            | "md5"
            | "sha224"
            | "sha256"
            | "sha384"
            | "sha512"
            | "now"
            | "current_date"
            | "current_time"
            | "current_timestamp"
            | "localtime"
            | "localtimestamp"
            | "statement_timestamp"
            | "transaction_timestamp"
            | "clock_timestamp"
            | "date_part"
            | "extract"
            | "date_trunc"
            | "date_bin"
            | "age"
            | "make_date"
            | "make_time"
            | "make_timestamp"
            | "make_timestamptz"
            | "make_interval"
            | "to_date"
            | "to_timestamp"
            | "to_number"
            | "isfinite"
            | "json_array_length"
            | "jsonb_array_length"
            | "json_typeof"
            | "jsonb_typeof"
            | "jsonb_path_exists"
            | "jsonb_path_match"
            | "jsonb_exists"
            | "jsonb_exists_any"
            | "jsonb_exists_all"
            | "array_length"
            | "cardinality"
            | "array_position"
            | "array_lower"
            | "array_upper"
            | "array_ndims"
            | "num_nulls"
            | "num_nonnulls"
            | "ts_rank"
            | "ts_rank_cd"
            | "numnode"
            | "isempty"
            | "lower_inc"
            | "upper_inc"
            | "lower_inf"
            | "upper_inf"
            | "get_byte"
            | "get_bit"
            | "bit_count"
            | "gen_random_uuid"
            | "generate_series"
            | "generate_subscripts"
            | "date"
            | "julianday"
            | "unixepoch"
            | "typeof"
    )
}

/// A literal argument's text (a count, a width, a format string).
pub(super) fn literal(a: &FunctionArg) -> Option<String> {
    match a {
        FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(v))) => match &v.value {
            Value::Number(n, _) => Some(n.clone()),
            Value::SingleQuotedString(s) => Some(s.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// How many values a JSON path literal may yield per value it reads: the product of its
/// subscript lists' lengths (`$[0,0,0][0,0,0]` yields nine).
fn path_fan_out(path: &str) -> u64 {
    let mut fan: u64 = 1;
    let mut depth = 0usize;
    let mut items: u64 = 1;
    for c in path.chars() {
        match c {
            '[' => {
                depth += 1;
                if depth == 1 {
                    items = 1;
                }
            }
            ',' if depth == 1 => items = items.saturating_add(1),
            ']' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    fan = fan.saturating_mul(items);
                }
            }
            _ => {}
        }
    }
    fan
}
