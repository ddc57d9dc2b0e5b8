//! Which values a field's limits let through, compared between two schemas:
//! a numeric range (`minimum`, `maximum` and the exclusive ones, taken
//! together), `multipleOf`, and a count (length or number of items).

use serde_json::Number;

use crate::ir::Limits;

/// How the set of accepted values changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The same values.
    Same,
    /// Every old value and more.
    Widened,
    /// Some old values are refused now.
    Narrowed,
    /// Some old values refused, some new ones accepted.
    Moved,
}

impl Direction {
    fn from(narrowed: bool, widened: bool) -> Self {
        match (narrowed, widened) {
            (false, false) => Direction::Same,
            (false, true) => Direction::Widened,
            (true, false) => Direction::Narrowed,
            (true, true) => Direction::Moved,
        }
    }
}

/// One end of a numeric range: the bound and whether it is exclusive.
#[derive(Debug, Clone, Copy, PartialEq)]
struct End {
    value: f64,
    exclusive: bool,
}

/// The lower and upper end of a numeric range (`None`: unbounded).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NumericRange {
    lower: Option<End>,
    upper: Option<End>,
}

fn f(n: &Number) -> f64 {
    n.as_f64().unwrap_or(f64::NAN)
}

/// The tighter of two lower (`upper == false`) or upper ends.
fn tighter(a: Option<End>, b: Option<End>, upper: bool) -> Option<End> {
    match (a, b) {
        (Some(a), Some(b)) => {
            let a_first = if upper {
                a.value < b.value || (a.value == b.value && a.exclusive)
            } else {
                a.value > b.value || (a.value == b.value && a.exclusive)
            };
            Some(if a_first { a } else { b })
        }
        (a, b) => a.or(b),
    }
}

impl NumericRange {
    /// The values that `limits` let through on the grid of multiples of
    /// `step` (`None`: any number), as a range whose ends are values that
    /// pass: each end is moved onto the grid and made inclusive
    /// (`exclusiveMinimum: 0` of an integer is `minimum: 1`; `minimum: 1`
    /// with `multipleOf: 2` is 2), so that two ways of writing one set of
    /// values compare equal. Both sides of a comparison take the old side's
    /// step: the old values lie on it, so the new range refuses one of them
    /// exactly when its snapped range is narrower (a changed step is
    /// `multipleOf`'s own change).
    pub fn of(limits: &Limits, step: Option<f64>) -> Self {
        let end = |n: &Option<Number>, exclusive| {
            n.as_ref().map(|n| End {
                value: f(n),
                exclusive,
            })
        };
        let lower = tighter(
            end(&limits.minimum, false),
            end(&limits.exclusive_minimum, true),
            false,
        );
        let upper = tighter(
            end(&limits.maximum, false),
            end(&limits.exclusive_maximum, true),
            true,
        );
        let Some(step) = step.filter(|s| *s > 0.0) else {
            return NumericRange { lower, upper };
        };
        // The first multiple of `step` inside each end.
        let snap = |e: End, upward: bool| {
            let k = e.value / step;
            let mut k = if upward { k.ceil() } else { k.floor() };
            if e.exclusive && k * step == e.value {
                k += if upward { 1.0 } else { -1.0 };
            }
            End {
                value: k * step,
                exclusive: false,
            }
        };
        NumericRange {
            lower: lower.map(|e| snap(e, true)),
            upper: upper.map(|e| snap(e, false)),
        }
    }

    /// For an integer field (`integer`), whose Rust type is `i64`: an end
    /// at or beyond i64's limit is no end, as a missing bound means i64's
    /// (so writing `minimum: -9223372036854775808` or leaving it out is the
    /// same set of values).
    pub fn within_i64(mut self, integer: bool) -> Self {
        if integer {
            // i64::MIN and i64::MAX as f64 are -2^63 and 2^63.
            const LIMIT: f64 = 9_223_372_036_854_775_808.0;
            self.lower = self.lower.filter(|e| e.value > -LIMIT);
            self.upper = self.upper.filter(|e| e.value < LIMIT);
        }
        self
    }

    /// How the accepted values changed from `self` to `new`.
    pub fn direction(&self, new: &NumericRange) -> Direction {
        let (lo_narrow, lo_wide) = compare_end(self.lower, new.lower, false);
        let (hi_narrow, hi_wide) = compare_end(self.upper, new.upper, true);
        Direction::from(lo_narrow || hi_narrow, lo_wide || hi_wide)
    }

    /// The range in words: `0 to 10`, `above 0`, `any`.
    pub fn words(&self) -> String {
        // A whole bound is written as the integer it stands for (`i64`'s
        // bounds are not exact as floats: 9223372036854775807, not ...6000).
        let show = |e: End| {
            if e.value.fract() == 0.0 && e.value.abs() <= 9.3e18 {
                (e.value as i64).to_string()
            } else {
                e.value.to_string()
            }
        };
        match (self.lower, self.upper) {
            (None, None) => "any".to_owned(),
            (Some(lo), None) if lo.exclusive => format!("above {}", show(lo)),
            (Some(lo), None) => format!("at least {}", show(lo)),
            (None, Some(hi)) if hi.exclusive => format!("below {}", show(hi)),
            (None, Some(hi)) => format!("at most {}", show(hi)),
            (Some(lo), Some(hi)) => {
                let ex = |e: End| if e.exclusive { " (exclusive)" } else { "" };
                format!("{}{} to {}{}", show(lo), ex(lo), show(hi), ex(hi))
            }
        }
    }
}

/// (narrowed, widened) for one end.
fn compare_end(old: Option<End>, new: Option<End>, upper: bool) -> (bool, bool) {
    match (old, new) {
        (None, None) => (false, false),
        (None, Some(_)) => (true, false),
        (Some(_), None) => (false, true),
        (Some(o), Some(n)) => {
            if o == n {
                return (false, false);
            }
            // Whether `n` lets through less than `o`.
            let tighter = if upper {
                n.value < o.value || (n.value == o.value && n.exclusive)
            } else {
                n.value > o.value || (n.value == o.value && n.exclusive)
            };
            (tighter, !tighter)
        }
    }
}

/// How `multipleOf` changed: a new one or one that is no divisor of the old
/// narrows; a divisor of the old one, or none, widens. An integer field is a
/// multiple of 1 without one (see [`step`]).
pub fn multiple_of(old: Option<f64>, new: Option<f64>) -> Direction {
    match (old, new) {
        (None, None) => Direction::Same,
        (None, Some(_)) => Direction::Narrowed,
        (Some(_), None) => Direction::Widened,
        (Some(o), Some(n)) if o == n => Direction::Same,
        (Some(o), Some(n)) => {
            let ratio = o / n;
            if ratio >= 1.0 && (ratio - ratio.round()).abs() < 1e-9 {
                Direction::Widened
            } else {
                Direction::Narrowed
            }
        }
    }
}

/// The grid a field's values lie on: its `multipleOf`, else 1 for an
/// integer field, else none.
pub fn step(limits: &Limits, integer: bool) -> Option<f64> {
    limits
        .multiple_of
        .as_ref()
        .map(f)
        .or(integer.then_some(1.0))
}

/// How an inclusive count range (`minLength`/`maxLength`,
/// `minItems`/`maxItems`; a missing minimum is 0) changed.
pub fn count(old: (Option<u64>, Option<u64>), new: (Option<u64>, Option<u64>)) -> Direction {
    let (old_min, new_min) = (old.0.unwrap_or(0), new.0.unwrap_or(0));
    let (old_max, new_max) = (old.1.unwrap_or(u64::MAX), new.1.unwrap_or(u64::MAX));
    Direction::from(
        new_min > old_min || new_max < old_max,
        new_min < old_min || new_max > old_max,
    )
}

/// A count range in words: `1 to 5`, `at least 1`, `any`.
pub fn count_words((min, max): (Option<u64>, Option<u64>)) -> String {
    match (min.filter(|&m| m > 0), max) {
        (None, None) => "any".to_owned(),
        (Some(lo), None) => format!("at least {lo}"),
        (None, Some(hi)) => format!("at most {hi}"),
        (Some(lo), Some(hi)) => format!("{lo} to {hi}"),
    }
}
