//! The queued API: submit, the QUEUED → PROCESSING → COMPLETED polls, FAILED
//! jobs (422), the result, and the file download.

use reqwest::StatusCode;
use segmind_server::TestServer;
use serde_json::Value;

use crate::{client, config, error_of, get, hallo_body, header, json_of, post_json, start};

async fn submit(server: &TestServer) -> Value {
    let response = post_json(server, "/v2/hallo", &hallo_body()).await;
    assert_eq!(response.status(), StatusCode::OK);
    json_of(response).await
}

async fn poll(server: &TestServer, url: &str) -> (StatusCode, Value) {
    let response = get(server, url).await;
    (response.status(), json_of(response).await)
}

#[tokio::test]
async fn submit_answers_absolute_urls_on_this_server() {
    let server = start(config()).await;
    let job = submit(&server).await;
    let id = job["request_id"].as_str().unwrap();
    let base = server.base_url();
    assert_eq!(job["status"], "QUEUED");
    assert_eq!(job["status_url"], format!("{base}/v2/requests/{id}/status"));
    assert_eq!(job["poll_url"], job["status_url"]);
    assert_eq!(job["response_url"], format!("{base}/v2/requests/{id}"));
    assert_ne!(submit(&server).await["request_id"], job["request_id"]);
}

#[tokio::test]
async fn job_goes_queued_processing_completed_then_serves_result_and_file() {
    let server = start(config()).await;
    let job = submit(&server).await;
    let id = job["request_id"].as_str().unwrap();
    let status_url = job["status_url"].as_str().unwrap();
    let response_url = job["response_url"].as_str().unwrap();

    let early = get(&server, response_url).await;
    assert_eq!(early.status(), StatusCode::CONFLICT);
    assert_eq!(error_of(early).await, "not ready");

    let mut seen = Vec::new();
    for _ in 0..4 {
        let (status, body) = poll(&server, status_url).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["request_id"], id);
        assert!(body["metrics"].is_object());
        seen.push(body["status"].as_str().unwrap().to_owned());
    }
    assert_eq!(seen, ["QUEUED", "PROCESSING", "COMPLETED", "COMPLETED"]);

    let response = get(&server, response_url).await;
    assert_eq!(response.status(), StatusCode::OK);
    let result = json_of(response).await;
    assert_eq!(result["request_id"], id);
    assert_eq!(result["extra_key_from_model"], "kept");
    assert_eq!(
        result["output"],
        format!("{}/files/{id}.mp4", server.base_url())
    );
    for key in [
        "cost",
        "remaining_credits",
        "inference_time",
        "queue_time",
        "total_time",
    ] {
        assert!(
            result["metrics"][key].is_number(),
            "metrics.{key} in {result}"
        );
    }
    assert_eq!(result["metrics"]["cost"], 0.421);

    // The file needs no key, like an S3 link.
    let file = client()
        .get(result["output"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), StatusCode::OK);
    assert_eq!(header(&file, "content-type"), Some("video/mp4"));
    assert_eq!(
        file.content_length(),
        Some(TestServer::fixture_video().len() as u64)
    );
    assert_eq!(
        &file.bytes().await.unwrap()[..],
        TestServer::fixture_video()
    );
}

#[tokio::test]
async fn polls_before_complete_is_configurable() {
    let server = start(config().with_polls_before_complete(0)).await;
    let job = submit(&server).await;
    let (_, body) = poll(&server, job["status_url"].as_str().unwrap()).await;
    assert_eq!(body["status"], "COMPLETED");

    let server = start(config().with_polls_before_complete(3)).await;
    let job = submit(&server).await;
    let mut seen = Vec::new();
    for _ in 0..4 {
        let (_, body) = poll(&server, job["status_url"].as_str().unwrap()).await;
        seen.push(body["status"].as_str().unwrap().to_owned());
    }
    assert_eq!(seen, ["QUEUED", "PROCESSING", "PROCESSING", "COMPLETED"]);
}

#[tokio::test]
async fn failed_job_is_answered_422_with_its_message() {
    let server = start(config().with_fail_jobs("face not found")).await;
    let job = submit(&server).await;
    let id = job["request_id"].as_str().unwrap();
    let status_url = job["status_url"].as_str().unwrap();
    assert_eq!(poll(&server, status_url).await.1["status"], "QUEUED");
    assert_eq!(poll(&server, status_url).await.1["status"], "PROCESSING");
    for _ in 0..2 {
        let (status, body) = poll(&server, status_url).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["status"], "FAILED");
        assert_eq!(body["error"], "face not found");
        assert_eq!(body["request_id"], id);
    }
    let (status, body) = poll(&server, job["response_url"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["status"], "FAILED");
    let file = client()
        .get(format!("{}/files/{id}.mp4", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unknown_ids_are_404_and_polls_need_the_key() {
    let server = start(config()).await;
    for path in [
        "/v2/requests/nope/status",
        "/v2/requests/nope",
        "/files/nope.mp4",
    ] {
        let response = get(&server, path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(!error_of(response).await.is_empty());
    }
    let job = submit(&server).await;
    for key in ["status_url", "response_url"] {
        let response = client()
            .get(job[key].as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{key}");
    }
    // A file of a job that has not completed is not there yet.
    let id = job["request_id"].as_str().unwrap();
    let response = get(&server, &format!("/files/{id}.mp4")).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn submit_runs_the_same_checks_as_v1() {
    let server = start(config()).await;
    let response = post_json(
        &server,
        "/v2/hallo",
        &serde_json::json!({"pose_weight": -1}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let error = error_of(response).await;
    assert!(error.contains("/pose_weight: "), "{error}");
}
