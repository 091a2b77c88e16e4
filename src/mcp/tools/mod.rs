//! One file per tool. Argument structs' doc comments are the schema the model reads.

pub(crate) mod describe_table;
pub(crate) mod explain_query;
pub(crate) mod list_tables;
pub(crate) mod query;

pub use describe_table::DescribeTableArgs;
pub use explain_query::ExplainQueryArgs;
pub use list_tables::ListTablesArgs;
pub use query::QueryArgs;
