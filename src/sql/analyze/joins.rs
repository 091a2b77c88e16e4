//! FROM items joined: what each join's ON and USING may see, as in the database.

use sqlparser::ast::{Join, JoinConstraint, TableWithJoins};

use super::{FromItem, Walk, Walker, normalize_ident, unsupported};

impl Walker<'_> {
    pub(super) fn table_with_joins(&mut self, twj: &mut TableWithJoins) -> Walk {
        let start = self.from.last().map_or(0, Vec::len);
        self.table_factor(&mut twj.relation)?;
        for join in &mut twj.joins {
            self.join(join, start)?;
        }
        Ok(())
    }

    /// A join whose left side is the FROM items of this level from `start` on.
    fn join(&mut self, join: &mut Join, start: usize) -> Walk {
        if join.global {
            return Err(unsupported("GLOBAL JOIN"));
        }
        let right_start = self.from.last().map_or(0, Vec::len);
        self.table_factor(&mut join.relation)?;
        let Some(constraint) = join_constraint!(&mut join.join_operator) else {
            return Err(unsupported("this join type"));
        };
        match constraint {
            // ON sees the join's two sides only (and enclosing queries), as in the database.
            JoinConstraint::On(e) => {
                let outside: Vec<FromItem> = self
                    .from
                    .last_mut()
                    .map(|level| level.drain(..start.min(level.len())).collect())
                    .unwrap_or_default();
                let mark = self.out_of_sight.len();
                self.out_of_sight.extend(outside.iter().cloned());
                let walked = self.expr(e);
                self.out_of_sight.truncate(mark);
                if let Some(level) = self.from.last_mut() {
                    let joined = std::mem::replace(level, outside);
                    level.extend(joined);
                }
                walked
            }
            JoinConstraint::Using(cols) => {
                for c in cols.iter() {
                    let [sqlparser::ast::ObjectNamePart::Identifier(ident)] = c.0.as_slice() else {
                        return Err(unsupported("qualified names in USING"));
                    };
                    // USING compares the column of both sides: hidden on either side leaks it.
                    // One that either side lacks is answered the same way where the columns of
                    // both are known (the database's error would tell the two apart).
                    let name = normalize_ident(self.dialect, ident);
                    let level = self.from.last().map(Vec::as_slice).unwrap_or_default();
                    let split = right_start.clamp(start.min(level.len()), level.len());
                    let (left, right) = level.split_at(split);
                    let left = &left[start.min(left.len())..];
                    let has = |side: &[FromItem]| side.iter().any(|i| self.exposes(i, &name));
                    // (Where some item's columns are unknown the database answers, alike
                    // for hidden and missing: a hidden column is in no derived table.)
                    if self.all_columns_known()
                        && (level.iter().any(|i| self.hides(i, &name))
                            || !(has(left) && has(right)))
                    {
                        return Err(self.hidden("", &name));
                    }
                }
                Ok(())
            }
            JoinConstraint::Natural | JoinConstraint::None => Ok(()),
        }
    }
}
