//! A canary API key, echoed back by a hostile server in every reply shape
//! (error bodies, JSON-escaped and percent-encoded, header values, key
//! names, job ids, output URLs), never appears in anything `segmind` prints,
//! in any mode: v1, `--async`, `wait`, `--dry-run`, text or `--json`.

mod common;

use std::net::TcpListener;

use common::{command, Scratch};

const CANARY: &str = "sk-canary-CLI-42";

/// The key in the forms a server might echo it.
fn forms() -> [String; 3] {
    [
        CANARY.to_owned(),
        CANARY
            .chars()
            .map(|c| format!("\\u{:04x}", c as u32))
            .collect(),
        CANARY.bytes().map(|b| format!("%{b:02x}")).collect(),
    ]
}

/// Independent of the client: percent and `\uXXXX` escapes decoded, then
/// a plain search.
fn leaks(text: &str) -> bool {
    let mut text = text.replace("\\\\", "\\");
    for _ in 0..2 {
        if text.contains(CANARY) {
            return true;
        }
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        while i < chars.len() {
            let hex = |from: usize, len: usize| -> Option<char> {
                let digits: String = chars.get(from..from + len)?.iter().collect();
                char::from_u32(u32::from_str_radix(&digits, 16).ok()?)
            };
            match (chars[i], chars.get(i + 1)) {
                ('%', _) if hex(i + 1, 2).is_some() => {
                    out.push(hex(i + 1, 2).unwrap_or(' '));
                    i += 3;
                }
                ('\\', Some('u')) if hex(i + 2, 4).is_some() => {
                    out.push(hex(i + 2, 4).unwrap_or(' '));
                    i += 6;
                }
                (c, _) => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        text = out;
    }
    text.contains(CANARY)
}

/// A minimal HTTP/1.1 server on 127.0.0.1 that answers each path with the
/// canary echoed in it; `v1_ok` picks a video or an error for v1 calls.
fn hostile_server(v1_ok: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let own = base.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(200) {
            let Ok(mut stream) = stream else { continue };
            let base = own.clone();
            std::thread::spawn(move || answer(&mut stream, &base, v1_ok));
        }
    });
    base
}

fn answer(stream: &mut std::net::TcpStream, base: &str, v1_ok: bool) {
    use std::io::{BufRead, BufReader, Read, Write};
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
            break;
        }
        if let Some(value) = header.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let [plain, escaped, percent] = forms();
    let json =
        |status: &str, body: String| (status.to_owned(), "application/json", body.into_bytes());
    let (status, content_type, body) = if path.starts_with("/v1/") && !v1_ok {
        json(
            "401 Unauthorized",
            format!(r#"{{"error":"Invalid key {escaped}","{plain}":"{percent}"}}"#),
        )
    } else if path.starts_with("/v1/") || path.starts_with("/files/") {
        ("200 OK".to_owned(), "video/mp4", mp4())
    } else if path.starts_with("/v2/requests/") && path.ends_with("/status") {
        json(
            "200 OK",
            format!(r#"{{"status":"COMPLETED","note":"{escaped}","{plain}":1}}"#),
        )
    } else if path.starts_with("/v2/requests/") {
        json(
            "200 OK",
            format!(
                r#"{{"output":"{base}/files/{percent}.mp4","metrics":{{"cost":0.1,"{plain}":"{escaped}"}},"seed":"{plain}"}}"#
            ),
        )
    } else if path.starts_with("/v2/") {
        json(
            "200 OK",
            format!(r#"{{"request_id":"job-1","status":"QUEUED","echo":"{plain}"}}"#),
        )
    } else {
        json("404 Not Found", format!(r#"{{"error":"no {plain}"}}"#))
    };
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nx-request-id: req-{percent}\r\nx-echo: {plain}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

/// A small well-formed MP4 (ftyp, moov, mdat).
fn mp4() -> Vec<u8> {
    let mut out = Vec::new();
    for (kind, body) in [
        (b"ftyp", &b"isom\0\0\x02\0"[..]),
        (b"moov", &[0; 8][..]),
        (b"mdat", &[1; 32][..]),
    ] {
        out.extend_from_slice(&(8 + body.len() as u32).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
    }
    out
}

#[test]
fn the_leak_check_sees_every_form() {
    for form in forms() {
        assert!(leaks(&form), "{form}");
        assert!(leaks(&format!("{form:?}")), "{form:?}");
    }
}

#[test]
fn a_canary_key_echoed_in_every_reply_never_shows_in_any_mode() {
    let inputs =
        "--input-image https://example.test/f.png --input-audio https://example.test/v.mp3";
    let modes = [
        (true, format!("hallo {inputs} --out a.mp4")),
        (false, format!("hallo {inputs} --out b.mp4")),
        (
            true,
            format!("hallo {inputs} --async --poll-interval 0.05 --out c.mp4"),
        ),
        (
            true,
            "wait job-1 --poll-interval 0.05 --out d.mp4".to_owned(),
        ),
        (true, format!("hallo {inputs} --dry-run --out e.mp4")),
        (true, "models".to_owned()),
        // The untyped path: a slug without a schema, v1, v2 and dry run.
        (
            true,
            "run some-new-model --set prompt=p --out f.bin".to_owned(),
        ),
        (false, "run some-new-model --set prompt=p".to_owned()),
        (
            true,
            "run some-new-model --set prompt=p --async --poll-interval 0.05 --out g.bin".to_owned(),
        ),
        (
            true,
            "run some-new-model --set prompt=p --dry-run".to_owned(),
        ),
    ];
    let scratch = Scratch::new();
    let mut ran = 0;
    for (v1_ok, line) in &modes {
        let base = hostile_server(*v1_ok);
        for json in [false, true] {
            for key_by in ["flag", "env"] {
                let mut cmd = command();
                let mut args: Vec<String> = vec!["--base-url".into(), base.clone()];
                if json {
                    args.push("--json".into());
                }
                if key_by == "flag" {
                    args.extend(["--api-key".into(), CANARY.into()]);
                } else {
                    cmd.env("SEGMIND_API_KEY", CANARY);
                }
                args.extend(line.split_whitespace().map(str::to_owned));
                let output = cmd
                    .args(&args)
                    .current_dir(scratch.path())
                    .output()
                    .unwrap();
                let shown = format!(
                    "{}\n{}",
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr)
                );
                assert!(
                    !leaks(&shown),
                    "{line} json={json} key by {key_by}: {shown}"
                );
                assert!(!shown.trim().is_empty(), "{line}: printed nothing");
                ran += 1;
            }
        }
    }
    assert_eq!(ran, modes.len() * 4);
}

#[test]
fn tracing_at_every_level_never_shows_the_key() {
    let inputs =
        "--input-image https://example.test/f.png --input-audio https://example.test/v.mp3";
    let scratch = Scratch::new();
    for (v1_ok, line, expected) in [
        (true, format!("hallo {inputs} --out a.mp4"), "segmind.call"),
        (
            false,
            format!("hallo {inputs} --out b.mp4"),
            "model call failed",
        ),
        (
            true,
            format!("hallo {inputs} --async --poll-interval 0.05 --out c.mp4"),
            "job completed",
        ),
    ] {
        let base = hostile_server(v1_ok);
        for (verbosity, rust_log) in [("-v", None), ("-vvv", None), ("-q", Some("trace"))] {
            let mut cmd = command();
            if let Some(filter) = rust_log {
                cmd.env("RUST_LOG", filter);
            }
            let output = cmd
                .args(["--base-url", &base, "--api-key", CANARY, verbosity])
                .args(line.split_whitespace())
                .current_dir(scratch.path())
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(!leaks(&stderr), "{line} {verbosity}: {stderr}");
            assert!(
                stderr.contains(expected),
                "{line} {verbosity}: no {expected:?} in {stderr}"
            );
        }
    }
}

#[test]
fn with_json_and_no_verbose_flag_rust_log_leaves_stderr_empty() {
    let base = hostile_server(true);
    let scratch = Scratch::new();
    let output = command()
        .env("RUST_LOG", "trace")
        .args(["--base-url", &base, "--api-key", CANARY, "--json", "hallo"])
        .args([
            "--input-image",
            "https://example.test/f.png",
            "--input-audio",
            "https://example.test/v.mp3",
            "--out",
            "j.mp4",
        ])
        .current_dir(scratch.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(output.stderr.is_empty(), "{output:?}");
}
