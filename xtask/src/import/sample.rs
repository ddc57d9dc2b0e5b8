//! The sample request on a page: the `data = {...}` body of its Python code,
//! read with line numbers stripped (the page numbers every code line, glued
//! to the code: `10data = {`). The body is a Python dict literal written
//! like JSON (`true`, `null`), or with Python's `True`/`None`; both are read.
//!
//! A chat page may show the SDK's call instead (`segmind.chat("slug",
//! messages=[...], instruction="...")`, its v2 form): its keyword arguments
//! are the body's fields, its first argument the slug.

use serde_json::{Map, Number, Value};

/// The sample body: its keys in order, with their values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sample {
    /// The fields the sample sends, in the order it sends them.
    pub fields: Vec<(String, Value)>,
    /// The 1-based page line of `data = {` (or of the SDK call).
    pub line: usize,
    /// For an SDK call: the function called (`segmind.chat`) and the slug
    /// it names, when it names one.
    pub call: Option<(String, Option<String>)>,
}

impl Sample {
    /// The value the sample sends for `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// Whether the sample sends `name`.
    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

/// The functions of the SDK whose call is a sample request: the v2 chat
/// (`chat`, `submit_chat`), the v1 one (`chat_sync`) and the general calls.
const SDK_CALLS: &[&str] = &[
    "chat",
    "chat_sync",
    "submit_chat",
    "run",
    "submit",
    "run_async",
];

/// Where a line (its page number stripped) starts a sample: `data = {`, or
/// an SDK call `name.chat(` (its result maybe assigned). The byte offset of
/// the `{` or `(` in the stripped line, and the function's name for a call.
fn sample_start(rest: &str) -> Option<(usize, Option<String>)> {
    let body = rest
        .strip_prefix("data")
        .or_else(|| rest.strip_prefix("payload"))
        .and_then(|r| r.trim_start().strip_prefix('='))
        .filter(|r| r.trim_start().starts_with('{'));
    if let Some(r) = body {
        return Some((rest.len() - r.trim_start().len(), None));
    }
    // `[result =] module.function(`
    let ident = |s: &str| {
        s.len()
            - s.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.')
                .len()
    };
    let mut at = 0;
    let n = ident(rest);
    if n > 0 {
        let after = rest[n..].trim_start();
        if let Some(a) = after.strip_prefix('=').filter(|a| !a.starts_with('=')) {
            at = rest.len() - a.trim_start().len();
        }
    }
    let call = &rest[at..];
    let n = ident(call);
    let name = &call[..n];
    let (_, function) = name.rsplit_once('.')?;
    if !SDK_CALLS.contains(&function) || !call[n..].starts_with('(') {
        return None;
    }
    Some((at + n, Some(name.to_owned())))
}

/// Finds and reads the first sample request on the page (`data = {...}`
/// or an SDK call). `Ok(None)` when the page has none; `Err((line, why))`
/// when it has one that does not read.
pub fn find(text: &str) -> Result<Option<Sample>, (usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let Some((start, numbered, at, call)) = lines.iter().enumerate().find_map(|(i, line)| {
        let trimmed = line.trim_start();
        let digits = trimmed.len()
            - trimmed
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .len();
        let rest = trimmed[digits..].trim_start();
        let (at, call) = sample_start(rest)?;
        Some((i, digits > 0, at, call))
    }) else {
        return Ok(None);
    };
    // The code from the `{` (or `(`) on, line numbers stripped, until its
    // brackets close.
    let mut code = String::new();
    for (i, line) in lines.iter().enumerate().skip(start) {
        let mut line = line.trim_start();
        if numbered {
            line = line.trim_start_matches(|c: char| c.is_ascii_digit());
        }
        if i == start {
            code.push_str(line.trim_start().get(at..).unwrap_or_default());
            code.push('\n');
            continue;
        }
        code.push_str(line);
        code.push('\n');
        if i > start + 2000 {
            break;
        }
    }
    let mut parser = Parser {
        s: code.as_bytes(),
        text: &code,
        i: 0,
        depth: 0,
    };
    if let Some(function) = call {
        let (slug, fields) = parser
            .call()
            .map_err(|why| (start + 1 + parser.line_offset(), why))?;
        return Ok(Some(Sample {
            fields,
            line: start + 1,
            call: Some((function, slug)),
        }));
    }
    let value = parser
        .value()
        .map_err(|why| (start + 1 + parser.line_offset(), why))?;
    let Value::Object(map) = value else {
        return Err((start + 1, "the sample request is not a dict".to_owned()));
    };
    Ok(Some(Sample {
        fields: map.into_iter().collect(),
        line: start + 1,
        call: None,
    }))
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
    depth: usize,
}

impl Parser<'_> {
    fn line_offset(&self) -> usize {
        self.text
            .get(..self.i.min(self.text.len()))
            .map(|t| t.matches('\n').count())
            .unwrap_or(0)
    }

    fn skip_ws(&mut self) {
        while let Some(&c) = self.s.get(self.i) {
            if c.is_ascii_whitespace() {
                self.i += 1;
            } else if c == b'#' {
                while self.s.get(self.i).is_some_and(|&c| c != b'\n') {
                    self.i += 1;
                }
            } else {
                break;
            }
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.s.get(self.i).copied()
    }

    fn value(&mut self) -> Result<Value, String> {
        self.depth += 1;
        if self.depth > 64 {
            return Err("the sample request nests too deeply".to_owned());
        }
        let value = match self.peek() {
            None => Err("the sample request ends early (truncated?)".to_owned()),
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(q @ (b'"' | b'\'')) => self.string(q).map(Value::String),
            Some(c) if c == b'-' || c.is_ascii_digit() => self.number(),
            Some(_) => self.word(),
        };
        self.depth -= 1;
        value
    }

    /// The arguments of an SDK call, from its `(`: the first positional
    /// string (the slug) and the keyword arguments in order.
    #[allow(clippy::type_complexity)]
    fn call(&mut self) -> Result<(Option<String>, Vec<(String, Value)>), String> {
        self.i += 1;
        let mut slug = None;
        let mut fields: Vec<(String, Value)> = Vec::new();
        loop {
            match self.peek() {
                Some(b')') => {
                    self.i += 1;
                    return Ok((slug, fields));
                }
                None => return Err("the sample call ends early (truncated?)".into()),
                Some(q @ (b'"' | b'\'')) if fields.is_empty() && slug.is_none() => {
                    slug = Some(self.string(q)?);
                }
                Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                    let start = self.i;
                    while self
                        .s
                        .get(self.i)
                        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
                    {
                        self.i += 1;
                    }
                    let name = self.text.get(start..self.i).unwrap_or_default().to_owned();
                    if self.peek() != Some(b'=') {
                        return Err(format!(
                            "{} is no keyword argument (a variable?) in the sample call",
                            crate::escape::quote(&name)
                        ));
                    }
                    self.i += 1;
                    let value = self.value()?;
                    if fields.iter().any(|(k, _)| k == &name) {
                        return Err(format!(
                            "the keyword argument {} is given twice in the sample call",
                            crate::escape::quote(&name)
                        ));
                    }
                    fields.push((name, value));
                }
                Some(_) => {
                    return Err("expected the slug or a keyword argument in the sample call".into())
                }
            }
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b')') => {}
                None => return Err("the sample call ends early (truncated?)".into()),
                Some(_) => return Err("expected ',' or ')' in the sample call".into()),
            }
        }
    }

    fn object(&mut self) -> Result<Value, String> {
        self.i += 1;
        let mut map = Map::new();
        loop {
            match self.peek() {
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Value::Object(map));
                }
                Some(q @ (b'"' | b'\'')) => {
                    let key = self.string(q)?;
                    if self.peek() != Some(b':') {
                        return Err(format!("no ':' after the key \"{key}\""));
                    }
                    self.i += 1;
                    let value = self.value()?;
                    map.insert(key, value);
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {}
                        None => return Err("the sample request ends early (truncated?)".into()),
                        Some(_) => return Err("expected ',' or '}' in the sample request".into()),
                    }
                }
                None => return Err("the sample request ends early (truncated?)".into()),
                Some(_) => return Err("expected a quoted key in the sample request".into()),
            }
        }
    }

    fn array(&mut self) -> Result<Value, String> {
        self.i += 1;
        let mut items = Vec::new();
        loop {
            match self.peek() {
                Some(b']') => {
                    self.i += 1;
                    return Ok(Value::Array(items));
                }
                None => return Err("the sample request ends early (truncated?)".into()),
                Some(_) => {
                    items.push(self.value()?);
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {}
                        _ => return Err("expected ',' or ']' in the sample request".into()),
                    }
                }
            }
        }
    }

    fn string(&mut self, quote: u8) -> Result<String, String> {
        self.i += 1;
        let start = self.i;
        let mut out = String::new();
        let mut plain_from = start;
        while let Some(&c) = self.s.get(self.i) {
            if c == quote {
                out.push_str(self.text.get(plain_from..self.i).unwrap_or_default());
                self.i += 1;
                return Ok(out);
            }
            if c == b'\n' {
                break;
            }
            if c == b'\\' {
                out.push_str(self.text.get(plain_from..self.i).unwrap_or_default());
                let esc = self.s.get(self.i + 1).copied();
                self.i += 2;
                match esc {
                    Some(b'n') => out.push('\n'),
                    Some(b't') => out.push('\t'),
                    Some(b'r') => out.push('\r'),
                    Some(b'u') => {
                        let hex = self.text.get(self.i..self.i + 4).unwrap_or_default();
                        match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                            Some(ch) => {
                                out.push(ch);
                                self.i += 4;
                            }
                            None => out.push('\u{fffd}'),
                        }
                    }
                    Some(other) if other.is_ascii() => out.push(char::from(other)),
                    _ => return Err("a bad escape in a string of the sample request".into()),
                }
                plain_from = self.i;
                continue;
            }
            self.i += 1;
        }
        Err("a string of the sample request does not end on its line".into())
    }

    fn number(&mut self) -> Result<Value, String> {
        let start = self.i;
        if self.s.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        while self
            .s
            .get(self.i)
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
        {
            self.i += 1;
        }
        let raw = self.text.get(start..self.i).unwrap_or_default();
        parse_number(raw)
            .map(Value::Number)
            .ok_or_else(|| format!("{raw:?} is not a number in the sample request"))
    }

    fn word(&mut self) -> Result<Value, String> {
        let start = self.i;
        while self
            .s
            .get(self.i)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        {
            self.i += 1;
        }
        match self.text.get(start..self.i).unwrap_or_default() {
            "true" | "True" => Ok(Value::Bool(true)),
            "false" | "False" => Ok(Value::Bool(false)),
            "null" | "None" => Ok(Value::Null),
            "" => Err("an unexpected character in the sample request".into()),
            other => Err(format!(
                "{} is not a literal (a variable?) in the sample request",
                crate::escape::quote(other)
            )),
        }
    }
}

/// A JSON number from its text: an integer when it is one (and fits), else
/// a float.
pub fn parse_number(raw: &str) -> Option<Number> {
    if let Ok(n) = raw.parse::<i64>() {
        return Some(Number::from(n));
    }
    if let Ok(n) = raw.parse::<u64>() {
        return Some(Number::from(n));
    }
    raw.parse::<f64>().ok().and_then(Number::from_f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_a_numbered_sample() {
        let text = "1import requests\n10data = {\n11 \"a\": \"x\",\n12 \"b\": 6,\n13 \"c\": null,\n14 \"d\": [1, 2.5]\n15}\n";
        let sample = find(text).expect("reads").expect("found");
        assert_eq!(sample.line, 2);
        assert_eq!(sample.get("b"), Some(&json!(6)));
        assert_eq!(sample.get("c"), Some(&Value::Null));
        assert_eq!(sample.get("d"), Some(&json!([1, 2.5])));
    }

    #[test]
    fn reads_python_literals_and_trailing_commas() {
        let text = "data = {\n    'a': True,\n    \"b\": None,\n    \"c\": -1.5,\n}\n";
        let sample = find(text).expect("reads").expect("found");
        assert_eq!(sample.get("a"), Some(&json!(true)));
        assert_eq!(sample.get("c"), Some(&json!(-1.5)));
    }

    #[test]
    fn reads_an_sdk_call() {
        let text = " 1import segmind\n 2\n 3response = segmind.chat(\n 4    \"claude-3.5-sonnet\",\n 5    messages=[{\"role\": \"user\", \"content\": \"Hi\"}],\n 6    instruction='Be brief.',\n 7)\n 8print(response.text)\n";
        let sample = find(text).expect("reads").expect("found");
        assert_eq!(sample.line, 3);
        assert_eq!(
            sample.call,
            Some(("segmind.chat".into(), Some("claude-3.5-sonnet".into())))
        );
        assert_eq!(
            sample.get("messages"),
            Some(&json!([{"role": "user", "content": "Hi"}]))
        );
        assert_eq!(sample.get("instruction"), Some(&json!("Be brief.")));
        let err = find("r = client.chat(\"x\", messages=msgs)").expect_err("variable");
        assert!(err.1.contains("literal"), "{err:?}");
        assert!(find("x = segmind.chat(\"x\", m=1").is_err());
        assert!(find("print(segmind.version)").expect("ok").is_none());
    }

    #[test]
    fn a_truncated_sample_is_an_error() {
        let err = find("data = {\n \"a\": 1,\n").expect_err("truncated");
        assert!(err.1.contains("ends early"), "{err:?}");
        assert!(find("data = {\"a\": x}").is_err());
        assert!(find("no code here").expect("ok").is_none());
    }
}
