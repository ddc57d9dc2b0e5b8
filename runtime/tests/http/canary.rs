//! A canary key put into every reply field the client keeps, in every form a
//! server might echo it (plain, JSON-escaped, percent-encoded, as a key
//! name, in a header), never reaches any output: `Debug`, `Display`, errors.
//! The check decodes what it reads independently of the client's redaction.

use proptest::prelude::*;
use segmind_runtime::{
    AnyOutput, Client, JsonInput, JsonOutput, OutputKind, RetryPolicy, WaitOptions,
};

use crate::support::*;

const CANARY: &str = "sk-canary-7Qz";

/// How the server writes the canary into a string.
#[derive(Debug, Clone, Copy)]
enum Form {
    Plain,
    /// `\uXXXX` for every character, as raw text in the body.
    JsonEscaped,
    /// `%XX` for some characters.
    Percent(u8),
}

fn written(form: Form) -> String {
    match form {
        Form::Plain => CANARY.to_owned(),
        Form::JsonEscaped => CANARY
            .chars()
            .map(|c| format!("\\u{:04x}", c as u32))
            .collect(),
        Form::Percent(mask) => CANARY
            .bytes()
            .enumerate()
            .map(|(i, b)| {
                if mask & (1 << (i % 8)) != 0 {
                    format!("%{b:02X}")
                } else {
                    char::from(b).to_string()
                }
            })
            .collect(),
    }
}

fn form() -> impl Strategy<Value = Form> {
    prop_oneof![
        Just(Form::Plain),
        Just(Form::JsonEscaped),
        any::<u8>().prop_map(|m| Form::Percent(m | 1)),
    ]
}

/// Independent of the client: percent escapes and `\uXXXX` escapes decoded
/// (repeatedly), then a plain search.
fn leaks(text: &str) -> bool {
    let mut text = text.to_owned();
    for _ in 0..3 {
        if text.contains(CANARY) {
            return true;
        }
        // `Debug` doubles backslashes: undo that first.
        text = text.replace("\\\\", "\\");
        let mut out = String::new();
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let hex = |from: usize, len: usize| -> Option<char> {
                let digits: String = chars.get(from..from + len)?.iter().collect();
                char::from_u32(u32::from_str_radix(&digits, 16).ok()?)
            };
            if chars[i] == '%' {
                if let Some(c) = hex(i + 1, 2) {
                    out.push(c);
                    i += 3;
                    continue;
                }
            }
            if chars[i] == '\\' && chars.get(i + 1) == Some(&'u') {
                if let Some(c) = hex(i + 2, 4) {
                    out.push(c);
                    i += 6;
                    continue;
                }
            }
            out.push(chars[i]);
            i += 1;
        }
        text = out;
    }
    text.contains(CANARY)
}

/// A reply object with the canary, written as `form`, in a value, a key
/// name, a nested list and a URL.
fn poisoned(form: Form, base: &str) -> String {
    let c = written(form);
    // Built as text so JSON escapes stay as the server wrote them.
    format!(
        r#"{{"status":"FAILED {c}","request_id":"id-{c}","error":"bad {c}","message":"m {c}","{c}":1,"nested":{{"list":["x{c}",{{"{c}":"{c}"}}]}},"metrics":{{"cost":"{c}","gpu":"{c}","{c}":2}},"output":"{base}/files/{c}.mp4","status_url":"{base}/s/{c}"}}"#
    )
}

fn client_of(stub: &Stub) -> Client {
    Client::builder()
        .api_key(CANARY)
        .base_url(stub.base_url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

/// Every output of every call against a server answering `status` with the
/// poisoned body (and the canary in its headers).
async fn outputs(form: Form, status: u16, content_type: &'static str) -> Vec<String> {
    let stub = Stub::start(move |ctx| {
        let body = poisoned(form, ctx.base);
        let c = written(form);
        Reply::Now(respond(
            status,
            &[
                ("content-type", content_type),
                ("x-request-id", &format!("req-{c}")),
                ("x-echo", &c),
                ("location", &format!("{}/{c}", ctx.base)),
            ],
            body,
        ))
    })
    .await;
    let client = client_of(&stub);
    let mut shown = vec![format!("{client:?}")];
    let mut show = |text: String| shown.push(text);
    let wait = WaitOptions::new()
        .with_poll_interval(std::time::Duration::from_millis(1))
        .with_deadline(std::time::Duration::from_millis(150));
    match client.run::<Video, _>(&TestInput::url()).await {
        Ok(video) => {
            show(format!("{video:?}"));
            match video.bytes().await {
                Ok(_) => {}
                Err(e) => show(format!("{e} {e:?}")),
            }
        }
        Err(e) => show(format!("{e} {e:?} {:?}", e.request_id())),
    }
    // A JSON model's answer is kept whole: with the key redacted.
    match client
        .run::<JsonOutput, _>(&TestInput::of_kind(OutputKind::Json))
        .await
    {
        Ok(answer) => show(format!("{answer:?} {}", answer.value())),
        Err(e) => show(format!("{e} {e:?}")),
    }
    let base64 = TestInput {
        base64: Some(true),
        ..TestInput::url()
    };
    match client.run::<Video, _>(&base64).await {
        Ok(video) => show(format!("{video:?}")),
        Err(e) => show(format!("{e} {e:?}")),
    }
    match client.submit(&TestInput::url()).await {
        Ok(job) => {
            show(format!("{job:?} {}", job.status_url()));
            match job.wait(wait).await {
                Ok(result) => show(format!("{result:?}")),
                Err(e) => show(format!("{e} {e:?}")),
            }
        }
        Err(e) => show(format!("{e} {e:?}")),
    }
    // The untyped path: a slug without a schema, whatever comes back.
    let untyped = JsonInput::new("any-model", serde_json::json!({"prompt": "p"})).unwrap();
    match client.run::<AnyOutput, _>(&untyped).await {
        Ok(AnyOutput::Json(answer)) => show(format!("{answer:?} {}", answer.value())),
        Ok(output) => {
            show(format!("{output:?}"));
            let path = std::env::temp_dir().join(format!("canary-{}", std::process::id()));
            match output.save(&path).await {
                Ok(_) => {
                    let _ = std::fs::remove_file(&path);
                }
                Err(e) => show(format!("{e} {e:?}")),
            }
        }
        Err(e) => show(format!("{e} {e:?} {:?}", e.request_id())),
    }
    match client.submit(&untyped).await {
        Ok(job) => show(format!("{job:?}")),
        Err(e) => show(format!("{e} {e:?}")),
    }
    let job = client.job("r");
    match job.status().await {
        Ok(status) => show(format!("{status:?} {:?}", status.error_message())),
        Err(e) => show(format!("{e} {e:?}")),
    }
    match job.result().await {
        Ok(result) => {
            show(format!(
                "{result:?} {:?} {}",
                result.output_url(),
                result.json()
            ));
            match result.download::<JsonOutput>().await {
                Ok(answer) => show(format!("{answer:?}")),
                Err(e) => show(format!("{e} {e:?}")),
            }
            match result.download::<Video>().await {
                Ok(video) => show(format!("{video:?}")),
                Err(e) => show(format!("{e} {e:?}")),
            }
            match result.download::<AnyOutput>().await {
                Ok(AnyOutput::Json(answer)) => show(format!("{answer:?} {}", answer.value())),
                Ok(output) => show(format!("{output:?}")),
                Err(e) => show(format!("{e} {e:?}")),
            }
        }
        Err(e) => show(format!("{e} {e:?}")),
    }
    shown
}

#[test]
fn the_leak_check_sees_every_form() {
    for form in [
        Form::Plain,
        Form::JsonEscaped,
        Form::Percent(0xff),
        Form::Percent(0x55),
    ] {
        assert!(leaks(&written(form)), "{form:?}");
        assert!(leaks(&format!("{:?}", written(form))), "{form:?} in Debug");
    }
    assert!(!leaks("sk-canary-[redacted]"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn a_canary_key_echoed_anywhere_in_any_form_never_shows(
        form in form(),
        status in prop::sample::select(vec![200u16, 400, 401, 404, 406, 422, 429, 500, 503]),
        content_type in prop::sample::select(vec!["application/json", "video/mp4", "text/html"]),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let shown = runtime.block_on(outputs(form, status, content_type));
        for text in &shown {
            prop_assert!(!leaks(text), "{:?} {} {}: leaked in {}", form, status, content_type, text);
        }
        // The replies did reach the client: something of them shows.
        prop_assert!(shown.len() >= 5);
    }
}
