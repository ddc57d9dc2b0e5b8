//! A v1 call: one blocking POST, the image streamed to disk.
//!
//! ```sh
//! SEGMIND_API_KEY=... cargo run -p segmind-examples --example v1_call -- "a lighthouse at dawn"
//! ```
//!
//! Against the local server instead of Segmind, set `SEGMIND_BASE_URL` to
//! its address (see the README's "Trying it offline").

use segmind::flux_schnell;

#[tokio::main]
async fn main() -> Result<(), segmind::Error> {
    let prompt = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "a lighthouse at dawn, oil painting".to_owned());
    let client = segmind::Client::from_env()?;
    let input = flux_schnell::Input::new(prompt).steps(4);
    let image = client.flux_schnell(&input).await?;
    // The reply's Content-Type picks the extension (png, jpg, webp).
    let path = format!("lighthouse.{}", image.extension());
    println!(
        "cost: {:?}, credits left: {:?}",
        image.meta().cost,
        image.meta().remaining_credits
    );
    let bytes = image.save(&path).await?;
    println!("saved {bytes} bytes to {path}");
    Ok(())
}
