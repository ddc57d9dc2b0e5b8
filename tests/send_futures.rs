//! Every future the client hands out is `Send`, so it can be spawned on a
//! multi-threaded runtime: checked at compile time (the test only has to
//! build; nothing is polled or sent).

use segmind::{Client, JsonOutput, Video};
use segmind_tests::hallo_input;

fn assert_send<T: Send>(_: &T) {}

#[test]
fn the_client_futures_are_send() {
    let client = Client::new("k");
    let input = hallo_input();
    assert_send(&client.hallo(&input));
    assert_send(&client.hallo_submit(&input));
    let nano = segmind::nano_banana::Input::new("a banana");
    assert_send(&client.nano_banana(&nano));
    let flux = segmind::flux_schnell::Input::new("a cat");
    assert_send(&client.flux_schnell(&flux));
    let job = client.job("r");
    assert_send(&job.status());
    assert_send(&job.result());
    assert_send(&job.wait(segmind::WaitOptions::default()));
    assert_send(&async move {
        let result = job.result().await?;
        let video: Video = result.download().await?;
        let answer: JsonOutput = result.download().await?;
        drop(answer);
        video.save("out.mp4").await
    });
    assert_send(&client.prepare_body(&input));
}
