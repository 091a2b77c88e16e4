//! FROM items: what each makes visible to the expressions of its SELECT.

use sqlparser::ast::{FunctionArg, JoinConstraint, TableFactor, TableWithJoins};

use super::super::super::names::normalize_ident;
use std::rc::Rc;

use super::calls::literal;
use super::{Growth, Item, Shape, Size, last_name};

impl Growth {
    pub(super) fn table_with_joins(&mut self, t: &TableWithJoins) {
        self.relation(&t.relation);
        for join in &t.joins {
            self.relation(&join.relation);
            let constraint = join_constraint!(&join.join_operator);
            if let Some(JoinConstraint::On(e)) = constraint {
                self.expr(e);
            }
        }
    }

    fn push_item(&mut self, name: String, shape: Shape) {
        self.push_shared(name, Rc::new(shape));
    }

    fn push_shared(&mut self, name: String, shape: Rc<Shape>) {
        if let Some(level) = self.from.last_mut() {
            level.push(Item { name, shape });
        }
    }

    fn relation(&mut self, factor: &TableFactor) {
        match factor {
            TableFactor::Table {
                name, alias, args, ..
            } => {
                let bare = match name.0.as_slice() {
                    [part] => part.as_ident().map(|i| normalize_ident(self.dialect, i)),
                    _ => None,
                };
                let cte = bare.as_ref().and_then(|bare| {
                    self.ctes
                        .iter()
                        .rev()
                        .flat_map(|scope| scope.iter().rev())
                        .find(|(n, _)| n == bare)
                        .map(|(_, shape)| shape.clone())
                });
                let shape = if let Some(args) = args {
                    Rc::new(Shape {
                        columns: Vec::new(),
                        open: Some(self.table_function(&last_name(name), &args.args)),
                    })
                } else {
                    cte.unwrap_or_else(|| Rc::new(Shape::stored()))
                };
                let item_name = match alias {
                    Some(a) => normalize_ident(self.dialect, &a.name),
                    None => name
                        .0
                        .last()
                        .and_then(|p| p.as_ident())
                        .map(|i| normalize_ident(self.dialect, i))
                        .unwrap_or_default(),
                };
                match alias {
                    Some(a) if !a.columns.is_empty() => {
                        let renamed = Shape::clone(&shape).renamed(Some(a), self.dialect);
                        self.push_item(item_name, renamed);
                    }
                    _ => self.push_shared(item_name, shape),
                }
            }
            TableFactor::Derived {
                subquery, alias, ..
            } => {
                let shape = self.query(subquery).renamed(alias.as_ref(), self.dialect);
                let name = alias
                    .as_ref()
                    .map(|a| normalize_ident(self.dialect, &a.name))
                    .unwrap_or_default();
                self.push_item(name, shape);
            }
            TableFactor::Function {
                name, args, alias, ..
            } => {
                let size = self.table_function(&last_name(name), args);
                let item_name = alias
                    .as_ref()
                    .map(|a| normalize_ident(self.dialect, &a.name))
                    .unwrap_or_else(|| last_name(name));
                let shape = Shape {
                    columns: Vec::new(),
                    open: Some(size),
                };
                self.push_item(item_name, shape.renamed(alias.as_ref(), self.dialect));
            }
            TableFactor::UNNEST {
                alias, array_exprs, ..
            } => {
                let size = array_exprs
                    .iter()
                    .fold(Size::DATA, |acc, e| acc.max(self.expr(e)));
                let item_name = alias
                    .as_ref()
                    .map(|a| normalize_ident(self.dialect, &a.name))
                    .unwrap_or_default();
                let shape = Shape {
                    columns: Vec::new(),
                    open: Some(size),
                };
                self.push_item(item_name, shape.renamed(alias.as_ref(), self.dialect));
            }
            TableFactor::NestedJoin {
                table_with_joins,
                alias,
            } => {
                let before = self.from.last().map_or(0, |level| level.items.len());
                self.table_with_joins(table_with_joins);
                if let Some(alias) = alias {
                    let whole = self.from.last().map_or(Size::DATA, |level| {
                        level.items[before.min(level.items.len())..]
                            .iter()
                            .fold(Size::DATA, |acc, i| acc.max(i.shape.row()))
                    });
                    let shape = Shape {
                        columns: Vec::new(),
                        open: Some(whole),
                    };
                    self.push_item(normalize_ident(self.dialect, &alias.name), shape);
                }
            }
            _ => self.push_item(String::new(), Shape::stored()),
        }
    }

    /// The rows of a function in FROM: each value at most what the call would make in a
    /// select list, and at least a stored value.
    fn table_function(&mut self, name: &str, args: &[FunctionArg]) -> Size {
        let sizes: Vec<Size> = args.iter().map(|a| self.arg(a)).collect();
        let literals: Vec<Option<String>> = args.iter().map(literal).collect();
        self.call(name, &sizes, &literals, &[]).max(Size::DATA)
    }
}
