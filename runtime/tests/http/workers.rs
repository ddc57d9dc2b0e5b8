//! Calls made from the main future of a multi-thread runtime (`block_on`
//! on a thread that is not a worker, as in `#[tokio::main]`), where hyper's
//! connection task runs on another thread than the call: every guarantee
//! of a call holds there too, and dropping the call stops it.

use std::time::Duration;

use segmind_runtime::{Error, JsonOutput};
use serde_json::json;

use crate::support::*;

fn multi_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn a_call_from_block_on_answers_once_with_its_checks() {
    let runtime = multi_thread();
    runtime.block_on(async {
        // The first call is answered; the second is a 500 that echoes the
        // key, and is never retried.
        let stub = Stub::start(|ctx| match ctx.nth {
            0 => Reply::Now(respond(
                200,
                &[
                    ("content-type", "application/json"),
                    ("x-request-id", "req-main"),
                    ("x-cost", "0.5"),
                ],
                json!({"answer": format!("echo {KEY}")}).to_string(),
            )),
            _ => json_reply(500, json!({"error": format!("bad key {KEY}")})),
        })
        .await;
        let client = stub.client();
        let answer: JsonOutput = client
            .run(&TestInput::of_kind(segmind_runtime::OutputKind::Json))
            .await
            .unwrap();
        assert_eq!(answer.value(), &json!({"answer": "echo [redacted]"}));
        assert_eq!(answer.meta().request_id.as_deref(), Some("req-main"));
        assert_eq!(answer.meta().cost, Some(0.5));
        assert_eq!(stub.count("POST", "/v1/test-model"), 1);

        let error = client.run::<Video, _>(&TestInput::url()).await.unwrap_err();
        assert!(matches!(error, Error::Server(_)), "{error:?}");
        assert!(error.may_have_been_billed());
        assert_no_key(&error);
        assert_eq!(
            stub.count("POST", "/v1/test-model"),
            2,
            "the failed POST was sent once, not retried"
        );
    });
}

#[test]
fn dropping_a_call_from_block_on_frees_its_slot() {
    let runtime = multi_thread();
    runtime.block_on(async {
        // The first call is answered after a minute; the next at once.
        let stub = Stub::start(|ctx| {
            let reply = respond(200, &[("content-type", "video/mp4")], vec![1u8; 64]);
            if ctx.nth == 0 {
                Reply::After(Duration::from_secs(60), reply)
            } else {
                Reply::Now(reply)
            }
        })
        .await;
        let client = stub.builder().max_concurrent_requests(1).build().unwrap();
        let input = TestInput::url();
        let first =
            tokio::time::timeout(Duration::from_millis(300), client.run::<Video, _>(&input)).await;
        assert!(first.is_err(), "the first call is still waiting");
        // Had the first call's task lived on, it would hold the only slot
        // for a minute.
        let second = tokio::time::timeout(Duration::from_secs(10), client.run::<Video, _>(&input))
            .await
            .expect("the dropped call freed its slot")
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(second.save(dir.path().join("out.mp4")).await.unwrap(), 64);
    });
}
