//! Base64 replies against the local server: decoded as they stream (a
//! multi-megabyte output is decoded into the saved file's temporary
//! sibling, or collected through an anonymous temporary file, and comes
//! out byte for byte), and a reply whose `Content-Length` is over the limit is
//! refused before its body is read.

use segmind_runtime::{Client, Error, RetryPolicy, Video};
use segmind_server::{ServerConfig, TestServer, VideoSource};

async fn server(size: u64) -> TestServer {
    TestServer::start(
        ServerConfig::new(segmind_server::workspace_schema_dir())
            .with_video(VideoSource::Generated { size }),
    )
    .await
    .expect("the local server starts")
}

fn client(server: &TestServer) -> Client {
    Client::builder()
        .api_key("k")
        .base_url(server.base_url())
        .retry(RetryPolicy::none())
        .build()
        .expect("client")
}

#[tokio::test]
async fn a_large_base64_output_is_decoded_as_it_streams_and_saved_whole() {
    let size = 3 * 1024 * 1024 + 7;
    let server = server(size).await;
    let input = segmind_tests::hallo_input().base64(true);
    let video: Video = client(&server).run(&input).await.expect("the v1 call");
    // The call decoded the start; the rest is read when it is saved.
    assert!(video.is_streamed());
    assert_eq!(video.content_length(), None);
    assert_eq!(video.content_type(), Some("video/mp4"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.mp4");
    assert_eq!(video.save(&path).await.expect("saved"), size);
    let expected = VideoSource::Generated { size }.to_vec();
    assert!(
        std::fs::read(&path).unwrap() == expected,
        "the bytes differ"
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["out.mp4"], "no temporary file left");
    // Collected in memory instead, through an anonymous temporary file.
    let video: Video = client(&server).run(&input).await.expect("the v1 call");
    assert!(
        video.bytes().await.expect("decoded") == expected,
        "the bytes differ"
    );
}

#[tokio::test]
async fn a_reply_announced_over_the_limit_is_refused_before_it_is_read() {
    // 24 GiB of output, 32 GiB of base64: far over the 16 GiB limit. Were
    // the body read, the test would not end.
    let server = server(24 << 30).await;
    let input = segmind_tests::hallo_input().base64(true);
    let error = client(&server).run::<Video, _>(&input).await.unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert!(error.to_string().contains("larger than"), "{error}");
}
