//! Large base64 answers (over the 256 KiB a call decodes): the rest of the
//! reply is read when the output is consumed, and a save decodes it
//! straight into the temporary file beside the target. The bytes come out
//! exact whichever way the output is taken, and a reply that lies leaves
//! neither the target nor a temporary file behind.

use base64::Engine as _;
use segmind_runtime::{Error, OutputFile};
use serde_json::json;

use crate::support::*;

/// Bytes of a large output: past what a call decodes.
const LARGE: usize = 1024 * 1024 + 5;

const REQUEST_ID: &str = "req-b64-42";

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// `len` bytes that sniff as MP4.
fn mp4(len: usize) -> Vec<u8> {
    let mut bytes = pattern(len);
    bytes[..12].copy_from_slice(b"\0\0\0\x18ftypmp42");
    bytes
}

/// `len` bytes that sniff as PNG.
fn png(len: usize) -> Vec<u8> {
    let mut bytes = pattern(len);
    bytes[..16].copy_from_slice(b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR");
    bytes
}

/// A `200 application/json` reply with this body and a request id, sent
/// in pieces of 64 KiB.
fn json_text(body: String) -> Reply {
    let length = body.len().to_string();
    let pieces: Vec<Result<bytes::Bytes, std::io::Error>> = body
        .into_bytes()
        .chunks(64 * 1024)
        .map(|piece| Ok(bytes::Bytes::copy_from_slice(piece)))
        .collect();
    Reply::Now(respond(
        200,
        &[
            ("content-type", "application/json"),
            ("content-length", &length),
            ("x-request-id", REQUEST_ID),
        ],
        axum::body::Body::from_stream(futures_util::stream::iter(pieces)),
    ))
}

fn base64_input() -> TestInput {
    let mut input = TestInput::url();
    input.base64 = Some(true);
    input
}

#[tokio::test(flavor = "multi_thread")]
async fn a_large_base64_output_is_saved_straight_into_its_file() {
    let video = mp4(LARGE);
    let body = json!({"status": "done", "video": b64(&video)}).to_string();
    let stub = Stub::start(move |_| json_text(body.clone())).await;
    let client = stub.client();
    let dir = tempfile::tempdir().unwrap();

    let output = client.run::<Video, _>(&base64_input()).await.unwrap();
    assert!(
        output.is_streamed(),
        "the rest of the reply is still to read"
    );
    assert_eq!(output.content_length(), None, "not known before the end");
    assert_eq!(output.content_type(), Some("video/mp4"), "from its start");
    assert!(
        output.end_is_checked(),
        "the JSON's end is the output's end"
    );
    let path = dir.path().join("out.mp4");
    let mut seen = Vec::new();
    let written = output
        .save_with_progress(&path, |done, total| seen.push((done, total)))
        .await
        .unwrap();
    assert_eq!(written, LARGE as u64);
    assert!(std::fs::read(&path).unwrap() == video, "the bytes differ");
    assert_eq!(names_in(dir.path()), ["out.mp4"], "no temporary file left");
    assert_eq!(seen.first(), Some(&(0, None)));
    assert_eq!(seen.last(), Some(&(written, Some(written))));
    // As the rest of the reply arrives (in as many reads as the
    // connection gives: one at least), the total still unknown.
    assert!(seen.len() >= 3, "progress as it decodes: {seen:?}");
    assert!(
        seen[1..seen.len() - 1]
            .iter()
            .all(|&(done, total)| total.is_none() && done > 0 && done <= written),
        "progress as it decodes: {seen:?}"
    );
    assert!(
        seen.windows(2).all(|w| w[0].0 <= w[1].0),
        "progress goes forward: {seen:?}"
    );

    // Without the durability sync, into a file reserved before the call.
    let path = dir.path().join("unsynced.mp4");
    let out = OutputFile::create(&path).unwrap().sync(false);
    let output = client.run::<Video, _>(&base64_input()).await.unwrap();
    output.save_into(out, |_, _| {}).await.unwrap();
    assert!(std::fs::read(&path).unwrap() == video, "the bytes differ");

    // Every other way of taking it gives the same bytes.
    let output = client.run::<Video, _>(&base64_input()).await.unwrap();
    assert!(output.bytes().await.unwrap() == video, "bytes() differs");
    let output = client.run::<Video, _>(&base64_input()).await.unwrap();
    let mut written = Vec::new();
    output.write_to(&mut written).await.unwrap();
    assert!(written == video, "write_to() differs");
    assert_eq!(
        names_in(dir.path()),
        ["out.mp4", "unsynced.mp4"],
        "no temporary file left"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_kinds_own_key_wins_even_after_a_larger_string_took_the_file() {
    let video = mp4(LARGE);
    let decoy = pattern(LARGE + 300_000);
    let body = json!({"blob": b64(&decoy), "video": b64(&video)}).to_string();
    let stub = Stub::start(move |_| json_text(body.clone())).await;
    let client = stub.client();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.mp4");

    let output = client.run::<Video, _>(&base64_input()).await.unwrap();
    assert_eq!(output.save(&path).await.unwrap(), LARGE as u64);
    assert!(std::fs::read(&path).unwrap() == video, "the bytes differ");
    assert_eq!(names_in(dir.path()), ["out.mp4"]);
    let output = client.run::<Video, _>(&base64_input()).await.unwrap();
    assert!(output.bytes().await.unwrap() == video, "bytes() differs");
}

/// How a large base64 reply lies, and what its error must say.
struct Lie {
    name: &'static str,
    reply: fn() -> Reply,
    says: &'static str,
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lying_large_base64_reply_leaves_no_file_and_says_what_was_wrong() {
    let lies = [
        Lie {
            name: "truncated JSON",
            reply: || {
                let body = json!({"video": b64(&mp4(LARGE))}).to_string();
                json_text(body[..body.len() - 2].to_owned())
            },
            says: "ends too soon",
        },
        Lie {
            name: "bad base64 midway",
            reply: || {
                let mut text = b64(&mp4(LARGE));
                text.insert_str(text.len() / 2, "!*");
                json_text(json!({"video": text}).to_string())
            },
            says: "holds no base64 video (keys: video)",
        },
        Lie {
            name: "an image, not a video",
            reply: || json_text(json!({"video": b64(&png(LARGE))}).to_string()),
            says: "image/png",
        },
        Lie {
            name: "a JSON error in base64",
            reply: || {
                let mut error = br#"{"error": "out of memory, key sk-SECRET-123"}"#.to_vec();
                error.resize(LARGE, b' ');
                json_text(json!({"video": b64(&error)}).to_string())
            },
            says: "out of memory",
        },
        Lie {
            name: "not a string",
            reply: || json_text(json!({"video": {"nested": b64(&mp4(LARGE))}, "n": 1}).to_string()),
            says: "holds no base64 video (keys: n, video)",
        },
        Lie {
            name: "a short body",
            reply: || {
                let body = json!({"video": b64(&mp4(LARGE))}).to_string();
                let length = body.len().to_string();
                Reply::Now(respond(
                    200,
                    &[
                        ("content-type", "application/json"),
                        ("x-request-id", REQUEST_ID),
                        ("content-length", &length),
                    ],
                    cut_body(body.as_bytes()[..body.len() / 2].to_vec()),
                ))
            },
            says: "cut off",
        },
    ];
    for lie in lies {
        let stub = Stub::start(move |_| (lie.reply)()).await;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.mp4");
        let err = match stub.client().run::<Video, _>(&base64_input()).await {
            Ok(output) => output.save(&path).await.unwrap_err(),
            Err(err) => err,
        };
        let name = lie.name;
        assert!(
            matches!(
                err,
                Error::Decode { .. } | Error::NotMedia(_) | Error::Transport { .. }
            ),
            "{name}: {err:?}"
        );
        let shown = err.to_string();
        assert!(shown.contains(lie.says), "{name}: {shown}");
        assert!(
            shown.contains(REQUEST_ID),
            "{name}: the request id: {shown}"
        );
        assert_no_key(&err);
        assert!(names_in(dir.path()).is_empty(), "{name}: a file was left");
    }
}
