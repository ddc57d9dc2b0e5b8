//! The comparison of two sets of loaded models: every change of a model,
//! its fields (nested objects and list items too) and their limits, in
//! words, classed and marked with where it breaks (wire, Rust).

use std::collections::BTreeMap;

use serde_json::Value;

use super::range::{self, Direction, NumericRange};
use super::{Change, Class};
use crate::escape::json;
use crate::ir::{EnumDef, Field, FieldType, Limits, Model, Shape};

/// Collects the changes of one model.
struct Changes<'a> {
    model: &'a str,
    out: &'a mut Vec<Change>,
}

impl Changes<'_> {
    fn push(&mut self, field: Option<&str>, class: Class, wire: bool, rust: bool, message: String) {
        self.out.push(Change {
            model: self.model.to_owned(),
            field: field.map(str::to_owned),
            class,
            wire,
            rust,
            message,
        });
    }
    fn cosmetic(&mut self, field: Option<&str>, message: String) {
        self.push(field, Class::Cosmetic, false, false, message);
    }
    fn additive(&mut self, field: Option<&str>, message: String) {
        self.push(field, Class::Additive, false, false, message);
    }
    /// A breaking change; `wire`/`rust` say where.
    fn breaking(&mut self, field: Option<&str>, wire: bool, rust: bool, message: String) {
        self.push(field, Class::Breaking, wire, rust, message);
    }
}

/// Every change from `old` to `new` (models matched by slug), sorted by
/// model, then field, then class (the worst last), in a stable order.
pub fn compare(old: &[Model], new: &[Model]) -> Vec<Change> {
    let old: BTreeMap<&str, &Model> = old.iter().map(|m| (m.slug.as_str(), m)).collect();
    let new: BTreeMap<&str, &Model> = new.iter().map(|m| (m.slug.as_str(), m)).collect();
    let mut out = Vec::new();
    for (slug, o) in &old {
        let mut c = Changes {
            model: slug,
            out: &mut out,
        };
        match new.get(slug) {
            Some(n) => model(&mut c, o, n),
            None => c.breaking(
                None,
                true,
                true,
                format!(
                    "model removed: its module {}, its client methods and its CLI subcommand are gone, and the endpoint is no longer served",
                    o.rust_name
                ),
            ),
        }
    }
    for (slug, n) in &new {
        if !old.contains_key(slug) {
            let mut c = Changes {
                model: slug,
                out: &mut out,
            };
            c.additive(
                None,
                format!(
                    "new model {} (module {}, output {})",
                    json(&Value::String(n.title.clone())),
                    n.rust_name,
                    n.output
                ),
            );
        }
    }
    out
}

fn model(c: &mut Changes<'_>, o: &Model, n: &Model) {
    if o.rust_name != n.rust_name {
        c.breaking(
            None,
            false,
            true,
            format!(
                "Rust name was {}, is {}: the module and the client methods are renamed",
                o.rust_name, n.rust_name
            ),
        );
    }
    if o.output != n.output {
        c.breaking(
            None,
            false,
            true,
            format!(
                "output was {}, is {}: a call returns another type",
                o.output, n.output
            ),
        );
    }
    for (what, a, b) in [
        ("title", &o.title, &n.title),
        ("summary", &o.summary, &n.summary),
    ] {
        if a != b {
            c.cosmetic(
                None,
                format!(
                    "{what} was {}, is {}",
                    json(&Value::String(a.clone())),
                    json(&Value::String(b.clone()))
                ),
            );
        }
    }
    for (what, a, b) in [
        ("typical latency (s)", o.latency, n.latency),
        ("typical price (USD)", o.price, n.price),
    ] {
        if a != b {
            let show = |x: Option<f64>| x.map_or_else(|| "none".to_owned(), |x| x.to_string());
            c.cosmetic(None, format!("{what} was {}, is {}", show(a), show(b)));
        }
    }
    fields(c, "", &o.fields, &n.fields, "Input::new");
}

/// Compares the fields of an object (the body when `prefix` is empty).
/// `constructor` names what takes the required fields as arguments.
fn fields(c: &mut Changes<'_>, prefix: &str, old: &[Field], new: &[Field], constructor: &str) {
    let path = |f: &Field| format!("{prefix}{}", f.wire);
    for o in old {
        let p = path(o);
        match new.iter().find(|n| n.wire == o.wire) {
            Some(n) => field(c, &p, o, n, constructor),
            None => c.breaking(
                Some(&p),
                true,
                true,
                "removed: its field and setter are gone, and an input that sets it is refused"
                    .to_owned(),
            ),
        }
    }
    for n in new {
        if old.iter().any(|o| o.wire == n.wire) {
            continue;
        }
        let p = path(n);
        let ty = type_words(&n.shape.ty);
        if n.is_argument() {
            c.breaking(
                Some(&p),
                true,
                true,
                format!("new required field ({ty}): {constructor} takes it as a new argument, and an input without it is refused"),
            );
        } else if n.required {
            c.breaking(
                Some(&p),
                true,
                false,
                format!(
                    "new required field ({ty}) with the default {}: the generated client sends the default, but an input without it (JSON, another client) is refused",
                    n.default.as_ref().map_or_else(String::new, json)
                ),
            );
        } else {
            c.additive(Some(&p), format!("new optional field ({ty})"));
        }
    }
    // The order of the arguments both sides share: a swap of two of one type
    // compiles and sends each value to the other field.
    let args = |fs: &[Field], other: &[Field]| -> Vec<String> {
        fs.iter()
            .filter(|f| f.is_argument())
            .filter(|f| other.iter().any(|g| g.wire == f.wire && g.is_argument()))
            .map(|f| f.wire.clone())
            .collect()
    };
    let (oa, na) = (args(old, new), args(new, old));
    if oa != na {
        c.breaking(
            (!prefix.is_empty()).then(|| prefix.trim_end_matches('.')),
            false,
            true,
            format!(
                "the arguments of {constructor} were in the order {}, are in the order {}",
                oa.join(", "),
                na.join(", ")
            ),
        );
    }
}

fn field(c: &mut Changes<'_>, p: &str, o: &Field, n: &Field, constructor: &str) {
    let at = Some(p);
    if o.rust != n.rust {
        c.breaking(
            at,
            false,
            true,
            format!(
                "Rust name was {}, is {}: the field and its setter are renamed",
                o.rust, n.rust
            ),
        );
    }
    match (o.required, n.required) {
        (false, true) => c.breaking(
            at,
            true,
            true,
            if n.is_argument() {
                format!("was optional, is required: its Rust type is no longer an Option, {constructor} takes it as a new argument, and an input without it is refused")
            } else {
                "was optional, is required (with a default): its Rust type is no longer an Option, and an input without it is refused".to_owned()
            },
        ),
        (true, false) => c.breaking(
            at,
            false,
            true,
            if o.is_argument() {
                format!("was required, is optional: the wire accepts more, but its Rust type becomes an Option and {constructor} no longer takes it")
            } else {
                "was required, is optional: the wire accepts more, but its Rust type becomes an Option".to_owned()
            },
        ),
        (true, true) if o.is_argument() != n.is_argument() => c.breaking(
            at,
            false,
            true,
            if n.is_argument() {
                format!("its default is gone: {constructor} takes it as a new argument")
            } else {
                format!("has a default now: {constructor} no longer takes it as an argument")
            },
        ),
        _ => {}
    }
    if o.default != n.default && !numbers_equal(o.default.as_ref(), n.default.as_ref()) {
        let show = |d: &Option<Value>| d.as_ref().map_or_else(|| "none".to_owned(), json);
        let words = format!("default was {}, is {}", show(&o.default), show(&n.default));
        if n.required && o.required && !n.is_argument() && !o.is_argument() {
            c.additive(
                at,
                format!("{words}: the generated client sends the default when it is not set, so such calls now send the new one (a change of behaviour, not of the API)"),
            );
        } else if matches!(n.shape.ty, FieldType::Enum(_))
            && o.default.is_some()
            && n.default.is_some()
        {
            c.additive(
                at,
                format!("{words}: the enum's Rust Default is the new value (the client does not send an unset field)"),
            );
        } else {
            c.cosmetic(
                at,
                format!(
                    "{words}: the server's default, which the client does not send (docs only)"
                ),
            );
        }
    }
    match (o.nullable, n.nullable) {
        (true, false) => c.breaking(
            at,
            true,
            true,
            "may no longer be null: null is refused and its _null setter is gone".to_owned(),
        ),
        (false, true) => c.additive(at, "may be null now (a new _null setter)".to_owned()),
        _ => {}
    }
    if o.description != n.description {
        c.cosmetic(at, "description changed".to_owned());
    }
    if o.examples != n.examples {
        c.cosmetic(at, "examples changed".to_owned());
    }
    shape(c, p, &o.shape, &n.shape);
}

fn numbers_equal(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a.and_then(Value::as_f64), b.and_then(Value::as_f64)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// The type in words.
fn type_words(ty: &FieldType) -> String {
    match ty {
        FieldType::String => "string".to_owned(),
        FieldType::Number => "number".to_owned(),
        FieldType::Integer => "integer".to_owned(),
        FieldType::Boolean => "boolean".to_owned(),
        FieldType::Media(kind) => format!("{kind} media"),
        FieldType::Enum(e) if e.open => format!("open enum {}", e.type_name),
        FieldType::Enum(e) => format!("enum {}", e.type_name),
        FieldType::List(item) => format!("list of {}", type_words(&item.ty)),
        FieldType::Object(o) => format!("object {}", o.type_name),
        FieldType::TextOr(u) => format!("text or {}", type_words(&u.other.ty)),
    }
}

fn shape(c: &mut Changes<'_>, p: &str, o: &Shape, n: &Shape) {
    let at = Some(p);
    let retyped = |c: &mut Changes<'_>, wire: bool, why: &str| {
        c.breaking(
            at,
            wire,
            true,
            format!(
                "type was {}, is {}{why}",
                type_words(&o.ty),
                type_words(&n.ty)
            ),
        );
    };
    match (&o.ty, &n.ty) {
        (FieldType::String, FieldType::String) => string_limits(c, p, &o.limits, &n.limits),
        (FieldType::Boolean, FieldType::Boolean) => {}
        (FieldType::Integer, FieldType::Integer) => {
            numeric(c, p, &o.limits, &n.limits, (true, true))
        }
        (FieldType::Number, FieldType::Number) => {
            numeric(c, p, &o.limits, &n.limits, (false, false))
        }
        (FieldType::Integer, FieldType::Number) => {
            retyped(
                c,
                false,
                ": the Rust type is f64, not i64; the wire accepts every integer still",
            );
            numeric(c, p, &o.limits, &n.limits, (true, false));
        }
        // A number that must be a multiple of a whole number is always a
        // whole number: as an integer, the wire accepts each value still
        // (within the limits, compared next).
        (FieldType::Number, FieldType::Integer)
            if range::step(&o.limits, false).is_some_and(|m| m >= 1.0 && m.fract() == 0.0) =>
        {
            retyped(
                c,
                false,
                ": the Rust type is i64, not f64; every old value is a whole number (its multipleOf is one), which the wire accepts as an integer",
            );
            numeric(c, p, &o.limits, &n.limits, (false, true));
        }
        (FieldType::Media(a), FieldType::Media(b)) if a != b => c.breaking(
            at,
            false,
            false,
            format!("media kind was {a}, is {b}: every caller's file is of the wrong kind now"),
        ),
        (FieldType::Media(_), FieldType::Media(_)) => {}
        (FieldType::TextOr(a), FieldType::TextOr(b)) => {
            string_limits(c, p, &o.limits, &n.limits);
            shape(c, p, &a.other, &b.other);
        }
        (FieldType::List(_) | FieldType::Object(_), FieldType::TextOr(b))
            if std::mem::discriminant(&o.ty) == std::mem::discriminant(&b.other.ty) =>
        {
            retyped(
                c,
                false,
                ": the wire accepts every old value and a string too; the Rust type is new",
            );
            shape(c, p, o, &b.other);
        }
        (FieldType::Enum(a), FieldType::Enum(b)) => enums(c, p, a, b),
        (FieldType::List(a), FieldType::List(b)) => {
            let (oc, nc) = (
                (o.limits.min_items, o.limits.max_items),
                (n.limits.min_items, n.limits.max_items),
            );
            count(c, p, "number of items", oc, nc);
            shape(c, &format!("{p}[]"), a, b);
        }
        (FieldType::Object(a), FieldType::Object(b)) => {
            if a.type_name != b.type_name {
                c.breaking(
                    at,
                    false,
                    true,
                    format!("Rust type was {}, is {}", a.type_name, b.type_name),
                );
            }
            fields(
                c,
                &format!("{p}."),
                &a.fields,
                &b.fields,
                &format!("{}::new", b.type_name),
            );
        }
        (FieldType::Enum(e), FieldType::String) if e.open => {
            retyped(c, false, ": the wire accepts every string still");
            string_limits(c, p, &Limits::default(), &n.limits);
        }
        (FieldType::Enum(e), FieldType::String) => {
            let refused: Vec<String> = e
                .variants
                .iter()
                .filter(|v| !fits(&v.value, &n.limits))
                .map(|v| json(&v.value))
                .collect();
            if refused.is_empty() {
                retyped(c, false, ": the wire accepts every value still");
            } else {
                retyped(
                    c,
                    true,
                    &format!(": the new limits refuse {}", refused.join(", ")),
                );
            }
        }
        (FieldType::String, FieldType::Enum(e)) if e.open => {
            retyped(c, false, ": the wire accepts every string");
        }
        _ => retyped(c, true, ": values of the old type are refused"),
    }
}

/// Whether the string `value` passes a string's `limits` (lengths in code
/// points, as JSON Schema counts them; the pattern unanchored).
fn fits(value: &Value, limits: &Limits) -> bool {
    let Some(text) = value.as_str() else {
        return false;
    };
    let length = text.chars().count() as u64;
    limits.min_length.is_none_or(|min| length >= min)
        && limits.max_length.is_none_or(|max| length <= max)
        && limits.pattern.as_deref().is_none_or(|p| {
            // A pattern the loader let through compiles; one that does not
            // counts as refusing.
            regex::Regex::new(p).is_ok_and(|re| re.is_match(text))
        })
}

fn string_limits(c: &mut Changes<'_>, p: &str, o: &Limits, n: &Limits) {
    count(
        c,
        p,
        "length",
        (o.min_length, o.max_length),
        (n.min_length, n.max_length),
    );
    let at = Some(p);
    match (&o.pattern, &n.pattern) {
        (None, Some(b)) => c.breaking(
            at,
            true,
            false,
            format!(
                "new pattern {}: strings that do not match it are refused",
                json(&Value::String(b.clone()))
            ),
        ),
        (Some(a), None) => c.additive(
            at,
            format!(
                "pattern {} dropped: any string goes",
                json(&Value::String(a.clone()))
            ),
        ),
        (Some(a), Some(b)) if a != b => c.breaking(
            at,
            true,
            false,
            format!(
                "pattern was {}, is {}: strings the old one matched may be refused",
                json(&Value::String(a.clone())),
                json(&Value::String(b.clone()))
            ),
        ),
        _ => {}
    }
}

fn count(
    c: &mut Changes<'_>,
    p: &str,
    what: &str,
    o: (Option<u64>, Option<u64>),
    n: (Option<u64>, Option<u64>),
) {
    let words = format!(
        "{what} was {}, is {}",
        range::count_words(o),
        range::count_words(n)
    );
    direction(c, p, range::count(o, n), words);
}

fn direction(c: &mut Changes<'_>, p: &str, d: Direction, words: String) {
    match d {
        Direction::Same => {}
        Direction::Widened => c.additive(Some(p), format!("{words}: widened")),
        Direction::Narrowed => c.breaking(
            Some(p),
            true,
            false,
            format!("{words}: narrowed, values the old schema accepted are refused"),
        ),
        Direction::Moved => c.breaking(
            Some(p),
            true,
            false,
            format!("{words}: moved, values the old schema accepted are refused"),
        ),
    }
}

/// Compares numeric limits; `integer` says which side is an integer field.
fn numeric(c: &mut Changes<'_>, p: &str, o: &Limits, n: &Limits, integer: (bool, bool)) {
    let (os, ns) = (range::step(o, integer.0), range::step(n, integer.1));
    // An integer field holds an i64: a bound at i64's limit is no bound.
    let (or, nr) = (
        NumericRange::of(o, os).within_i64(integer.0),
        NumericRange::of(n, os).within_i64(integer.1),
    );
    let words = format!("range was {}, is {}", or.words(), nr.words());
    direction(c, p, or.direction(&nr), words);
    let show = |m: Option<f64>, integer: bool| match m {
        None => "none".to_owned(),
        Some(1.0) if integer => "1 (an integer)".to_owned(),
        Some(m) => m.to_string(),
    };
    let words = match (&o.multiple_of, &n.multiple_of) {
        (None, Some(m)) => format!("new multipleOf {m}"),
        _ => format!(
            "multipleOf was {}, is {}",
            show(os, integer.0),
            show(ns, integer.1)
        ),
    };
    direction(c, p, range::multiple_of(os, ns), words);
}

fn enums(c: &mut Changes<'_>, p: &str, o: &EnumDef, n: &EnumDef) {
    let at = Some(p);
    if o.type_name != n.type_name {
        c.breaking(
            at,
            false,
            true,
            format!("Rust type was {}, is {}", o.type_name, n.type_name),
        );
    }
    if o.kind != n.kind {
        c.breaking(
            at,
            true,
            true,
            format!("values were {:?}s, are {:?}s", o.kind, n.kind).to_lowercase(),
        );
        return;
    }
    match (o.open, n.open) {
        (false, true) => c.breaking(
            at,
            false,
            true,
            format!("was a closed enum, is open: {} gets an Other(String) variant (the wire accepts any string now)", n.type_name),
        ),
        (true, false) => c.breaking(
            at,
            true,
            true,
            format!("was an open enum, is closed: {} loses its Other(String) variant, and values outside the set are refused", n.type_name),
        ),
        _ => {}
    }
    let same = |a: &Value, b: &Value| a == b || numbers_equal(Some(a), Some(b));
    for v in &o.variants {
        match n.variants.iter().find(|w| same(&w.value, &v.value)) {
            None if n.open => c.breaking(
                at,
                false,
                true,
                format!(
                    "known value {} dropped: the variant {} is gone (the wire still accepts the value as another one)",
                    json(&v.value),
                    v.name
                ),
            ),
            None => c.breaking(
                at,
                true,
                true,
                format!(
                    "value {} removed: the variant {} is gone, and the value is refused",
                    json(&v.value),
                    v.name
                ),
            ),
            Some(w) if w.name != v.name => c.breaking(
                at,
                false,
                true,
                format!(
                    "the variant of {} was {}, is {}",
                    json(&v.value),
                    v.name,
                    w.name
                ),
            ),
            Some(_) => {}
        }
    }
    for w in &n.variants {
        if o.variants.iter().any(|v| same(&v.value, &w.value)) {
            continue;
        }
        let wire = if o.open || n.open {
            ""
        } else {
            "; the wire accepts it now"
        };
        c.breaking(
            at,
            false,
            true,
            format!(
                "new value {} (variant {}): {} is an exhaustive enum, so a match over it no longer compiles{wire}",
                json(&w.value),
                w.name,
                n.type_name
            ),
        );
    }
}
