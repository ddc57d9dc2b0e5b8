//! The API key stays secret: never in `Debug` of the client, a job, a
//! result or a video, and never in an error, even when the server echoes it.

use segmind_runtime::{Client, Error, Media};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn debug_of_client_builder_job_result_and_video_hides_the_key() {
    let stub = Stub::start(|ctx| match ctx.request.path.as_str() {
        "/v2/requests/req-1" => json_reply(200, json!({"output": format!("{}/f.mp4", ctx.base)})),
        _ => video_reply(pattern(3), &[("x-request-id", "r")]),
    })
    .await;
    let client = stub.client();
    assert_no_key_in_debug(&client);
    assert!(format!("{client:?}").contains("api_key: \"[redacted]\""));
    assert_no_key_in_debug(&stub.builder());
    assert_no_key_in_debug(&Client::new(KEY));
    let job = client.job("req-1");
    assert_no_key_in_debug(&job);
    let result = job.result().await.unwrap();
    assert_no_key_in_debug(&result);
    let video = result.download::<Video>().await.unwrap();
    assert_no_key_in_debug(&video);
    assert_no_key_in_debug(&client.run::<Video, _>(&TestInput::url()).await.unwrap());
}

#[tokio::test]
async fn a_server_echoing_the_key_does_not_put_it_in_errors() {
    let stub = Stub::start(|ctx| {
        let echoed = ctx.request.header("x-api-key").unwrap_or("").to_owned();
        match ctx.request.path.as_str() {
            "/v2/requests/req-e/status" => json_reply(
                422,
                json!({"status": "FAILED", "error": format!("job of {echoed} failed")}),
            ),
            "/v2/requests/req-e" => json_reply(
                200,
                json!({"status": "FAILED", "error": format!("again {echoed}")}),
            ),
            "/upload-asset" => json_reply(200, json!({"nothing": echoed})),
            _ => Reply::Now(respond(
                401,
                &[
                    ("content-type", "application/json"),
                    ("x-echo", &format!("key={echoed}")),
                ],
                json!({"error": format!("Invalid API key {echoed}")}).to_string(),
            )),
        }
    })
    .await;
    let client = stub.client();
    let mut errors: Vec<Error> = Vec::new();

    let unauthorized = client.run::<Video, _>(&TestInput::url()).await.unwrap_err();
    let info = unauthorized.api_info().unwrap();
    assert_eq!(info.message.as_deref(), Some("Invalid API key [redacted]"));
    assert_eq!(info.headers.get("x-echo").unwrap(), "[redacted]");
    assert!(!info.body_text().contains(KEY));
    errors.push(unauthorized);

    errors.push(
        client
            .job("req-e")
            .wait(segmind_runtime::WaitOptions::default())
            .await
            .unwrap_err(),
    );
    errors.push(client.job("req-e").result().await.unwrap_err());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.png");
    std::fs::write(&file, b"png").unwrap();
    errors.push(
        client
            .prepare_body(&TestInput::new(Media::file(&file)))
            .await
            .unwrap_err(),
    );

    assert!(matches!(errors[1], Error::JobFailed { .. }));
    assert!(matches!(errors[2], Error::JobFailed { .. }));
    assert!(matches!(errors[3], Error::Decode { .. }));
    for err in &errors {
        assert_no_key(err);
        assert!(err.to_string().contains("[redacted]"), "{err}");
    }
}
