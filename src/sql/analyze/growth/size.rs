//! Sizes: an upper bound of a value, in bytes, copies of stored values and grown values.

use super::{MAX_BUILT_BYTES, MAX_BUILT_COPIES, MAX_GROWN_VALUES, MAX_VALUE};

/// An upper bound of a value's size: `fixed` bytes, plus `data` copies of stored values or
/// parameters, plus `grown` values of caller-controlled size.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Size {
    pub(super) fixed: u64,
    pub(super) data: u64,
    pub(super) grown: u64,
}

impl Size {
    pub(super) const ZERO: Size = Size {
        fixed: 0,
        data: 0,
        grown: 0,
    };

    pub(super) fn fixed(n: u64) -> Size {
        Size {
            fixed: n.min(MAX_VALUE),
            ..Size::ZERO
        }
    }

    pub(super) const DATA: Size = Size {
        fixed: 0,
        data: 1,
        grown: 0,
    };

    pub(super) const GROWN: Size = Size {
        fixed: 0,
        data: 0,
        grown: 1,
    };

    /// One value: no part past the largest value the database makes.
    pub(super) fn value(self) -> Size {
        Size {
            fixed: self.fixed.min(MAX_VALUE),
            data: self.data,
            grown: self.grown.min(1),
        }
    }

    pub(super) fn plus(self, o: Size) -> Size {
        Size {
            fixed: self.fixed.saturating_add(o.fixed),
            data: self.data.saturating_add(o.data),
            grown: self.grown.saturating_add(o.grown),
        }
        .value()
    }

    pub(super) fn max(self, o: Size) -> Size {
        Size {
            fixed: self.fixed.max(o.fixed),
            data: self.data.max(o.data),
            grown: self.grown.max(o.grown),
        }
    }

    pub(super) fn times(self, n: u64) -> Size {
        Size {
            fixed: self.fixed.saturating_mul(n),
            data: self.data.saturating_mul(n),
            grown: self.grown.saturating_mul(n),
        }
        .value()
    }

    /// `self` with each of its characters possibly replaced by all of `o` (`replace`,
    /// `array_to_string`'s separator per element): at most `self x max(o, 1)`.
    pub(super) fn product(self, o: Size) -> Size {
        let unbounded = |s: Size| s.data > 0 || s.grown > 0;
        let mut out = self.times(o.fixed.max(1)).plus(Size {
            fixed: 0,
            data: o.data.saturating_mul(self.fixed),
            grown: o.grown.min(self.fixed),
        });
        if unbounded(self) && unbounded(o) {
            out.grown = 1;
        }
        out.value()
    }

    pub(super) fn is_big(self) -> bool {
        self.fixed > MAX_BUILT_BYTES
            || self.data > MAX_BUILT_COPIES
            || self.grown > MAX_GROWN_VALUES
    }
}

impl Size {
    /// A running total of values made (no per-value bound: many values, each bounded).
    pub(super) fn plus_total(self, o: Size) -> Size {
        Size {
            fixed: self.fixed.saturating_add(o.fixed),
            data: self.data.saturating_add(o.data),
            grown: self.grown.saturating_add(o.grown),
        }
    }
}
