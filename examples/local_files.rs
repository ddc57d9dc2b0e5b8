//! Local media files: each is checked before anything is sent, uploaded
//! (streamed from disk) to Segmind's storage, and its URL put in the
//! request.
//!
//! ```sh
//! cargo run -p segmind-examples --example local_files -- face.png voice.mp3
//! ```

use std::path::PathBuf;

use segmind::hallo;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1).map(PathBuf::from);
    let (Some(face), Some(voice)) = (args.next(), args.next()) else {
        return Err("usage: local_files FACE.png VOICE.mp3".into());
    };
    let client = segmind::Client::from_env()?;
    // A path converts into `Media` as a local file; a `&str` that looks
    // like a URL would be sent as a URL.
    let input = hallo::Input::new(face, voice).pose_weight(1.2);
    let video = client.hallo(&input).await?;
    let bytes = video.save("talking.mp4").await?;
    println!("saved {bytes} bytes to talking.mp4");
    Ok(())
}
