//! A batch run: one flux-schnell job per line of a JSONL file, at most 8 in
//! flight, the images and a manifest (`manifest.jsonl`) saved in a folder.
//! Run it again after a crash: jobs already submitted are waited on, never
//! sent again, and only lines that never reached Segmind are sent.
//!
//! ```sh
//! printf '%s\n' '{"prompt": "a red fox", "id": "fox"}' '{"prompt": "a blue whale"}' > prompts.jsonl
//! cargo run -p segmind-examples --example batch -- prompts.jsonl out/
//! ```

use segmind::{models, BatchEvent, BatchLine};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(inputs), Some(out_dir)) = (args.next(), args.next()) else {
        return Err("usage: batch INPUTS.jsonl OUT_DIR".into());
    };
    let model = &segmind::flux_schnell::MODEL;
    let text = std::fs::read_to_string(&inputs)?;
    // Every line is read and validated before anything is sent.
    let (lines, problems) = BatchLine::parse_all(&text, model, |json| {
        models::input_from_json(model.slug, json)
    });
    if !problems.is_empty() {
        for bad in &problems {
            eprintln!("line {}: {}", bad.line, bad.problems.join("; "));
        }
        return Err("invalid lines; nothing was sent".into());
    }
    let client = segmind::Client::from_env()?;
    let summary = client
        .batch(model, lines, &out_dir)
        .concurrency(8)
        .run(|event| {
            // Each record is on disk (synced) before it is reported.
            if let BatchEvent::Record(record) = event {
                println!(
                    "line {}: {:?} {:?}",
                    record.line, record.state, record.output
                );
            }
        })
        .await?;
    println!(
        "{} done, {} not done, cost {:.3}, manifest {}",
        summary.done,
        summary.failed,
        summary.cost,
        summary.manifest.display()
    );
    if !summary.unknown.is_empty() {
        println!(
            "lines {:?} may have been billed without an answer: resend them only on purpose",
            summary.unknown
        );
    }
    Ok(())
}
