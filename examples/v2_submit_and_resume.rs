//! A v2 job in two runs: the first submits and prints the request id; the
//! second (possibly after a crash, or on another machine) resumes from the
//! id alone, waits and saves the video. The POST is billed once.
//!
//! ```sh
//! cargo run -p segmind-examples --example v2_submit_and_resume -- submit
//! cargo run -p segmind-examples --example v2_submit_and_resume -- resume <request-id>
//! ```

use std::time::Duration;

use segmind::{hallo, Media, WaitOptions};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let client = segmind::Client::from_env()?;
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["submit"] => {
            let input = hallo::Input::new(
                Media::url("https://segmind-sd-models.s3.amazonaws.com/display_images/hallo/hallo-input.png"),
                Media::url("https://segmind-sd-models.s3.amazonaws.com/display_images/hallo/hallo-audio-2.mp3"),
            );
            let job = client.hallo_submit(&input).await?;
            // Keep this id: it is all a later run needs. Segmind keeps a
            // job's record for an hour.
            println!("{}", job.request_id());
        }
        ["resume", id] => {
            let options = WaitOptions::new()
                .with_poll_interval(Duration::from_secs(2))
                .with_deadline(Duration::from_secs(900));
            let done = client.job(id).wait(options).await?;
            println!("cost: {:?}", done.metrics.cost);
            let video = done.download::<segmind::Video>().await?;
            let bytes = video.save("hallo.mp4").await?;
            println!("saved {bytes} bytes to hallo.mp4");
        }
        _ => return Err("usage: v2_submit_and_resume submit | resume <request-id>".into()),
    }
    Ok(())
}
