//! Sizes: an upper bound of a value, in bytes, copies of stored values, copies of the
//! caller's parameters and grown values.

use super::{MAX_BUILT_BYTES, MAX_BUILT_COPIES, MAX_GROWN_VALUES, MAX_PARAM_COPIES, MAX_VALUE};

/// An upper bound of a value's size: `fixed` bytes, plus `data` copies of stored values, plus
/// `param` copies of the caller's parameters (up to the request's size each), plus `grown`
/// values of caller-controlled size. `assembled`: the value may be text the statement put
/// together from pieces (`'9e' || '131071'`), which, read as a number (a cast to `numeric` or
/// JSON), may be far longer than its bytes (see [`super::numbers`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Size {
    pub(super) fixed: u64,
    pub(super) data: u64,
    pub(super) param: u64,
    pub(super) grown: u64,
    pub(super) assembled: bool,
}

impl Size {
    pub(super) const ZERO: Size = Size {
        fixed: 0,
        data: 0,
        param: 0,
        grown: 0,
        assembled: false,
    };

    pub(super) const DATA: Size = Size {
        data: 1,
        ..Size::ZERO
    };

    pub(super) const PARAM: Size = Size {
        param: 1,
        ..Size::ZERO
    };

    pub(super) const GROWN: Size = Size {
        grown: 1,
        ..Size::ZERO
    };

    pub(super) fn fixed(n: u64) -> Size {
        Size {
            fixed: n.min(MAX_VALUE),
            ..Size::ZERO
        }
    }

    fn map(self, o: Size, f: impl Fn(u64, u64) -> u64) -> Size {
        Size {
            fixed: f(self.fixed, o.fixed),
            data: f(self.data, o.data),
            param: f(self.param, o.param),
            grown: f(self.grown, o.grown),
            assembled: self.assembled || o.assembled,
        }
    }

    /// The same size, as text the statement put together.
    pub(super) fn assembled(self) -> Size {
        Size {
            assembled: true,
            ..self
        }
    }

    /// One value: no part past the largest value the database makes.
    pub(super) fn value(self) -> Size {
        Size {
            fixed: self.fixed.min(MAX_VALUE),
            grown: self.grown.min(1),
            ..self
        }
    }

    pub(super) fn plus(self, o: Size) -> Size {
        self.map(o, u64::saturating_add).value()
    }

    pub(super) fn max(self, o: Size) -> Size {
        self.map(o, u64::max)
    }

    pub(super) fn times(self, n: u64) -> Size {
        self.map(Size::ZERO, |a, _| a.saturating_mul(n)).value()
    }

    /// A value that may print the caller's own bytes `factor` times larger (escapes, case
    /// mappings): literals and parameters are the caller's, stored values are the data's and
    /// grow with what they hold, counted `data_factor` times.
    pub(super) fn escaped(self, factor: u64, data_factor: u64) -> Size {
        Size {
            fixed: self.fixed.saturating_mul(factor),
            data: self.data.saturating_mul(data_factor),
            param: self.param.saturating_mul(factor),
            grown: self.grown,
            assembled: self.assembled,
        }
        .value()
    }

    /// Whether the size depends on something other than the statement's literals.
    fn unbounded(self) -> bool {
        self.data > 0 || self.param > 0 || self.grown > 0
    }

    /// `self` with parts of it replaced by up to `factor` copies of `o`'s bytes each (`replace`,
    /// `array_to_string`'s separator per element): at most `self x max(factor, 1)`, and a
    /// grown value when both sides are data.
    pub(super) fn product(self, o: Size, factor: u64) -> Size {
        let mut out = self.times(factor.max(1)).plus(Size {
            fixed: 0,
            data: o.data.saturating_mul(self.fixed),
            param: o.param.saturating_mul(self.fixed),
            grown: o.grown.min(self.fixed),
            assembled: o.assembled,
        });
        if self.unbounded() && o.unbounded() {
            out.grown = 1;
        }
        out.value()
    }

    pub(super) fn is_big(self) -> bool {
        self.fixed > MAX_BUILT_BYTES
            || self.data > MAX_BUILT_COPIES
            || self.param > MAX_PARAM_COPIES
            || self.grown > MAX_GROWN_VALUES
    }

    /// A running total of values made (no per-value bound: many values, each bounded).
    pub(super) fn plus_total(self, o: Size) -> Size {
        self.map(o, u64::saturating_add)
    }
}
