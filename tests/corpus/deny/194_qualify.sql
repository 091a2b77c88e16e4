-- dialect: any
-- expect: deny unsupported_syntax
-- why: QUALIFY is a Snowflake/BigQuery clause the parser accepts in every dialect but the analyzer does not support.
SELECT id, customer_id FROM orders QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY ordered_at DESC) = 1
