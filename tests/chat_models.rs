//! Chat models from Rust against the local server on 127.0.0.1: the three
//! chat models of `schema/` (two Anthropic, one Gemini) and the OpenAI-format
//! fixture, each answered in its own format over v1 and v2, and all three
//! formats read by one output type, `ChatOutput`.

use std::time::Duration;

use segmind::{
    claude_3_5_sonnet, claude_3_haiku, gemini_1_5_pro, ChatFormat, ChatOutput, Client, ModelInput,
    RetryPolicy,
};
use segmind_server::{Route, ServerConfig, TestServer, CHAT_REPLY_PREFIX};
use segmind_tests::fast_wait;
use serde_json::{json, Value};

// Every fixture's generated module (`build.rs` writes them); only the
// OpenAI-format one is used here.
#[allow(dead_code)]
mod fixtures {
    include!(concat!(env!("OUT_DIR"), "/fixtures/index.rs"));

    /// The fixtures' stand-in of the generated crate's `Client`.
    pub fn client(inner: segmind_runtime::Client) -> Client {
        Client { inner }
    }
}

const KEY: &str = "sk-chat-key-51f0";

async fn server(dir: std::path::PathBuf) -> TestServer {
    TestServer::start(ServerConfig::new(dir).with_api_key(KEY))
        .await
        .expect("server starts on 127.0.0.1")
}

fn client(server: &TestServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .retry(RetryPolicy::default().with_base_delay(Duration::from_millis(10)))
        .build()
        .expect("client")
}

fn last_body(server: &TestServer, path: &str) -> Value {
    let request = server
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.path == path)
        .expect("request recorded");
    serde_json::from_slice(&request.body).expect("JSON body")
}

/// What every reply of the local server to `prompt` says, read the same
/// way whatever the format.
fn check_reply(reply: &ChatOutput, format: ChatFormat, prompt: &str) {
    assert_eq!(reply.format(), Some(format));
    assert_eq!(
        reply.text().as_deref(),
        Some(format!("{CHAT_REPLY_PREFIX}{prompt}").as_str())
    );
    let stop = match format {
        ChatFormat::OpenAi => "stop",
        ChatFormat::Anthropic => "end_turn",
        ChatFormat::Gemini => "STOP",
    };
    assert_eq!(reply.finish_reason(), Some(stop));
    let usage = reply.usage();
    let words = prompt.split_whitespace().count() as u64;
    assert_eq!(usage.output_tokens, Some(2 + words), "{usage:?}");
    let input = usage.input_tokens.expect("input tokens");
    assert!(input >= words, "{usage:?}");
    assert_eq!(usage.total_tokens, Some(input + 2 + words), "{usage:?}");
    let raw: Value = serde_json::from_slice(reply.raw()).expect("the raw body is JSON");
    assert_eq!(&raw, reply.value());
}

#[tokio::test(flavor = "multi_thread")]
async fn anthropic_models_answer_in_their_format_over_v1_and_v2() {
    let server = server(segmind_server::workspace_schema_dir()).await;
    let client = client(&server);
    let prompt = "what is in a name";
    let message = |text: &str| {
        claude_3_5_sonnet::Message::new(
            claude_3_5_sonnet::Role::User,
            [claude_3_5_sonnet::ContentBlock::new(claude_3_5_sonnet::BlockType::Text).text(text)],
        )
    };
    let input = claude_3_5_sonnet::Input::new([
        message("an earlier question"),
        claude_3_5_sonnet::Message::new(
            claude_3_5_sonnet::Role::Assistant,
            [claude_3_5_sonnet::ContentBlock::new(claude_3_5_sonnet::BlockType::Text).text("ok")],
        ),
        message(prompt),
    ])
    .instruction("Answer in one line.");
    let reply = client.claude_3_5_sonnet(&input).await.expect("v1");
    check_reply(&reply, ChatFormat::Anthropic, prompt);
    assert!(reply.meta().request_id.is_some() && reply.meta().cost.is_some());
    let sent = last_body(&server, "/v1/claude-3.5-sonnet");
    assert_eq!(sent, input.to_json());
    assert_eq!(sent["messages"][1]["role"], "assistant");
    assert_eq!(
        sent["messages"][2]["content"][0],
        json!({"type": "text", "text": prompt})
    );
    assert_eq!(sent["instruction"], "Answer in one line.");

    let job = client.claude_3_5_sonnet_submit(&input).await.expect("v2");
    let done = job.wait(fast_wait()).await.expect("completed");
    assert_eq!(done.output_url(), None);
    let from_job = done.download::<ChatOutput>().await.expect("the reply");
    check_reply(&from_job, ChatFormat::Anthropic, prompt);
    assert_eq!(from_job.value(), reply.value());
    assert!(from_job.meta().cost.is_some());

    // A base64 image block goes as Anthropic's `source`.
    let image = claude_3_haiku::ContentBlock::new(claude_3_haiku::BlockType::Image).source(
        claude_3_haiku::ImageSource::new(
            claude_3_haiku::SourceType::Base64,
            claude_3_haiku::MediaType::Png,
            "iVBORw0KGgo=",
        ),
    );
    let text = claude_3_haiku::ContentBlock::new(claude_3_haiku::BlockType::Text).text("and this?");
    let input = claude_3_haiku::Input::new([claude_3_haiku::Message::new(
        claude_3_haiku::Role::User,
        [image, text],
    )]);
    let reply = client.claude_3_haiku(&input).await.expect("v1");
    check_reply(&reply, ChatFormat::Anthropic, "and this?");
    let sent = last_body(&server, "/v1/claude-3-haiku");
    assert_eq!(
        sent["messages"][0]["content"][0]["source"],
        json!({"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="})
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn claude_3_haiku_takes_content_as_a_plain_string_as_its_page_sample_does() {
    let server = server(segmind_server::workspace_schema_dir()).await;
    let client = client(&server);
    let prompt = "tell me a joke";
    // The page's sample, as JSON: content is a string.
    let sample = json!({"messages": [
        {"role": "user", "content": "hello"},
        {"role": "assistant", "content": [{"type": "text", "text": "hi"}]},
        {"role": "user", "content": prompt}
    ]});
    let input: claude_3_haiku::Input =
        serde_json::from_value(sample.clone()).expect("the page's sample is a valid input");
    assert_eq!(
        input.messages[2].content,
        claude_3_haiku::Content::Text(prompt.to_owned())
    );
    assert!(matches!(
        &input.messages[1].content,
        claude_3_haiku::Content::Blocks(blocks) if blocks.len() == 1
    ));
    assert_eq!(input.to_json(), sample);
    // The same from Rust: a `&str` is the text.
    let built = claude_3_haiku::Input::new([
        claude_3_haiku::Message::new(claude_3_haiku::Role::User, "hello"),
        claude_3_haiku::Message::new(
            claude_3_haiku::Role::Assistant,
            [claude_3_haiku::ContentBlock::new(claude_3_haiku::BlockType::Text).text("hi")],
        ),
        claude_3_haiku::Message::new(claude_3_haiku::Role::User, prompt),
    ]);
    assert_eq!(built, input);

    let reply = client.claude_3_haiku(&input).await.expect("v1");
    check_reply(&reply, ChatFormat::Anthropic, prompt);
    assert_eq!(last_body(&server, "/v1/claude-3-haiku"), sample);
    let job = client.claude_3_haiku_submit(&input).await.expect("v2");
    let done = job.wait(fast_wait()).await.expect("completed");
    check_reply(
        &done.download::<ChatOutput>().await.expect("the reply"),
        ChatFormat::Anthropic,
        prompt,
    );

    // Neither a string nor blocks: refused before anything is sent, naming
    // where.
    let posts = server.requests().len();
    let err = client
        .run_json::<ChatOutput>(
            "claude-3-haiku",
            json!({"messages": [{"role": "user", "content": 7}]}),
        )
        .await
        .expect_err("content 7 is refused");
    assert!(
        err.to_string()
            .contains("/messages/0/content: expected a string or an array, found a number"),
        "{err}"
    );
    assert_eq!(server.requests().len(), posts);
}

#[tokio::test(flavor = "multi_thread")]
async fn gemini_answers_in_its_format_over_v1_and_v2() {
    let server = server(segmind_server::workspace_schema_dir()).await;
    let client = client(&server);
    let prompt = "name three colours";
    let messages = gemini_1_5_pro::Messages::new([
        gemini_1_5_pro::Content::new(
            gemini_1_5_pro::Role::User,
            [gemini_1_5_pro::Part::new()
                .inline_data(gemini_1_5_pro::InlineData::new("image/jpeg", "/9j/4AAQ"))],
        ),
        gemini_1_5_pro::Content::new(
            gemini_1_5_pro::Role::Model,
            [gemini_1_5_pro::Part::new().text("a picture")],
        ),
        gemini_1_5_pro::Content::new(
            gemini_1_5_pro::Role::User,
            [gemini_1_5_pro::Part::new().text(prompt)],
        ),
    ])
    .system_instruction(gemini_1_5_pro::SystemInstruction::new(
        gemini_1_5_pro::InstructionText::new("Be brief."),
    ));
    let input = gemini_1_5_pro::Input::new(messages);
    let reply = client.gemini_1_5_pro(&input).await.expect("v1");
    check_reply(&reply, ChatFormat::Gemini, prompt);
    let sent = last_body(&server, "/v1/gemini-1.5-pro");
    assert_eq!(sent, input.to_json());
    assert_eq!(
        sent["messages"]["contents"][0]["parts"][0]["inlineData"],
        json!({"mimeType": "image/jpeg", "data": "/9j/4AAQ"})
    );
    assert_eq!(sent["messages"]["contents"][1]["role"], "model");
    assert_eq!(
        sent["messages"]["system_instruction"]["parts"]["text"],
        "Be brief."
    );

    let job = client.gemini_1_5_pro_submit(&input).await.expect("v2");
    // Resumed by its id alone, the job's reply is still read as chat.
    let done = client
        .job(job.request_id())
        .wait(fast_wait())
        .await
        .expect("completed");
    let from_job = done.download::<ChatOutput>().await.expect("the reply");
    check_reply(&from_job, ChatFormat::Gemini, prompt);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_openai_fixture_answers_in_its_format_over_v1_and_v2() {
    use fixtures::chat_output_openai_format as openai;

    let dir = tempfile::tempdir().expect("tempdir");
    let fixture = segmind_tests::workspace_root()
        .join("tests/fixtures/schemas/chat-output-openai-format.json");
    std::fs::copy(&fixture, dir.path().join("chat-output-openai-format.json")).expect("copy");
    let server = server(dir.path().to_path_buf()).await;
    let runtime = segmind_runtime::Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .build()
        .expect("client");
    let client = fixtures::client(runtime);
    let prompt = "describe the picture";
    let input = openai::Input::new([
        openai::Message::new(
            openai::Role::System,
            [openai::ContentBlock::new(openai::BlockType::Text).text("You describe images.")],
        ),
        openai::Message::new(
            openai::Role::User,
            [
                openai::ContentBlock::new(openai::BlockType::ImageUrl)
                    .image_url(openai::ImageUrl::new("https://media.example/cat.png")),
                openai::ContentBlock::new(openai::BlockType::Text).text(prompt),
            ],
        ),
    ])
    .max_tokens(64);
    let reply = client.chat_output_openai_format(&input).await.expect("v1");
    check_reply(&reply, ChatFormat::OpenAi, prompt);
    let sent = last_body(&server, "/v1/chat-output-openai-format");
    assert_eq!(sent, input.to_json());
    assert_eq!(
        sent["messages"][1]["content"][0],
        json!({"type": "image_url", "image_url": {"url": "https://media.example/cat.png"}})
    );

    let job = client
        .chat_output_openai_format_submit(&input)
        .await
        .expect("v2");
    let done = job.wait(fast_wait()).await.expect("completed");
    check_reply(
        &done.download::<ChatOutput>().await.expect("the reply"),
        ChatFormat::OpenAi,
        prompt,
    );
    assert_eq!(server.post_count_for(Route::V1), 1);
    assert_eq!(server.post_count_for(Route::V2Submit), 1);

    // Too large a max_tokens is refused before anything is sent.
    let err = client
        .chat_output_openai_format(&input.clone().max_tokens(5000))
        .await
        .expect_err("invalid");
    assert!(err.to_string().contains("max_tokens"), "{err}");
    assert_eq!(server.post_count_for(Route::V1), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_chat_reply_asked_as_another_kind_is_refused_before_sending() {
    let server = server(segmind_server::workspace_schema_dir()).await;
    let client = client(&server);
    let input = claude_3_haiku::Input::new([claude_3_haiku::Message::new(
        claude_3_haiku::Role::User,
        [claude_3_haiku::ContentBlock::new(claude_3_haiku::BlockType::Text).text("hi")],
    )]);
    let err = client
        .run::<segmind::JsonOutput, _>(&input as &dyn ModelInput)
        .await
        .expect_err("not JSON");
    assert!(err.to_string().contains("returns chat"), "{err}");
    let err = client
        .run::<segmind::MediaOutput<segmind::AnyMediaKind>, _>(&input as &dyn ModelInput)
        .await
        .expect_err("not media");
    assert!(err.to_string().contains("returns chat"), "{err}");
    let hallo = segmind_tests::hallo_input();
    let err = client
        .run::<ChatOutput, _>(&hallo as &dyn ModelInput)
        .await
        .expect_err("not chat");
    assert!(err.to_string().contains("as a chat reply"), "{err}");
    assert_eq!(server.post_count_for(Route::V1), 0);
}
