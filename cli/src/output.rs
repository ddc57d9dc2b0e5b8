//! What the command writes: results on stdout (a line for people, one JSON
//! object with `--json`), notes and errors on stderr. Writes never panic: a
//! closed pipe just ends the output.

use std::io::Write;

use indicatif::HumanBytes;
use serde_json::{json, Value};

use crate::save::Delivered;

/// An output delivered (a file saved, or a JSON answer to print), and what
/// Segmind said about making it.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    /// Slug of the model, when known (`segmind wait` does not know it).
    pub model: Option<String>,
    /// Segmind's id of the request.
    pub request_id: Option<String>,
    /// Credits left on the account.
    pub remaining_credits: Option<f64>,
    /// Price of the call.
    pub cost: Option<f64>,
    /// Seconds the model took.
    pub generation_time: Option<f64>,
    /// Where Segmind keeps the output file (v2 jobs of media models only).
    pub output_url: Option<String>,
    /// Where the output went.
    pub delivered: Delivered,
}

impl Saved {
    /// The `--json` report: every key is always present, `null` when
    /// unknown or not relevant (`output` holds a JSON answer that was not
    /// written to a file; `output_path` and `bytes` are null then).
    pub fn to_json(&self) -> Value {
        let path = self.delivered.path.as_ref();
        json!({
            "model": self.model,
            "request_id": self.request_id,
            "remaining_credits": self.remaining_credits,
            "cost": self.cost,
            "generation_time": self.generation_time,
            "output_path": path.map(|p| p.display().to_string()),
            "bytes": self.delivered.bytes,
            "content_type": self.delivered.content_type,
            "output_url": self.output_url,
            "output": self.delivered.output,
        })
    }

    /// The report for people: where the output is, then what it cost.
    pub fn to_text(&self) -> String {
        let mut text = match (&self.delivered.path, self.delivered.bytes) {
            (Some(path), Some(bytes)) => {
                format!("saved {} ({})\n", path.display(), HumanBytes(bytes))
            }
            _ => String::new(),
        };
        let mut facts = Vec::new();
        if let Some(id) = &self.request_id {
            facts.push(format!("request id {id}"));
        }
        if let Some(cost) = self.cost {
            facts.push(format!("cost {cost}"));
        }
        if let Some(credits) = self.remaining_credits {
            facts.push(format!("{credits} credits left"));
        }
        if let Some(seconds) = self.generation_time {
            facts.push(format!("generated in {seconds:.1} s"));
        }
        if !facts.is_empty() {
            text.push_str(&facts.join(", "));
            text.push('\n');
        }
        if let Some(url) = &self.output_url {
            text.push_str(&format!("output URL (kept 7 days): {url}\n"));
        }
        text
    }

    /// Prints the report: JSON with `json`, else the text (nothing with
    /// `quiet`). A JSON answer is printed on stdout, indented, and the
    /// report then goes to stderr; so does it when `--out -` took stdout.
    pub fn print(&self, json: bool, quiet: bool) {
        if json {
            stdout_json(&self.to_json());
            return;
        }
        match (&self.delivered.text, &self.delivered.output) {
            (Some(text), _) => stdout(&format!("{text}\n")),
            (None, Some(answer)) => stdout_pretty_json(answer),
            (None, None) => {}
        }
        if quiet {
            return;
        }
        let text = self.to_text();
        let took_stdout = self.delivered.output.is_some()
            || self.delivered.path.as_deref() == Some(std::path::Path::new("-"));
        if took_stdout {
            stderr(&text);
        } else {
            stdout(&text);
        }
    }
}

/// Writes `text` to stdout as is.
pub fn stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`segmind models | head -1`) is not an error worth a panic.
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Writes `value` as one line of JSON to stdout.
pub fn stdout_json(value: &Value) {
    stdout(&format!("{value}\n"));
}

/// Writes `value` as indented JSON to stdout.
pub fn stdout_pretty_json(value: &Value) {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
    stdout(&format!("{text}\n"));
}

/// Writes `text` to stderr as is.
pub fn stderr(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}

/// `text` quoted for a POSIX shell: left bare when it is made of safe
/// characters only, else in single quotes.
pub fn shell_quote(text: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c);
    if !text.is_empty() && text.chars().all(safe) {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn saved() -> Saved {
        Saved {
            model: Some("hallo".to_owned()),
            request_id: Some("r-1".into()),
            remaining_credits: Some(99.5),
            cost: Some(0.421),
            generation_time: None,
            output_url: None,
            delivered: Delivered {
                path: Some(PathBuf::from("out.mp4")),
                bytes: Some(2048),
                content_type: Some("video/mp4".into()),
                output: None,
                text: None,
            },
        }
    }

    #[test]
    fn json_report_has_every_key() {
        let report = saved().to_json();
        assert_eq!(report["model"], "hallo");
        assert_eq!(report["bytes"], 2048);
        assert_eq!(report["output_path"], "out.mp4");
        assert_eq!(report["content_type"], "video/mp4");
        assert_eq!(report["output_url"], Value::Null);
        assert_eq!(report["output"], Value::Null);
        assert_eq!(report.as_object().map(|o| o.len()), Some(10));
    }

    #[test]
    fn a_json_answer_is_in_the_report_and_not_a_file() {
        let mut answer = saved();
        answer.delivered = Delivered {
            output: Some(json!({"text": "hi"})),
            ..Delivered::default()
        };
        let report = answer.to_json();
        assert_eq!(report["output"]["text"], "hi");
        assert_eq!(report["output_path"], Value::Null);
        assert_eq!(report["bytes"], Value::Null);
        assert_eq!(
            answer.to_text(),
            "request id r-1, cost 0.421, 99.5 credits left\n"
        );
    }

    #[test]
    fn text_report_names_the_file_and_the_cost() {
        let text = saved().to_text();
        assert_eq!(
            text,
            "saved out.mp4 (2.00 KiB)\nrequest id r-1, cost 0.421, 99.5 credits left\n"
        );
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote("out.mp4"), "out.mp4");
        assert_eq!(shell_quote("https://x.test/a.png"), "https://x.test/a.png");
        assert_eq!(shell_quote("my file.mp4"), "'my file.mp4'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
