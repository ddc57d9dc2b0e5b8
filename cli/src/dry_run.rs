//! `--dry-run`: the validated request as it would be sent (the exact JSON
//! body, local files still as their paths) and an equivalent curl command
//! with the key masked. Nothing is uploaded or sent.

use std::path::Path;

use segmind_runtime::{Media, ModelInput, OutputKind};
use serde_json::{json, Value};

use crate::failure::Failure;
use crate::field_arg::{long_flag, FieldFlag};
use crate::globals::Globals;
use crate::output::{self, shell_quote};

/// What stands for the API key in a printed command.
pub const MASKED_KEY: &str = "****";

/// Prints the dry run: the body on stdout and notes plus the curl command on
/// stderr, or everything as one JSON object on stdout with `--json`.
pub fn print(
    slug: &str,
    output_kind: Option<OutputKind>,
    input: &dyn ModelInput,
    flags: &[FieldFlag],
    globals: &Globals,
    use_v2: bool,
    out: Option<&Path>,
) -> Result<(), Failure> {
    let client = globals.dry_run_client()?;
    // The model's request path under the version, built as the client
    // builds it.
    let url = client.call_url(input, use_v2);
    let body = input.to_json();
    // A v1 answer is the media itself (or a JSON model's JSON); a v2
    // answer is the job's JSON.
    let is_json = output_kind.is_some_and(|kind| !kind.is_media());
    let save_to = (!use_v2 && (out.is_some() || !is_json)).then(|| {
        out.map(|p| p.display().to_string()).unwrap_or_else(|| {
            let ext = output_kind.map_or("bin", crate::save::usual_extension);
            format!("{}.{ext}", crate::wait::default_stem(slug))
        })
    });
    let curl = curl_command(&url, &body, save_to.as_deref());
    let local_files: Vec<(String, &Path)> = input
        .media()
        .into_iter()
        .filter_map(|(field, media)| match media {
            // The field's JSON pointer without its leading `/`.
            Media::File(path) => Some((field.trim_start_matches('/').to_owned(), path.as_path())),
            Media::Url(_) => None,
        })
        .collect();

    if globals.json {
        let files: Vec<Value> = local_files
            .iter()
            .map(|(field, path)| json!({ "field": field, "path": path.display().to_string() }))
            .collect();
        output::stdout_json(&json!({
            "dry_run": true,
            "model": slug,
            "method": "POST",
            "url": url,
            "body": body,
            "curl": curl,
            "local_files": files,
            "media_upload": if globals.inline_media { "inline" } else { "upload" },
            "upload_url": client.upload_url(),
        }));
        return Ok(());
    }

    output::stdout_pretty_json(&body);
    let mut notes = String::new();
    if !globals.quiet {
        notes.push_str("dry run: nothing was uploaded or sent\n");
        for (field, path) in &local_files {
            let flag = long_flag(flags, field);
            let fate = if globals.inline_media {
                "would be sent inline as a data: URL in its place".to_owned()
            } else {
                format!(
                    "would be uploaded to {} first and its URL sent in its place",
                    client.upload_url()
                )
            };
            notes.push_str(&format!(
                "--{flag}: {} is a local file: it {fate}\n",
                path.display()
            ));
        }
    }
    notes.push_str(&curl);
    notes.push('\n');
    output::stderr(&notes);
    Ok(())
}

/// A curl command sending `body` to `url` with the key masked, saving the
/// answer to `save_to` when given.
pub fn curl_command(url: &str, body: &Value, save_to: Option<&str>) -> String {
    let mut command = format!(
        "curl -sS -X POST {} -H {} -H {} -d {}",
        shell_quote(url),
        shell_quote(&format!("x-api-key: {MASKED_KEY}")),
        shell_quote("Content-Type: application/json"),
        shell_quote(&body.to_string()),
    );
    if let Some(path) = save_to {
        command.push_str(&format!(" -o {}", shell_quote(path)));
    }
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curl_masks_the_key_and_quotes_the_body() {
        let body = json!({"prompt": "it's a cat"});
        let curl = curl_command("http://127.0.0.1:8080/v1/m", &body, Some("my out.mp4"));
        assert_eq!(
            curl,
            r#"curl -sS -X POST http://127.0.0.1:8080/v1/m -H 'x-api-key: ****' -H 'Content-Type: application/json' -d '{"prompt":"it'\''s a cat"}' -o 'my out.mp4'"#
        );
    }
}
