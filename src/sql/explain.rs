//! EXPLAIN that shows a role no more than it may query.
//!
//! A plan names what the planner touched and what it estimated: partitions and inheritance
//! children (tables of their own, not granted), the tables a row filter's subquery reads, index
//! names (which can name hidden columns), filter expressions (the policy's row filter, its bound
//! attribute values, hidden columns), and row estimates taken from statistics over every row,
//! not only the ones the role sees. So:
//! - For every role, a relation the role is not granted is printed as the caller's alias for it
//!   when that alias comes from a granted table (a partition of `orders` appears as `orders_1`),
//!   else as `(table)`.
//! - For a role with a row filter or hidden columns on a table the statement reads
//!   ("restricted"), the plan is the shape only: PostgreSQL runs `EXPLAIN (COSTS FALSE)`, the
//!   detail lines (`Filter:`, `Index Cond:`, `Output:`, ...) are dropped, index names become
//!   `(index)`, SQLite's `(column=?)` constraints are dropped; and the options that print more
//!   than the shape (VERBOSE, SETTINGS, GENERIC_PLAN, BUFFERS, WAL, SUMMARY, MEMORY, SERIALIZE,
//!   a FORMAT other than TEXT) are refused.
//!
//! Input: the EXPLAIN statement and the role; output: the statement to run, and a
//! [`PlanRedaction`] that `db::execute` applies to the plan rows before anyone sees them.

use std::collections::BTreeSet;

use sqlparser::ast::{AnalyzeFormat, AnalyzeFormatKind, Expr, Ident, Statement, UtilityOption};

use super::{Denial, Dialect, Rule};

/// How to print a plan for one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRedaction {
    dialect: Dialect,
    /// Shape only (see the module docs).
    restricted: bool,
    /// Names (lower case) of the tables the role is granted.
    granted: BTreeSet<String>,
    /// Names (lower case) of catalog tables the role is not granted (SQLite prints aliases and
    /// table names in the same place, so only these are replaced there).
    hidden: BTreeSet<String>,
}

/// Check an EXPLAIN's options for the role and make its plan shape-only where it must be.
pub(crate) fn govern_explain(
    statement: &mut Statement,
    dialect: Dialect,
    restricted: bool,
    granted: BTreeSet<String>,
    hidden: BTreeSet<String>,
) -> Result<Option<PlanRedaction>, Denial> {
    let Statement::Explain {
        describe_alias,
        verbose,
        format,
        options,
        query_plan,
        ..
    } = statement
    else {
        return Ok(None);
    };
    // SQLite's plain EXPLAIN lists the statement's bytecode: its registers, column numbers and
    // root pages describe the tables as they are, hidden columns and all, and no line of it is
    // a plan a model can use. Its query plan is what EXPLAIN shows here.
    if dialect == Dialect::Sqlite
        && matches!(describe_alias, sqlparser::ast::DescribeAlias::Explain)
        && !*query_plan
    {
        *query_plan = true;
    }
    // For every role: only a text plan goes through the line-by-line redaction below (a JSON
    // or YAML plan is one cell naming partitions and a view's base tables), and VERBOSE lists
    // the columns of relations the role is not granted.
    let everyone = |what: &str| {
        Denial::new(
            Rule::StatementKind,
            format!(
                "EXPLAIN {what} can print relations and columns the role is not granted; use plain EXPLAIN (a text plan)"
            ),
        )
    };
    if *verbose {
        return Err(everyone("VERBOSE"));
    }
    if let Some(AnalyzeFormatKind::Keyword(f) | AnalyzeFormatKind::Assignment(f)) = format
        && *f != AnalyzeFormat::TEXT
    {
        return Err(everyone(&format!("FORMAT {f}")));
    }
    for o in options.iter().flatten() {
        let name = o.name.value.to_ascii_uppercase();
        let arg = o.arg.as_ref().map(|a| a.to_string().to_ascii_lowercase());
        let on = arg
            .as_deref()
            .is_none_or(|a| !matches!(a, "false" | "off" | "0"));
        match name.as_str() {
            "VERBOSE" if on => return Err(everyone("VERBOSE")),
            "FORMAT"
                if arg
                    .as_deref()
                    .is_some_and(|a| a.trim_matches('\'') != "text") =>
            {
                return Err(everyone(&format!("FORMAT {}", arg.unwrap_or_default())));
            }
            // What prints the plan and its planning costs only (ANALYZE and its spellings were
            // refused already; TIMING, WAL and SERIALIZE need it). Any other option, SETTINGS
            // (the server's configuration) among them, is refused.
            "VERBOSE" | "FORMAT" | "COSTS" | "ANALYZE" | "ANALYSE" | "BUFFERS" | "SUMMARY"
            | "GENERIC_PLAN" | "MEMORY" | "TIMING" | "WAL" | "SERIALIZE" => {}
            _ => return Err(everyone(&name)),
        }
    }
    if restricted {
        let refuse = |what: &str| {
            Denial::new(
                Rule::StatementKind,
                format!(
                    "EXPLAIN {what} prints more than the plan's shape, which this role's row filters or hidden columns do not allow; use plain EXPLAIN"
                ),
            )
        };
        // (VERBOSE and formats other than text were refused above, for every role.)
        let mut kept = Vec::new();
        for o in options.take().unwrap_or_default() {
            let name = o.name.value.to_ascii_uppercase();
            match name.as_str() {
                // COSTS is set below; ANALYZE was refused already
                "COSTS" | "ANALYZE" | "ANALYSE" => {}
                "FORMAT"
                    if o.arg
                        .as_ref()
                        .is_some_and(|a| a.to_string().eq_ignore_ascii_case("text")) =>
                {
                    kept.push(o)
                }
                _ => return Err(refuse(&name)),
            }
        }
        // PostgreSQL's own EXPLAIN syntax only (the database refuses the others anyway).
        let pg_syntax =
            matches!(describe_alias, sqlparser::ast::DescribeAlias::Explain) && !*query_plan;
        if dialect == Dialect::Postgres && pg_syntax {
            kept.push(UtilityOption {
                name: Ident::new("COSTS"),
                arg: Some(Expr::value(sqlparser::ast::Value::Boolean(false))),
            });
            *options = Some(kept);
        } else if !kept.is_empty() {
            *options = Some(kept);
        }
    }
    Ok(Some(PlanRedaction {
        dialect,
        restricted,
        granted,
        hidden,
    }))
}

impl PlanRedaction {
    /// Shape only: the role reads a table through a row filter or hidden columns.
    pub fn restricted(&self) -> bool {
        self.restricted
    }

    /// One line of the plan as this role may see it; `None` drops the line.
    pub fn line(&self, line: &str) -> Option<String> {
        match self.dialect {
            Dialect::Postgres => self.pg_line(line),
            Dialect::Sqlite => Some(self.sqlite_line(line)),
        }
    }

    fn pg_line(&self, line: &str) -> Option<String> {
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        let (arrow, node) = match body.strip_prefix("->") {
            Some(rest) => ("->", rest),
            None => ("", body),
        };
        let first_line = indent.is_empty() && arrow.is_empty();
        let is_node = first_line
            || !arrow.is_empty()
            || node.starts_with("SubPlan")
            || node.starts_with("InitPlan")
            || node.starts_with("CTE ");
        if !is_node && self.restricted {
            return None;
        }
        if !is_node {
            return Some(line.to_string());
        }
        let lead = node.len() - node.trim_start().len();
        let node_text = self.pg_node(node.trim_start());
        Some(format!("{indent}{arrow}{}{node_text}", &node[..lead]))
    }

    /// `Seq Scan on rel alias  (cost...)`, `Index Scan using idx on rel alias`, ...
    fn pg_node(&self, node: &str) -> String {
        let (head, costs) = match node.find("  (") {
            Some(i) => node.split_at(i),
            None => (node, ""),
        };
        let mut words: Vec<String> = head.split(' ').map(str::to_string).collect();
        let kind_is_scan_of_relation = ![
            "Subquery Scan",
            "CTE Scan",
            "Function Scan",
            "Values Scan",
            "WorkTable Scan",
            "Named Tuplestore Scan",
            "Table Function Scan",
        ]
        .iter()
        .any(|k| head.starts_with(k) || head.starts_with(&format!("Parallel {k}")));
        let mut i = 0;
        while i < words.len() {
            match words[i].as_str() {
                "using" if self.restricted && i + 1 < words.len() => {
                    words[i + 1] = "(index)".into();
                    i += 2;
                }
                "on" if i + 1 < words.len() => {
                    let index_scan = words[..i].join(" ").ends_with("Bitmap Index Scan");
                    if index_scan {
                        if self.restricted {
                            words[i + 1] = "(index)".into();
                        }
                    } else if kind_is_scan_of_relation {
                        let rel = unquote(&words[i + 1]);
                        if !self.granted.contains(&rel) {
                            let alias = words.get(i + 2).map(|a| unquote(a));
                            let shown = alias
                                .filter(|a| self.granted.contains(&strip_counter(a)))
                                .unwrap_or_else(|| "(table)".into());
                            words.truncate(i + 1);
                            words.push(shown);
                            break;
                        }
                    }
                    i += 2;
                }
                _ => i += 1,
            }
        }
        let costs = if self.restricted { "" } else { costs };
        format!("{}{costs}", words.join(" "))
    }

    /// `SCAN t`, `SEARCH t USING INDEX idx (a=?)`, `USING COVERING INDEX idx`, ...
    fn sqlite_line(&self, line: &str) -> String {
        let mut words: Vec<String> = line.split(' ').map(str::to_string).collect();
        for i in 0..words.len() {
            let prev = if i > 0 {
                words[i - 1].clone()
            } else {
                String::new()
            };
            if (prev == "SCAN" || prev == "SEARCH") && self.hidden.contains(&unquote(&words[i])) {
                words[i] = "(table)".into();
            }
            if self.restricted && prev == "INDEX" {
                words[i] = "(index)".into();
            }
        }
        let mut out = words.join(" ");
        if self.restricted
            && let Some(open) = out.find(" (")
            && out.ends_with(')')
            && !out[..open].ends_with("SCAN")
        {
            out.truncate(open);
        }
        out
    }
}

fn unquote(s: &str) -> String {
    let s = s.rsplit('.').next().unwrap_or(s);
    s.trim_matches('"').to_ascii_lowercase()
}

/// `orders_1` -> `orders` (PostgreSQL numbers repeated aliases of one relation).
fn strip_counter(alias: &str) -> String {
    match alias.rsplit_once('_') {
        Some((base, n)) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => base.into(),
        _ => alias.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redaction(restricted: bool) -> PlanRedaction {
        PlanRedaction {
            dialect: Dialect::Postgres,
            restricted,
            granted: ["orders".to_string(), "customers".to_string()].into(),
            hidden: BTreeSet::new(),
        }
    }

    #[test]
    fn partitions_and_filters_are_redacted() {
        let plan = [
            "Hash Join  (cost=1.00..2.00 rows=10 width=8)",
            "  Hash Cond: (o.customer_id = c.id)",
            "  ->  Append  (cost=0.00..1.00 rows=5 width=8)",
            "        ->  Seq Scan on orders_2024_secret orders_1  (cost=0.00..1.00 rows=5 width=8)",
            "              Filter: ((region)::text = 'north'::text)",
            "        ->  Index Scan using orders_2025_email_idx on orders_2025 orders_2  (cost=0.1..1 rows=1 width=8)",
            "  ->  Seq Scan on acl  (cost=0.00..1.00 rows=5 width=8)",
            "  ->  Bitmap Index Scan on customers_email_idx",
        ];
        let restricted: Vec<String> = plan
            .iter()
            .filter_map(|l| redaction(true).line(l))
            .collect();
        let text = restricted.join("\n");
        for secret in ["secret", "north", "email", "acl", "rows=", "Filter", "2025"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert!(text.contains("Seq Scan on orders_1"), "{text}");
        assert!(
            text.contains("Index Scan using (index) on orders_2"),
            "{text}"
        );
        assert!(text.contains("Seq Scan on (table)"), "{text}");
        let open: Vec<String> = plan
            .iter()
            .filter_map(|l| redaction(false).line(l))
            .collect();
        let text = open.join("\n");
        assert!(
            text.contains("Filter:") && text.contains("rows=5"),
            "{text}"
        );
        assert!(!text.contains("secret") && !text.contains("acl"), "{text}");
    }
}
