//! Joins that keep one fence's rows one for one (PostgreSQL), so that an ORDER BY and LIMIT on
//! that fence's columns may go inside it as for a single table (`order`).
//!
//! `orders o JOIN customers c ON c.id = o.customer_id ORDER BY o.ordered_at DESC LIMIT 10`
//! (or the same written from `customers`): joined on the customers' primary key, each order
//! has at most one partner, and exactly one once the orders fence also keeps only
//! `customer_id IN (<the customers' keys as the role sees them>)`. Then the join neither drops
//! nor repeats a row of the fence, and the fence may sort and stop: PostgreSQL reads the
//! latest orders of the region by index, looks each customer key up, and stops at ten, where it
//! joined every order of the region first.
//!
//! Every other FROM item must be joined to the ordered fence `d` by an ON that is exactly
//! `x.pk = d.col`: `x`'s single-column integer primary key against a column of `d` of the same
//! type, `x` a fence or a table the role reads without a row filter (`open`). The keys
//! subquery reads only rows the role sees, through the predicates already moved into `x`'s
//! fence (leakproof), and compares integers: it reveals nothing. It is read without a fence
//! of its own, so PostgreSQL may semi-join it by index; nothing of the caller's but those
//! leakproof predicates is in it, and no expression from outside reaches its rows.
//!
//! A LEFT join of such an `x` onto `d` (`orders o LEFT JOIN customers c ON c.id =
//! o.customer_id`) keeps every row of `d` once whatever `x` holds, so it needs no keys; `d`
//! must not itself be a LEFT join's nullable side, and a WHERE left above the fences (one on
//! `x` cannot move into `x`'s fence) keeps the ORDER BY out as for any SELECT.

use super::*;

/// A join's ON, and whether the join is a LEFT one.
pub(super) type On<'q> = (&'q Expr, bool);

/// The keys each inner join needs (the column of the ordered fence and the keys query), and
/// for each FROM item the index of the ON that joins it (0 for the ordered fence itself).
pub(super) type StarKeys = (Vec<(String, Query)>, Vec<usize>);

/// A FROM item of a join that may keep a fence's rows one for one.
pub(super) enum Item<'q, 'c> {
    Fence(Target<'q, 'c>),
    Open(open::Open<'c>),
}

impl<'c> Walker<'c> {
    /// The FROM items of `twj`, each a fence or (with joins) a table without a row filter,
    /// and the ON of each join with whether it is a LEFT join, every join an inner or LEFT one
    /// with an ON; `None` otherwise.
    pub(super) fn star_items<'q>(
        &self,
        twj: &'q mut TableWithJoins,
        level: &std::rc::Rc<Vec<String>>,
    ) -> Option<(Vec<Item<'q, 'c>>, Vec<On<'q>>)> {
        let TableWithJoins { relation, joins } = twj;
        let mut factors: Vec<(&'q mut TableFactor, bool)> = vec![(relation, false)];
        let mut ons: Vec<On<'q>> = Vec::with_capacity(joins.len());
        for join in joins.iter_mut() {
            let Join {
                relation,
                join_operator,
                ..
            } = join;
            let (on, left) = match &*join_operator {
                JoinOperator::Join(JoinConstraint::On(on))
                | JoinOperator::Inner(JoinConstraint::On(on)) => (on, false),
                JoinOperator::Left(JoinConstraint::On(on))
                | JoinOperator::LeftOuter(JoinConstraint::On(on)) => (on, true),
                _ => return None,
            };
            factors.push((relation, left));
            ons.push((on, left));
        }
        let joined = !ons.is_empty();
        let mut items = Vec::with_capacity(factors.len());
        for (tf, padded) in factors {
            // (A LEFT join's table is only matched by its key here: none of its keys are read.)
            if joined && let Some(open) = self.open(tf, true, level) {
                items.push(Item::Open(open));
                continue;
            }
            items.push(Item::Fence(self.target(tf, !padded, level)?));
        }
        Some((items, ons))
    }

    /// For the fence `items[d]`: the keys that keep each other item's join to it one for one
    /// (the column of `d` and the keys query), each ON used once (see the module's doc). A
    /// LEFT join of `x` on exactly `x.pk = d.col` needs none: it keeps every row of `d` and
    /// adds at most one partner to each; `d` itself must not be on a LEFT join's nullable side.
    pub(super) fn star_keys(
        &self,
        items: &[Item<'_, 'c>],
        d: usize,
        ons: &[On<'_>],
    ) -> Option<StarKeys> {
        if items.len() == 1 {
            return Some((Vec::new(), vec![0]));
        }
        let Some(Item::Fence(fence)) = items.get(d) else {
            return None;
        };
        if !self.dialect.comparisons_can_raise() || ons.len() + 1 != items.len() {
            return None;
        }
        // The ON of the join that brings in item `i` (none for the first), if a LEFT one.
        let left_on = |i: usize| match i.checked_sub(1).and_then(|n| ons.get(n)) {
            Some((on, true)) => Some(*on),
            _ => None,
        };
        if left_on(d).is_some() {
            return None;
        }
        // A LEFT join's ON serves its own table only.
        let mut used: Vec<bool> = ons.iter().map(|(_, left)| *left).collect();
        let mut keys = Vec::with_capacity(ons.len());
        let mut served = vec![0; items.len()];
        for (i, item) in items.iter().enumerate() {
            if i == d {
                continue;
            }
            let rel = match item {
                Item::Fence(t) => &t.rel,
                Item::Open(o) => &o.rel,
            };
            if let Some(on) = left_on(i) {
                self.key_equality(on, rel, fence)?;
                if let Some(s) = served.get_mut(i) {
                    *s = i - 1;
                }
                continue;
            }
            let (n, key, col) = ons.iter().enumerate().find_map(|(n, (on, _))| {
                if used.get(n).copied().unwrap_or(true) {
                    return None;
                }
                let (key, col) = self.key_equality(on, rel, fence)?;
                Some((n, key, col))
            })?;
            if let Some(u) = used.get_mut(n) {
                *u = true;
            }
            if let Some(s) = served.get_mut(i) {
                *s = n;
            }
            let query = match item {
                Item::Fence(t) => {
                    let mut q = keys::keys_of(t, &key)?;
                    q.limit_clause = None;
                    q
                }
                // Nothing narrows it (its predicates would have stayed above): all its keys.
                Item::Open(o) => o.keys(&key),
            };
            keys.push((col, query));
        }
        Some((keys, served))
    }

    /// `on`, exactly `x.pk = d.col` either way round: `x`'s single-column integer primary key
    /// and a column of `d` of the same type, as (the key, the column).
    fn key_equality(&self, on: &Expr, x: &Rel<'_>, d: &Target<'_, '_>) -> Option<(String, String)> {
        let Expr::BinaryOp {
            left,
            op: BinaryOperator::Eq,
            right,
        } = unnested(on)
        else {
            return None;
        };
        [(left, right), (right, left)]
            .into_iter()
            .find_map(|(a, b)| {
                let key = self.column_of(unnested(a), x, false)?;
                let col = self.column_of(unnested(b), d, false)?;
                let primary = matches!(x.table.primary_key.as_slice(), [k] if self.col_eq(k, &key));
                let ty = x.table.column_type(&key)?;
                (primary
                    && pg_class(ty) == Some(Class::Integer)
                    && d.table.column_type(&col) == Some(ty))
                .then_some((key, col))
            })
    }
}

/// Put the ordered fence `items[d]` first in a star of inner joins, each other item joined by
/// the ON that `served` gives it, so that the items after it may look their partners up
/// (`lateral_lookups`; a LATERAL item reads only the items before it). Inner joins of ONs that
/// each equate one item with `d` give the same rows in any order; only `*` would list the
/// columns otherwise, so the caller checks there is none. `false` if the FROM is not that.
pub(super) fn ordered_first(twj: &mut TableWithJoins, d: usize, served: &[usize]) -> bool {
    if d == 0 || served.len() != twj.joins.len() + 1 {
        return false;
    }
    let mut taken = Vec::with_capacity(twj.joins.len());
    for join in &twj.joins {
        match &join.join_operator {
            JoinOperator::Join(JoinConstraint::On(_))
            | JoinOperator::Inner(JoinConstraint::On(_)) => {}
            _ => return false,
        }
    }
    for join in twj.joins.iter_mut() {
        if let JoinOperator::Join(JoinConstraint::On(on))
        | JoinOperator::Inner(JoinConstraint::On(on)) = &mut join.join_operator
        {
            taken.push(std::mem::replace(on, Expr::value(Value::Boolean(true))));
        }
    }
    let Some(moved) = twj.joins.get_mut(d - 1) else {
        return false;
    };
    std::mem::swap(&mut twj.relation, &mut moved.relation);
    for (k, join) in twj.joins.iter_mut().enumerate() {
        // The first item now sits where `d` was.
        let item = if k + 1 == d { 0 } else { k + 1 };
        let (
            Some(n),
            JoinOperator::Join(JoinConstraint::On(on))
            | JoinOperator::Inner(JoinConstraint::On(on)),
        ) = (served.get(item), &mut join.join_operator)
        else {
            continue;
        };
        if let Some(e) = taken.get_mut(*n) {
            *on = std::mem::replace(e, Expr::value(Value::Boolean(true)));
        }
    }
    true
}

/// `e` without the parentheses around it.
fn unnested(mut e: &Expr) -> &Expr {
    while let Expr::Nested(inner) = e {
        e = inner;
    }
    e
}

impl<'c> Walker<'c> {
    /// Once the fence `items[d]` stops at its LIMIT, each fence joined after it by an ON that
    /// is exactly `x.pk = d.col` looks its partner up by key, a LATERAL derived table with
    /// `"x"."pk" = d."col"` inside its fence, instead of reading every row the role sees of it
    /// to join a handful (the latest ten orders with their customers' names hashed all of the
    /// region's customers). The ON stays; the comparison is the same integer equality, as
    /// leakproof inside the fence as the correlated ones `correlated` moves in. Not when `d`'s
    /// name is the fenced table's own (inside the fence it would name that table).
    pub(super) fn lateral_lookups(&self, items: &mut [Item<'_, 'c>], d: usize, ons: &[On<'_>]) {
        let Some(Item::Fence(fence)) = items.get(d) else {
            return;
        };
        let d_name = fence.name.clone();
        let mut lookups: Vec<(usize, String, String)> = Vec::new();
        for (i, item) in items.iter().enumerate().skip(d + 1) {
            let (Item::Fence(x), Some((on, _))) = (item, i.checked_sub(1).and_then(|n| ons.get(n)))
            else {
                continue;
            };
            if self.col_eq(&x.table.name.name, &d_name) {
                continue;
            }
            if let Some((key, col)) = self.key_equality(on, &x.rel, fence) {
                lookups.push((i, key, col));
            }
        }
        for (i, key, col) in lookups {
            let Some(Item::Fence(x)) = items.get_mut(i) else {
                continue;
            };
            let e = Expr::BinaryOp {
                left: Box::new(Expr::CompoundIdentifier(vec![
                    quoted(&x.table.name.name),
                    quoted(&key),
                ])),
                op: BinaryOperator::Eq,
                right: Box::new(Expr::CompoundIdentifier(vec![
                    quoted(&d_name),
                    quoted(&col),
                ])),
            };
            and_into_fence(e, x);
            x.correlated = true;
            *x.lateral = true;
        }
    }
}
