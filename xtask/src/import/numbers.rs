//! Numbers written with nothing between them (`6610`, `510`, `1425`): every
//! way to cut the digits into numbers is scored against what else the page
//! says (the default, the sample's value, the range, the numbers the
//! description names), and the best reading wins. A tie is reported as such.

/// What the page says besides the digits.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// The sample request's value for the field.
    pub sample: Option<i64>,
    /// The field's range.
    pub range: Option<(f64, f64)>,
    /// Whole numbers the description names.
    pub mentioned: Vec<i64>,
}

/// How the digits stand on the page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Layout {
    /// The compact layout: the default first, then the allowed values.
    DefaultThenValues,
    /// An `Allowed values` list, with the default given apart (if any).
    Values(Option<i64>),
}

/// One reading: the default (in the compact layout) and the values.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// The default the reading gives.
    pub default: Option<i64>,
    /// The allowed values it gives.
    pub values: Vec<i64>,
}

impl Reading {
    /// `default 6, values 6, 10`.
    pub fn describe(&self) -> String {
        let values: Vec<String> = self.values.iter().map(i64::to_string).collect();
        match (self.default, values.is_empty()) {
            (Some(d), true) => format!("default {d}"),
            (Some(d), false) => format!("default {d}, values {}", values.join(", ")),
            (None, _) => format!("values {}", values.join(", ")),
        }
    }
}

/// The best readings of `digits`, best first: the best one and those that
/// score almost as well (then the reading is uncertain).
/// `None` when the digits are too many to try every cut (over 16).
pub fn infer(digits: &str, layout: Layout, evidence: &Evidence) -> Option<Vec<Reading>> {
    if digits.is_empty() || digits.len() > 16 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut scored: Vec<(i64, usize, Reading)> = Vec::new();
    for pieces in cuts(digits) {
        let mut readings = Vec::new();
        match layout {
            Layout::DefaultThenValues => {
                readings.push(Reading {
                    default: pieces.first().copied(),
                    values: pieces.get(1..).unwrap_or_default().to_vec(),
                });
                // Or a list with no default before it (rarer).
                if pieces.len() > 1 {
                    readings.push(Reading {
                        default: None,
                        values: pieces.clone(),
                    });
                }
            }
            Layout::Values(default) => readings.push(Reading {
                default,
                values: pieces.clone(),
            }),
        }
        for reading in readings {
            let mut s = score(&reading, evidence);
            if layout == Layout::DefaultThenValues && reading.default.is_none() {
                s -= 1;
            }
            scored.push((s, pieces.len(), reading));
        }
    }
    // Best score first; among equals, fewer pieces first.
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let best = scored.first()?.0;
    Some(
        scored
            .into_iter()
            .take_while(|s| s.0 >= best - MARGIN)
            .take(4)
            .map(|s| s.2)
            .collect(),
    )
}

/// Readings this close to the best one make the best one uncertain.
const MARGIN: i64 = 2;

fn score(r: &Reading, e: &Evidence) -> i64 {
    let mut s = 0;
    if r.values.is_empty() {
        if e.sample.is_some() && e.sample == r.default {
            s += 1;
        }
    } else {
        match r.default {
            Some(d) if r.values.contains(&d) => s += 4,
            Some(_) => s -= 6,
            None => {}
        }
        if r.values.windows(2).all(|w| w[0] < w[1]) {
            s += 2;
        } else {
            s -= 4;
        }
        if r.values.len() == 1 {
            s -= 7;
        }
        match e.sample {
            Some(x) if r.values.contains(&x) => s += 3,
            Some(_) => s -= 3,
            None => {}
        }
        // The values of one list are of a kind (6 and 10, 256 and 512).
        let lo = r.values.iter().copied().min().unwrap_or(0);
        let hi = r.values.iter().copied().max().unwrap_or(0);
        if lo > 0 && hi / lo > 20 {
            s -= 3;
        }
    }
    let mut all: Vec<i64> = r.values.clone();
    all.extend(r.default);
    // Every number more is a cut more to believe.
    s -= i64::try_from(all.len()).unwrap_or(i64::MAX);
    all.sort_unstable();
    all.dedup();
    for n in all {
        if let Some((lo, hi)) = e.range {
            #[allow(clippy::cast_precision_loss)]
            let x = n as f64;
            if x < lo || x > hi {
                s -= 5;
            }
        }
        if e.mentioned.contains(&n) {
            s += 1;
        }
    }
    s
}

/// Every way to cut `digits` into numbers without leading zeros.
fn cuts(digits: &str) -> Vec<Vec<i64>> {
    let n = digits.len();
    let mut out = Vec::new();
    for mask in 0u32..(1 << (n - 1)) {
        let mut pieces = Vec::new();
        let mut start = 0;
        let mut ok = true;
        for end in 1..=n {
            if end == n || mask & (1 << (end - 1)) != 0 {
                let piece = &digits[start..end];
                if piece.len() > 1 && piece.starts_with('0') {
                    ok = false;
                    break;
                }
                match piece.parse::<i64>() {
                    Ok(v) => pieces.push(v),
                    Err(_) => {
                        ok = false;
                        break;
                    }
                }
                start = end;
            }
        }
        if ok {
            out.push(pieces);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn best(digits: &str, layout: Layout, e: &Evidence) -> Vec<Reading> {
        infer(digits, layout, e).expect("readings")
    }

    #[test]
    fn hailuo_duration() {
        let e = Evidence {
            sample: Some(6),
            range: None,
            mentioned: vec![6, 10],
        };
        let r = best("6610", Layout::DefaultThenValues, &e);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].describe(), "default 6, values 6, 10");
        // Without any evidence the reading still stands alone.
        let r = best("6610", Layout::DefaultThenValues, &Evidence::default());
        assert_eq!(r[0].describe(), "default 6, values 6, 10");
        assert_eq!(r.len(), 1, "{r:?}");
    }

    #[test]
    fn lists_with_a_known_default() {
        let r = best("510", Layout::Values(Some(5)), &Evidence::default());
        assert_eq!(
            r,
            [Reading {
                default: Some(5),
                values: vec![5, 10]
            }]
        );
        let r = best("1425", Layout::Values(Some(14)), &Evidence::default());
        assert_eq!(r[0].values, [14, 25]);
    }

    #[test]
    fn a_lone_default_stays_whole() {
        let r = best("25", Layout::DefaultThenValues, &Evidence::default());
        assert_eq!(r[0].describe(), "default 25");
        assert!(infer(
            "12345678901234567",
            Layout::DefaultThenValues,
            &Evidence::default()
        )
        .is_none());
    }

    #[test]
    fn ties_are_reported() {
        // 1 | 1, 2, 3 or 1 | 1, 23: nothing tells them apart.
        let r = best("1123", Layout::DefaultThenValues, &Evidence::default());
        assert!(r.len() >= 2, "{r:?}");
    }
}
