//! Model files as the hand-written ones look: two-space indents, one key
//! per line, and short lists of plain values on one line
//! (`"enum": [6, 10]`).

use serde_json::Value;

/// The widest one-line list.
const INLINE_WIDTH: usize = 80;

/// `value` as a model file's text, ending in a newline.
pub fn to_string(value: &Value) -> String {
    let mut out = String::new();
    write(&mut out, value, 0);
    out.push('\n');
    out
}

fn scalar(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn write(out: &mut String, value: &Value, indent: usize) {
    let pad = |n: usize| " ".repeat(n);
    match value {
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Object(map) => {
            out.push_str("{\n");
            for (i, (k, v)) in map.iter().enumerate() {
                out.push_str(&pad(indent + 2));
                out.push_str(&scalar(&Value::String(k.clone())));
                out.push_str(": ");
                write(out, v, indent + 2);
                if i + 1 < map.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            out.push_str(&pad(indent));
            out.push('}');
        }
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Array(items) => {
            let plain = items.iter().all(|v| !v.is_object() && !v.is_array());
            let inline: Vec<String> = items.iter().map(scalar).collect();
            let inline = format!("[{}]", inline.join(", "));
            if plain && (items.len() == 1 || inline.len() <= INLINE_WIDTH) {
                out.push_str(&inline);
                return;
            }
            out.push_str("[\n");
            for (i, v) in items.iter().enumerate() {
                out.push_str(&pad(indent + 2));
                write(out, v, indent + 2);
                if i + 1 < items.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            out.push_str(&pad(indent));
            out.push(']');
        }
        other => out.push_str(&scalar(other)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn reads_back_and_looks_hand_written() {
        let v = json!({"a": [1, 2], "b": {"c": "d", "e": []}, "f": [{"g": 1}]});
        let text = super::to_string(&v);
        assert_eq!(
            text,
            "{\n  \"a\": [1, 2],\n  \"b\": {\n    \"c\": \"d\",\n    \"e\": []\n  },\n  \"f\": [\n    {\n      \"g\": 1\n    }\n  ]\n}\n"
        );
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).expect("json"),
            v
        );
    }
}
