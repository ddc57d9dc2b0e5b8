//! Property test: random chat pages, written in the chat pages' layout
//! (`tests/pages/chat/`), each give a draft the loader and codegen accept,
//! with the format they say and typed nested messages, and a warning
//! wherever the importer guessed.
//!
//! The variants: the three formats (OpenAI, Anthropic, Gemini), said by an
//! `API Format:` line, by a "Response Format" JSON example (numbered or
//! not), or both; a `messages` `object[]` whose `Array items:` list gives
//! the role with or without allowed values, an untyped `array` content
//! (the sample sends blocks or a string) and maybe an optional `name`;
//! Gemini's `messages` object with dotted fields at one level
//! (`messages.contents`) and two or three (`messages.system_instruction.parts.text`),
//! its parent listed or not; a dotted `metadata.user_id` whose parent the
//! page does not list; top-level fields after the items list, in the
//! sample or not (the list has no end marker); samples as a v1 or v2
//! `requests` body or an SDK call (`segmind.chat(...)`, `client.chat_sync(...)`),
//! with or without the API Endpoint section.

use proptest::prelude::*;
use segmind_codegen::import::draft::ChatFormat;
use segmind_codegen::import::{self, Imported, WarningKind};
use serde_json::{json, Map, Value};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Says {
    Line,
    Reply { numbered: bool },
    Both { numbered: bool },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum SampleStyle {
    Requests {
        v2: bool,
    },
    Sdk {
        function: &'static str,
        endpoint: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum System {
    None,
    /// `messages.system_instruction` and `messages.system_instruction.text`.
    Text,
    /// `... .parts` and `... .parts.text`.
    Parts,
}

#[derive(Debug, Clone)]
struct Case {
    slug: String,
    format: ChatFormat,
    says: Says,
    style: SampleStyle,
    roles_listed: bool,
    /// The sample sends content blocks (else a string; Gemini's parts are
    /// always blocks).
    blocks: bool,
    /// An optional `name` among the items' fields, and whether the sample
    /// sends it.
    name_item: Option<bool>,
    /// Gemini: whether `messages` itself is listed.
    parent_listed: bool,
    system: System,
    /// A dotted `metadata.user_id`, its parent not listed.
    metadata: bool,
    /// Top-level fields after the items list: (name, type, in the sample).
    top: Vec<(&'static str, &'static str, bool)>,
    latency: Option<u32>,
    price: Option<u32>,
}

fn roles(format: ChatFormat) -> Vec<&'static str> {
    match format {
        ChatFormat::OpenAi => vec!["user", "assistant", "system"],
        ChatFormat::Anthropic => vec!["user", "assistant"],
        ChatFormat::Gemini => vec!["user", "model"],
    }
}

fn format_line(format: ChatFormat) -> &'static str {
    match format {
        ChatFormat::OpenAi => "OpenAI GPT (Standard Format)",
        ChatFormat::Anthropic => "Anthropic Claude",
        ChatFormat::Gemini => "Google Gemini",
    }
}

fn reply(format: ChatFormat) -> Value {
    match format {
        ChatFormat::OpenAi => json!({
            "id": "chatcmpl-1", "object": "chat.completion",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi."}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}
        }),
        ChatFormat::Anthropic => json!({
            "id": "msg_1", "type": "message", "role": "assistant",
            "content": [{"type": "text", "text": "Hi."}],
            "stop_reason": "end_turn", "usage": {"input_tokens": 5, "output_tokens": 2}
        }),
        ChatFormat::Gemini => json!({
            "candidates": [{"content": {"parts": [{"text": "Hi."}], "role": "model"}, "finishReason": "STOP"}],
            "usageMetadata": {"promptTokenCount": 5, "candidatesTokenCount": 2, "totalTokenCount": 7}
        }),
    }
}

/// The content the sample sends for one message.
fn content(c: &Case) -> Value {
    if !c.blocks {
        return json!("Say hello.");
    }
    match c.format {
        ChatFormat::OpenAi => json!([
            {"type": "text", "text": "What is this?"},
            {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}
        ]),
        ChatFormat::Anthropic => json!([
            {"type": "text", "text": "What is this?"},
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo"}}
        ]),
        ChatFormat::Gemini => json!([
            {"text": "What is this?"},
            {"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo"}}
        ]),
    }
}

fn sample(c: &Case) -> Vec<(String, Value)> {
    let role = roles(c.format)[0];
    let mut item = Map::new();
    item.insert("role".into(), json!(role));
    if c.format == ChatFormat::Gemini {
        item.insert(
            "parts".into(),
            content(&Case {
                blocks: true,
                ..c.clone()
            }),
        );
    } else {
        item.insert("content".into(), content(c));
    }
    if c.name_item == Some(true) {
        item.insert("name".into(), json!("ada"));
    }
    let mut fields = Vec::new();
    if c.format == ChatFormat::Gemini {
        let mut messages = Map::new();
        messages.insert("contents".into(), json!([Value::Object(item)]));
        match c.system {
            System::None => {}
            System::Text => {
                messages.insert("system_instruction".into(), json!({"text": "Be brief."}));
            }
            System::Parts => {
                messages.insert(
                    "system_instruction".into(),
                    json!({"parts": {"text": "Be brief."}}),
                );
            }
        }
        fields.push(("messages".to_owned(), Value::Object(messages)));
    } else {
        fields.push(("messages".to_owned(), json!([Value::Object(item)])));
    }
    if c.metadata {
        fields.push(("metadata".to_owned(), json!({"user_id": "u-1"})));
    }
    for (name, ty, sent) in &c.top {
        if *sent {
            let v = match *ty {
                "integer" => json!(256),
                "number" => json!(0.5),
                _ => json!("Answer briefly."),
            };
            fields.push(((*name).to_owned(), v));
        }
    }
    fields
}

fn numbered(code: &str, from: usize) -> String {
    code.lines()
        .enumerate()
        .map(|(i, l)| format!("{:>2}{l}\n", i + from))
        .collect()
}

fn indent(text: &str, by: &str) -> String {
    text.lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l.to_owned()
            } else {
                format!("{by}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn block(out: &mut String, name: &str, required: bool, ty: &str, description: &str) {
    let req = if required { "required" } else { "optional" };
    out.push_str(&format!("{name}{req}\n{ty}\n\n{description}\n\n"));
}

fn render(c: &Case) -> String {
    let mut page = format!(
        "Chat {} Serverless API\n\nA chat model for tests.\n\n",
        c.slug
    );
    if let Some(l) = c.latency {
        page.push_str(&format!("~{}.{:02}s\n", l / 100, l % 100));
    }
    if let Some(p) = c.price {
        page.push_str(&format!("~${}.{:03}\n", p / 1000, p % 1000));
    }
    let fields = sample(c);
    let version = match c.style {
        SampleStyle::Requests { v2: true } => "v2",
        SampleStyle::Sdk { function, .. } if function != "client.chat_sync" => "v2",
        _ => "v1",
    };
    let code = match c.style {
        SampleStyle::Requests { .. } => {
            let body: Map<String, Value> = fields.iter().cloned().collect();
            let body = serde_json::to_string_pretty(&Value::Object(body)).expect("json");
            format!(
                "import requests\n\nurl = \"https://api.segmind.com/{version}/{}\"\nheaders = {{\"Authorization\": \"Bearer YOUR_API_KEY\"}}\n\ndata = {body}\n\nresponse = requests.post(url, headers=headers, json=data)\nprint(response.json())",
                c.slug
            )
        }
        SampleStyle::Sdk { function, .. } => {
            let args: Vec<String> = fields
                .iter()
                .map(|(k, v)| {
                    let v = serde_json::to_string_pretty(v).expect("json");
                    format!("    {k}={}", indent(&v, "    "))
                })
                .collect();
            let setup = if function.starts_with("client.") {
                "from segmind import SegmindClient\n\nclient = SegmindClient()\n"
            } else {
                "import segmind\n"
            };
            format!(
                "{setup}\nresponse = {function}(\n    \"{}\",\n{}\n)\nprint(response.text)",
                c.slug,
                args.join(",\n")
            )
        }
    };
    page.push_str(&numbered(&code, 1));
    page.push('\n');
    if matches!(c.says, Says::Line | Says::Both { .. }) {
        page.push_str(&format!("API Format: {}\n\n", format_line(c.format)));
    }
    let endpoint = !matches!(
        c.style,
        SampleStyle::Sdk {
            endpoint: false,
            ..
        }
    );
    if endpoint {
        page.push_str(&format!(
            "API Endpoint\n\nPOSThttps://api.segmind.com/{version}/{}\n\n",
            c.slug
        ));
    }
    page.push_str("Parameters\n\n");
    let roles_block = |out: &mut String| {
        let values: String = roles(c.format).iter().map(|r| format!("\"{r}\"")).collect();
        let mut d = "Who wrote the message.".to_owned();
        if c.roles_listed {
            d = format!("{d}\n\nAllowed values:\n{values}");
        }
        block(out, "role", true, "string", &d);
    };
    if c.format == ChatFormat::Gemini {
        if c.parent_listed {
            block(&mut page, "messages", true, "object", "The conversation.");
        }
        block(
            &mut page,
            "messages.contents",
            true,
            "object[]",
            "The turns.\n\nArray items:",
        );
        roles_block(&mut page);
        block(
            &mut page,
            "parts",
            true,
            "array",
            "Text parts or inline images.",
        );
    } else {
        block(
            &mut page,
            "messages",
            true,
            "object[]",
            "The conversation.\n\nArray items:",
        );
        roles_block(&mut page);
        block(
            &mut page,
            "content",
            true,
            "array",
            "Text blocks or image blocks.",
        );
    }
    if c.name_item.is_some() {
        block(&mut page, "name", false, "string", "The speaker's name.");
    }
    for (name, ty, _) in &c.top {
        let d = match *ty {
            "integer" => "Most tokens to write.\n\nDefault: 256Range: 1 - 4096",
            "number" => "Sampling temperature.\n\nDefault: 0.5Range: 0 - 2",
            _ => "The system prompt.",
        };
        block(&mut page, name, false, ty, d);
    }
    match c.system {
        System::None => {}
        System::Text => {
            block(
                &mut page,
                "messages.system_instruction",
                false,
                "object",
                "The instruction.",
            );
            block(
                &mut page,
                "messages.system_instruction.text",
                true,
                "string",
                "Its text.",
            );
        }
        System::Parts => {
            block(
                &mut page,
                "messages.system_instruction",
                false,
                "object",
                "The instruction.",
            );
            block(
                &mut page,
                "messages.system_instruction.parts",
                true,
                "object",
                "Its content.",
            );
            block(
                &mut page,
                "messages.system_instruction.parts.text",
                true,
                "string",
                "Its text.",
            );
        }
    }
    if c.metadata {
        block(&mut page, "metadata.user_id", false, "string", "Who asks.");
    }
    match c.says {
        Says::Reply { numbered: n } | Says::Both { numbered: n } => {
            let json = serde_json::to_string_pretty(&reply(c.format)).expect("json");
            let json = if n { numbered(&json, 1) } else { json };
            page.push_str(&format!("Response Format\n\n{json}\n\n"));
        }
        Says::Line => page.push_str("Response Type\n\nReturns: Text/JSON\n\n"),
    }
    page.push_str("Common Error Codes\n\n401\n\nUnauthorized\n");
    page
}

fn case() -> impl Strategy<Value = Case> {
    let format = prop_oneof![
        Just(ChatFormat::OpenAi),
        Just(ChatFormat::Anthropic),
        Just(ChatFormat::Gemini)
    ];
    let says = prop_oneof![
        Just(Says::Line),
        any::<bool>().prop_map(|numbered| Says::Reply { numbered }),
        any::<bool>().prop_map(|numbered| Says::Both { numbered }),
    ];
    let style = prop_oneof![
        any::<bool>().prop_map(|v2| SampleStyle::Requests { v2 }),
        (
            prop_oneof![
                Just("segmind.chat"),
                Just("client.chat_sync"),
                Just("segmind.submit_chat")
            ],
            any::<bool>()
        )
            .prop_map(|(function, endpoint)| SampleStyle::Sdk { function, endpoint }),
    ];
    let system = prop_oneof![Just(System::None), Just(System::Text), Just(System::Parts)];
    let tops = proptest::sample::subsequence(
        vec![
            ("instruction", "string"),
            ("max_tokens", "integer"),
            ("temperature", "number"),
        ],
        0..=3,
    );
    (
        ("[a-z]{3,8}", proptest::option::of("[0-9]\\.[0-9]")),
        format,
        says,
        style,
        (
            any::<bool>(),
            any::<bool>(),
            proptest::option::of(any::<bool>()),
        ),
        (any::<bool>(), system, any::<bool>()),
        (tops, proptest::collection::vec(any::<bool>(), 3)),
        (
            proptest::option::of(100u32..100_000),
            proptest::option::of(1u32..100_000),
        ),
    )
        .prop_map(
            |(
                (stem, version),
                format,
                says,
                style,
                (roles_listed, blocks, name_item),
                (parent_listed, system, metadata),
                (tops, sent),
                (latency, price),
            )| Case {
                slug: version
                    .map_or_else(|| format!("chat-{stem}"), |v| format!("chat-{stem}-{v}")),
                format,
                says,
                style,
                roles_listed,
                blocks,
                name_item,
                parent_listed,
                system: if format == ChatFormat::Gemini {
                    system
                } else {
                    System::None
                },
                metadata,
                top: tops
                    .into_iter()
                    .zip(sent)
                    .map(|((n, t), s)| (n, t, s))
                    .collect(),
                latency,
                price,
            },
        )
}

fn schema_dir() -> std::path::PathBuf {
    segmind_codegen::workspace_root().join("schema")
}

fn warned(i: &Imported, field: &str, kind: WarningKind) -> bool {
    i.warnings
        .iter()
        .any(|w| w.field.as_deref() == Some(field) && w.kind == kind)
}

fn check(c: &Case) -> Result<(), TestCaseError> {
    let page = render(c);
    let imported = import::import(&page, "page.txt", &schema_dir())
        .map_err(|e| TestCaseError::fail(format!("{e}\n--- page ---\n{page}")))?;
    let ctx = || {
        let w: Vec<String> = imported.warnings.iter().map(ToString::to_string).collect();
        format!(
            "\n--- page ---\n{page}\n--- draft ---\n{}\n--- warnings ---\n{}",
            imported.text,
            w.join("\n")
        )
    };
    let doc = &imported.doc;
    prop_assert_eq!(&imported.slug, &c.slug, "{}", ctx());
    // Codegen takes the draft.
    let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
    std::fs::create_dir(dir.path().join("meta")).map_err(|e| TestCaseError::fail(e.to_string()))?;
    std::fs::copy(
        schema_dir().join("meta/model.schema.json"),
        dir.path().join("meta/model.schema.json"),
    )
    .map_err(|e| TestCaseError::fail(e.to_string()))?;
    std::fs::write(dir.path().join(format!("{}.json", c.slug)), &imported.text)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    if let Err(e) = segmind_codegen::generate(dir.path()) {
        return Err(TestCaseError::fail(format!(
            "codegen refuses: {e}{}",
            ctx()
        )));
    }

    // The format, detected and warned; the output is the chat kind.
    prop_assert_eq!(imported.chat_format, Some(c.format), "{}", ctx());
    prop_assert_eq!(&doc["output"], &json!("chat"), "{}", ctx());
    prop_assert_eq!(&doc["chat_format"], &json!(c.format.wire()), "{}", ctx());
    prop_assert!(
        imported.warnings.iter().any(|w| w.field.is_none()
            && w.kind == WarningKind::Guess
            && w.message.contains(c.format.name())),
        "{}",
        ctx()
    );
    // Latency and price as on media pages.
    for (key, value) in [
        (
            "typical_latency_seconds",
            c.latency.map(|l| f64::from(l) / 100.0),
        ),
        ("typical_price_usd", c.price.map(|p| f64::from(p) / 1000.0)),
    ] {
        match value {
            Some(v) => prop_assert!(
                doc[key].as_f64().is_some_and(|x| (x - v).abs() < 1e-9),
                "{key} {}",
                ctx()
            ),
            None => {
                prop_assert!(doc.get(key).is_none(), "{key} {}", ctx());
                prop_assert!(
                    imported.warnings.iter().any(|w| w.field.is_none()
                        && w.kind == WarningKind::Missing
                        && w.message.contains(key)),
                    "{key} {}",
                    ctx()
                );
            }
        }
    }

    // The messages: a typed nested list of {role, content}.
    let (list, list_name, content_name) = if c.format == ChatFormat::Gemini {
        let messages = &doc["input"]["properties"]["messages"];
        prop_assert_eq!(&messages["type"], &json!("object"), "{}", ctx());
        if !c.parent_listed {
            prop_assert!(
                warned(&imported, "messages", WarningKind::Guess),
                "{}",
                ctx()
            );
        }
        (
            messages["properties"]["contents"].clone(),
            "messages.contents",
            "parts",
        )
    } else {
        (
            doc["input"]["properties"]["messages"].clone(),
            "messages",
            "content",
        )
    };
    prop_assert_eq!(&list["type"], &json!("array"), "{}", ctx());
    let item = &list["items"];
    prop_assert_eq!(&item["type"], &json!("object"), "{}", ctx());
    let role = &item["properties"]["role"];
    prop_assert_eq!(&role["type"], &json!("string"), "{}", ctx());
    if c.roles_listed {
        prop_assert_eq!(&role["enum"], &json!(roles(c.format)), "{}", ctx());
    } else {
        prop_assert!(role.get("enum").is_none(), "{}", ctx());
    }
    prop_assert!(
        item["required"]
            .as_array()
            .is_some_and(|r| r.contains(&json!("role")) && r.contains(&json!(content_name))),
        "{}",
        ctx()
    );
    // Untyped content: blocks from the sample, or a string; warned either way.
    let content = &item["properties"][content_name];
    let content_field = format!("{list_name}[].{content_name}");
    prop_assert!(
        warned(&imported, &content_field, WarningKind::Guess),
        "{}",
        ctx()
    );
    if c.blocks || c.format == ChatFormat::Gemini {
        prop_assert_eq!(&content["type"], &json!("array"), "{}", ctx());
        prop_assert_eq!(&content["items"]["type"], &json!("object"), "{}", ctx());
        prop_assert!(
            content["items"]["properties"]["text"]["type"] == json!("string"),
            "{}",
            ctx()
        );
        if c.format != ChatFormat::Gemini {
            prop_assert!(
                content["items"]["properties"]["type"]["x-known-values"]
                    .as_array()
                    .is_some_and(|v| v.contains(&json!("text"))),
                "{}",
                ctx()
            );
        }
    } else {
        prop_assert_eq!(&content["type"], &json!("string"), "{}", ctx());
    }
    // An item's optional field stays in the items, its level warned when
    // the sample does not send it.
    if let Some(sent) = c.name_item {
        prop_assert_eq!(
            &item["properties"]["name"]["type"],
            &json!("string"),
            "{}",
            ctx()
        );
        if !sent {
            prop_assert!(
                warned(
                    &imported,
                    &format!("{list_name}[].name"),
                    WarningKind::Guess
                ),
                "{}",
                ctx()
            );
        }
    }
    // Dotted names are fields of their objects.
    let system = doc.pointer("/input/properties/messages/properties/system_instruction");
    match c.system {
        System::None => prop_assert!(system.is_none(), "{}", ctx()),
        System::Text => prop_assert_eq!(
            system.and_then(|s| s.pointer("/properties/text/type")),
            Some(&json!("string")),
            "{}",
            ctx()
        ),
        System::Parts => prop_assert_eq!(
            system.and_then(|s| s.pointer("/properties/parts/properties/text/type")),
            Some(&json!("string")),
            "{}",
            ctx()
        ),
    }
    if c.metadata {
        prop_assert_eq!(
            doc.pointer("/input/properties/metadata/properties/user_id/type"),
            Some(&json!("string")),
            "{}",
            ctx()
        );
        prop_assert!(
            warned(&imported, "metadata", WarningKind::Guess),
            "{}",
            ctx()
        );
    }
    // A field after the items list: top-level when the sample sends it
    // there, and so is every field after it (the list has ended); before
    // that, a field the sample does not send stays in the items, with a
    // warning (the list has no end marker).
    let mut ended = false;
    for (name, ty, sent) in &c.top {
        ended |= *sent;
        let top = doc.pointer(&format!("/input/properties/{name}/type"));
        if ended {
            prop_assert_eq!(top, Some(&json!(ty)), "{} {}", name, ctx());
        } else {
            prop_assert!(top.is_none(), "{name} {}", ctx());
            prop_assert_eq!(
                item.pointer(&format!("/properties/{name}/type")),
                Some(&json!(ty)),
                "{} {}",
                name,
                ctx()
            );
            prop_assert!(
                warned(
                    &imported,
                    &format!("{list_name}[].{name}"),
                    WarningKind::Guess
                ),
                "{name} {}",
                ctx()
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Every chat page variant drafts a model the loader and codegen take,
    /// typed as the page says, with a warning where the importer guessed.
    #[test]
    fn every_chat_page_variant_drafts_a_model_codegen_takes(c in case()) {
        check(&c)?;
    }
}
