//! Types a statement casts to: which are allowed, and how wide a fixed-width one may be.

use super::*;

/// The widest `char(n)`, `bit(n)` a statement may cast to (see [`Walker::data_type`]).
pub(super) const MAX_FIXED_WIDTH: u64 = 1000;

impl Walker<'_> {
    pub(super) fn data_type(&self, dt: &DataType) -> Walk {
        // Fixed-width types pad every value to their width: `'x'::char(10485760)` and
        // `B'1'::bit(83886080)` make 10 MB from a byte, as `lpad` would (whose width is bounded
        // alike).
        let width = match dt {
            DataType::Char(Some(sqlparser::ast::CharacterLength::IntegerLength {
                length, ..
            }))
            | DataType::Character(Some(sqlparser::ast::CharacterLength::IntegerLength {
                length,
                ..
            }))
            | DataType::Bit(Some(length))
            | DataType::Binary(Some(length))
            | DataType::FixedString(length) => Some(*length),
            DataType::Custom(name, modifiers) => {
                let parts = normalize_name(self.dialect(), name).unwrap_or_default();
                match (parts.as_slice(), modifiers.as_slice()) {
                    ([t], [m]) if matches!(t.as_str(), "bpchar" | "bit" | "char") => {
                        Some(m.trim().parse::<u64>().unwrap_or(u64::MAX))
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some(width) = width
            && width > MAX_FIXED_WIDTH
        {
            return Err(Denial::new(
                Rule::FunctionNotAllowed,
                format!(
                    "the type {dt} pads every value to {width}; fixed widths of at most {MAX_FIXED_WIDTH} are allowed (use varchar, text or varbit)"
                ),
            ));
        }
        match dt {
            DataType::Regclass | DataType::Table(_) | DataType::NamedTable { .. } => {
                Err(unsupported(&format!("the type {dt}")))
            }
            DataType::Custom(name, _) => {
                let parts = normalize_name(self.dialect(), name).unwrap_or_default();
                let ok = matches!(parts.as_slice(), [t] if matches!(t.as_str(),
                    "int2" | "int4" | "int8" | "float4" | "float8" | "timestamptz" | "timetz" | "bpchar" | "varbit" | "char"
                    | "serial" | "bigserial" | "citext" | "money" | "inet" | "cidr" | "macaddr"
                    | "tsvector" | "tsquery" | "daterange" | "int4range" | "int8range"
                    | "numrange" | "tsrange" | "tstzrange" | "oid"));
                if ok {
                    Ok(())
                } else {
                    Err(unsupported(&format!("a cast to the type {dt}")))
                }
            }
            DataType::Array(ArrayElemTypeDef::AngleBracket(inner))
            | DataType::Array(ArrayElemTypeDef::SquareBracket(inner, _))
            | DataType::Array(ArrayElemTypeDef::Parenthesis(inner))
            | DataType::Array(ArrayElemTypeDef::Qualified(inner, _)) => self.data_type(inner),
            _ => Ok(()),
        }
    }
}
