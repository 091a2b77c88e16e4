-- dialect: any
-- expect: deny unsupported_syntax
-- why: TABLE t shorthand (SetExpr::Table; sqlparser only accepts it as the last operand of a set operation) is not understood by the analyzer, even for a granted table.
SELECT * FROM customers UNION TABLE customers
