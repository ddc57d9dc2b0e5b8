//! The property behind `cargo xtask diff`'s classes: for random pairs of
//! model files (a random model, and a mutation of it that narrows or widens
//! ranges, lengths, item counts and `multipleOf`, adds or drops enum values,
//! opens or closes an enum, adds, removes or retypes fields, toggles
//! required and nullable), an input that the old schema accepts and the new
//! one refuses exists exactly when the diff reports a change that breaks on
//! the wire. Inputs are judged by the `jsonschema` crate configured as the
//! local server configures it (draft 2020-12, formats checked), which the
//! workspace's differential test ties to the generated validators.
//!
//! The search for such an input is exhaustive over a grid that holds every
//! bound of both schemas and the values around it, every multiple of every
//! `multipleOf` in range, values between them, every length and item count
//! up to past the largest limit, every enum value and others, `null`, and a
//! missing field. The fields of a body are independent in JSON Schema
//! (`additionalProperties: false`, `required`, one schema per field), so one
//! field at a time, on a body the old schema accepts, finds such an input
//! whenever one exists on the grid.
//!
//! What the property cannot see: Rust-only breaks (a required field made
//! optional turns `T` into `Option<T>`, a new enum value breaks a `match`, a
//! renamed field or variant) accept the same JSON; the matrix test pins
//! those. Nor does it cover a `multipleOf` whose range holds only values of
//! the new grid (the diff compares `multipleOf` on its own; the ranges here
//! are wide enough to hold other values).

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError};
use serde_json::{json, Map, Value};
use xtask::schema_diff::{compare, Change};

const SLOTS: usize = 4;
const ENUM_VALUES: [&str; 4] = ["a", "b", "c", "d"];
const PATTERN: &str = "^[a-z]*$";

#[derive(Debug, Clone)]
enum Kind {
    Int {
        lo: i64,
        lo_ex: bool,
        hi: i64,
        hi_ex: bool,
        mult: Option<i64>,
    },
    /// Bounds in quarters.
    Num {
        lo: i64,
        lo_ex: bool,
        hi: i64,
        hi_ex: bool,
        mult: Option<i64>,
    },
    Str {
        min: Option<u64>,
        max: Option<u64>,
        pattern: bool,
    },
    Enum {
        values: Vec<bool>,
        open: bool,
    },
    List {
        min: Option<u64>,
        max: Option<u64>,
        item_max: Option<u64>,
    },
}

#[derive(Debug, Clone)]
struct Spec {
    kind: Kind,
    required: bool,
    nullable: bool,
}

fn int_kind() -> impl Strategy<Value = Kind> {
    (
        -4i64..4,
        any::<bool>(),
        4i64..10,
        any::<bool>(),
        prop::option::of(1i64..3),
    )
        .prop_map(|(lo, lo_ex, w, hi_ex, mult)| Kind::Int {
            lo,
            lo_ex,
            hi: lo + w,
            hi_ex,
            mult,
        })
}

fn num_kind() -> impl Strategy<Value = Kind> {
    (
        -16i64..16,
        any::<bool>(),
        8i64..24,
        any::<bool>(),
        prop::option::of(prop::sample::select(vec![1i64, 2, 4])),
    )
        .prop_map(|(lo, lo_ex, w, hi_ex, mult)| Kind::Num {
            lo: lo * 2,
            lo_ex,
            hi: lo * 2 + w * 2,
            hi_ex,
            mult,
        })
}

fn str_kind() -> impl Strategy<Value = Kind> {
    (
        prop::option::of(0u64..3),
        prop::option::of(3u64..6),
        any::<bool>(),
    )
        .prop_map(|(min, max, pattern)| Kind::Str { min, max, pattern })
}

fn enum_kind() -> impl Strategy<Value = Kind> {
    (prop::collection::vec(any::<bool>(), 4), any::<bool>()).prop_map(|(mut values, open)| {
        if !values.contains(&true) {
            values[0] = true;
        }
        Kind::Enum { values, open }
    })
}

fn list_kind() -> impl Strategy<Value = Kind> {
    (
        prop::option::of(0u64..3),
        prop::option::of(2u64..5),
        prop::option::of(2u64..4),
    )
        .prop_map(|(min, max, item_max)| Kind::List { min, max, item_max })
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![int_kind(), num_kind(), str_kind(), enum_kind(), list_kind()]
}

/// Another random value of every kind, for a tweak of one attribute.
fn others() -> impl Strategy<Value = Vec<Kind>> {
    (int_kind(), num_kind(), str_kind(), enum_kind(), list_kind())
        .prop_map(|(a, b, c, d, e)| vec![a, b, c, d, e])
}

fn spec() -> impl Strategy<Value = Spec> {
    (kind(), any::<bool>(), any::<bool>()).prop_map(|(kind, required, nullable)| Spec {
        kind,
        required,
        nullable,
    })
}

/// One attribute of `old` taken from the one of `others` of its kind, then
/// made valid again (ranges at least 4 wide).
fn tweak(old: &Kind, others: &[Kind], which: usize) -> Kind {
    let mut k = old.clone();
    let new = others
        .iter()
        .find(|o| std::mem::discriminant(*o) == std::mem::discriminant(old))
        .unwrap_or(old);
    match (&mut k, new) {
        (
            Kind::Int {
                lo,
                lo_ex,
                hi,
                hi_ex,
                mult,
            },
            Kind::Int {
                lo: l2,
                lo_ex: le2,
                hi: h2,
                hi_ex: he2,
                mult: m2,
            },
        )
        | (
            Kind::Num {
                lo,
                lo_ex,
                hi,
                hi_ex,
                mult,
            },
            Kind::Num {
                lo: l2,
                lo_ex: le2,
                hi: h2,
                hi_ex: he2,
                mult: m2,
            },
        ) => {
            match which % 5 {
                0 => *lo = *l2,
                1 => *lo_ex = *le2,
                2 => *hi = *h2,
                3 => *hi_ex = *he2,
                _ => *mult = *m2,
            }
            if *hi - *lo < 4 {
                *hi = *lo + 4;
            }
        }
        (
            Kind::Str { min, max, pattern },
            Kind::Str {
                min: a,
                max: b,
                pattern: p,
            },
        ) => match which % 3 {
            0 => *min = *a,
            1 => *max = *b,
            _ => *pattern = *p,
        },
        (
            Kind::Enum { values, open },
            Kind::Enum {
                values: v2,
                open: o2,
            },
        ) => {
            if which % 2 == 0 {
                *open = *o2;
            } else {
                *values = v2.clone();
            }
        }
        (
            Kind::List { min, max, item_max },
            Kind::List {
                min: a,
                max: b,
                item_max: c,
            },
        ) => match which % 3 {
            0 => *min = *a,
            1 => *max = *b,
            _ => *item_max = *c,
        },
        _ => {}
    }
    k
}

/// A quarter count as a JSON number (`6` is 1.5).
fn quarters(q: i64) -> Value {
    if q % 4 == 0 {
        json!(q / 4)
    } else {
        json!(q as f64 / 4.0)
    }
}

fn field_json(spec: &Spec) -> Value {
    let mut m = Map::new();
    let plain = matches!(
        spec.kind,
        Kind::Int { .. } | Kind::Num { .. } | Kind::Str { .. }
    );
    let ty = |t: &str| {
        if spec.nullable && !spec.required && plain {
            json!([t, "null"])
        } else {
            json!(t)
        }
    };
    m.insert("description".into(), json!("A field."));
    let bounds = |m: &mut Map<String, Value>, lo: Value, lo_ex: bool, hi: Value, hi_ex: bool| {
        m.insert(
            (if lo_ex { "exclusiveMinimum" } else { "minimum" }).into(),
            lo,
        );
        m.insert(
            (if hi_ex { "exclusiveMaximum" } else { "maximum" }).into(),
            hi,
        );
    };
    match &spec.kind {
        Kind::Int {
            lo,
            lo_ex,
            hi,
            hi_ex,
            mult,
        } => {
            m.insert("type".into(), ty("integer"));
            bounds(&mut m, json!(lo), *lo_ex, json!(hi), *hi_ex);
            if let Some(x) = mult {
                m.insert("multipleOf".into(), json!(x));
            }
        }
        Kind::Num {
            lo,
            lo_ex,
            hi,
            hi_ex,
            mult,
        } => {
            m.insert("type".into(), ty("number"));
            bounds(&mut m, quarters(*lo), *lo_ex, quarters(*hi), *hi_ex);
            if let Some(x) = mult {
                m.insert("multipleOf".into(), quarters(*x));
            }
        }
        Kind::Str { min, max, pattern } => {
            m.insert("type".into(), ty("string"));
            if let Some(x) = min {
                m.insert("minLength".into(), json!(x));
            }
            if let Some(x) = max {
                m.insert("maxLength".into(), json!(x));
            }
            if *pattern {
                m.insert("pattern".into(), json!(PATTERN));
            }
        }
        Kind::Enum { values, open } => {
            m.insert("type".into(), json!("string"));
            let vs: Vec<&str> = ENUM_VALUES
                .iter()
                .zip(values)
                .filter(|(_, on)| **on)
                .map(|(v, _)| *v)
                .collect();
            m.insert(
                (if *open { "x-known-values" } else { "enum" }).into(),
                json!(vs),
            );
        }
        Kind::List { min, max, item_max } => {
            m.insert("type".into(), json!("array"));
            let mut item = Map::new();
            item.insert("type".into(), json!("string"));
            if let Some(x) = item_max {
                item.insert("maxLength".into(), json!(x));
            }
            m.insert("items".into(), Value::Object(item));
            if let Some(x) = min {
                m.insert("minItems".into(), json!(x));
            }
            if let Some(x) = max {
                m.insert("maxItems".into(), json!((*x).max(min.unwrap_or(0))));
            }
        }
    }
    Value::Object(m)
}

fn model_json(slots: &[Option<Spec>]) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for (i, s) in slots.iter().enumerate() {
        if let Some(s) = s {
            props.insert(format!("f{i}"), field_json(s));
            if s.required {
                required.push(json!(format!("f{i}")));
            }
        }
    }
    json!({
        "slug": "prop", "title": "Prop", "summary": "A random model.", "output": "json",
        "input": {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object", "additionalProperties": false,
            "required": required, "properties": props
        }
    })
}

/// Candidate values of slot `i` on both sides: `None` is "missing".
fn candidates(old: Option<&Spec>, new: Option<&Spec>) -> Vec<Option<Value>> {
    let mut out = vec![
        None,
        Some(Value::Null),
        Some(json!("zzz")),
        Some(json!(true)),
    ];
    for s in [old, new].into_iter().flatten() {
        match &s.kind {
            Kind::Int { .. } => out.extend((-12i64..=24).map(|x| Some(json!(x)))),
            Kind::Num { .. } => {
                // Every eighth from -12 to 24 (past every bound): multiples of each step and
                // values between them.
                out.extend((-96i64..=192).map(|e| {
                    Some(if e % 8 == 0 {
                        json!(e / 8)
                    } else {
                        json!(e as f64 / 8.0)
                    })
                }));
                out.push(Some(json!(0.1)));
            }
            Kind::Str { .. } | Kind::Enum { .. } => {
                out.extend((0..8).map(|n| Some(json!("a".repeat(n)))));
                out.extend(["A", "ab1", "b", "c", "d", "e"].map(|v| Some(json!(v))));
            }
            Kind::List { .. } => {
                // Every count of items, each item of every length.
                for n in 0..7 {
                    out.extend((0..8).map(|len| Some(json!(vec!["a".repeat(len); n]))));
                }
                out.push(Some(json!([1])));
            }
        }
    }
    out
}

fn validator(model: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&model["input"])
        .expect("the input schema compiles")
}

fn load(doc: &Value) -> Result<Vec<xtask::ir::Model>, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = dir.path().join("prop.json");
    std::fs::write(&path, doc.to_string()).map_err(|e| e.to_string())?;
    let meta = xtask::workspace_root().join("schema/meta/model.schema.json");
    xtask::load::load_files(&[path], &meta, "random").map_err(|e| e.to_string())
}

/// An input the old schema accepts and the new one refuses, if the grid
/// holds one.
fn witness(
    old: &[Option<Spec>],
    new: &[Option<Spec>],
    old_v: &jsonschema::Validator,
    new_v: &jsonschema::Validator,
) -> Option<Value> {
    let cands: Vec<Vec<Option<Value>>> = (0..SLOTS)
        .map(|i| candidates(old[i].as_ref(), new[i].as_ref()))
        .collect();
    // A body the old schema accepts: for each old field, a value it takes
    // (or none when optional).
    let mut base = Map::new();
    for (i, s) in old.iter().enumerate() {
        let Some(s) = s else { continue };
        if !s.required {
            continue;
        }
        let one = |v: &Value| {
            let mut m = Map::new();
            m.insert(format!("f{i}"), v.clone());
            let doc = model_json(&[Some(s.clone())]);
            let mut only = doc["input"].clone();
            only["required"] = json!([]);
            only["properties"] = json!({ format!("f{i}"): doc["input"]["properties"]["f0"] });
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .should_validate_formats(true)
                .build(&only)
                .unwrap()
                .is_valid(&Value::Object(m))
        };
        let v = cands[i].iter().flatten().find(|v| one(v))?;
        base.insert(format!("f{i}"), v.clone());
    }
    let base = Value::Object(base);
    if !old_v.is_valid(&base) {
        return None;
    }
    if !new_v.is_valid(&base) {
        return Some(base);
    }
    for (i, cs) in cands.iter().enumerate() {
        for c in cs {
            let mut input = base.clone();
            let key = format!("f{i}");
            match c {
                None => {
                    input.as_object_mut().unwrap().remove(&key);
                }
                Some(v) => {
                    input[&key] = v.clone();
                }
            }
            if old_v.is_valid(&input) && !new_v.is_valid(&input) {
                return Some(input);
            }
        }
    }
    None
}

#[derive(Debug, Clone)]
enum Mutation {
    Keep,
    ToggleRequired,
    ToggleNullable,
    Remove,
    Replace,
    Tweak(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => Just(Mutation::Keep),
        1 => Just(Mutation::ToggleRequired),
        1 => Just(Mutation::ToggleNullable),
        1 => Just(Mutation::Remove),
        1 => Just(Mutation::Replace),
        4 => (0usize..15).prop_map(Mutation::Tweak),
    ]
}

fn mutate(old: &Option<Spec>, m: &Mutation, other: &Spec, kinds: &[Kind]) -> Option<Spec> {
    let Some(s) = old else {
        return matches!(m, Mutation::Replace).then(|| other.clone());
    };
    let mut s = s.clone();
    match m {
        Mutation::Keep => {}
        Mutation::ToggleRequired => s.required = !s.required,
        Mutation::ToggleNullable => s.nullable = !s.nullable,
        Mutation::Remove => return None,
        Mutation::Replace => return Some(other.clone()),
        Mutation::Tweak(which) => s.kind = tweak(&s.kind, kinds, *which),
    }
    Some(s)
}

fn check(
    old: Vec<Option<Spec>>,
    muts: Vec<(Mutation, Spec, Vec<Kind>)>,
) -> Result<(), TestCaseError> {
    let new: Vec<Option<Spec>> = old
        .iter()
        .zip(&muts)
        .map(|(o, (m, s, k))| mutate(o, m, s, k))
        .collect();
    prop_assume!(old.iter().any(Option::is_some) && new.iter().any(Option::is_some));
    let (old_doc, new_doc) = (model_json(&old), model_json(&new));
    let old_models = load(&old_doc)
        .map_err(|e| TestCaseError::fail(format!("old does not load: {e}\n{old_doc:#}")))?;
    let new_models = load(&new_doc)
        .map_err(|e| TestCaseError::fail(format!("new does not load: {e}\n{new_doc:#}")))?;
    let changes = compare(&old_models, &new_models);
    let wire: Vec<&Change> = changes.iter().filter(|c| c.wire).collect();
    let found = witness(&old, &new, &validator(&old_doc), &validator(&new_doc));
    let report = || {
        let lines: Vec<String> = changes
            .iter()
            .map(|c| format!("  {} {c}", c.class))
            .collect();
        format!(
            "old: {}\nnew: {}\nchanges:\n{}",
            old_doc["input"]["properties"],
            new_doc["input"]["properties"],
            lines.join("\n")
        )
    };
    match (&found, wire.is_empty()) {
        (Some(input), true) => Err(TestCaseError::fail(format!(
            "the old schema accepts {input} and the new one refuses it, but no change is breaking on the wire\n{}",
            report()
        ))),
        (None, false) => Err(TestCaseError::fail(format!(
            "a change is said to break on the wire, but no input the old schema accepts is refused\n{}",
            report()
        ))),
        _ => Ok(()),
    }
}

proptest! {
    #![proptest_config(Config { cases: 512, ..Config::default() })]

    #[test]
    fn wire_breaks_are_exactly_the_refused_inputs(
        old in prop::collection::vec(prop::option::weighted(0.85, spec()), SLOTS),
        muts in prop::collection::vec((mutation(), spec(), others()), SLOTS),
    ) {
        check(old, muts)?;
    }
}
