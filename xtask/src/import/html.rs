//! `--url`: the text of a model's API page from its HTML, as a browser
//! would show it: scripts and styles dropped, block elements on their own
//! lines, tags removed, entities decoded. The download uses the workspace's
//! HTTP stack (reqwest on a one-thread tokio runtime), only with `--url`.

#[cfg(feature = "cli")]
use std::time::Duration;

/// The most a page may weigh.
#[cfg(feature = "cli")]
const MAX_PAGE_BYTES: usize = 16 * 1024 * 1024;

/// The page address for a slug, or the address itself.
pub fn page_url(slug_or_url: &str) -> String {
    if slug_or_url.starts_with("https://") || slug_or_url.starts_with("http://") {
        slug_or_url.to_owned()
    } else {
        format!("https://www.segmind.com/models/{slug_or_url}/api")
    }
}

/// Downloads `url` (30 s limit, redirects followed, an HTTP error status is
/// an error) and returns the body. Only with the `cli` feature (it brings
/// the HTTP stack).
#[cfg(feature = "cli")]
pub fn fetch(url: &str) -> Result<Vec<u8>, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the download: {e}"))?;
    runtime.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("segmind-rs-xtask/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot start the download: {e}"))?;
        let mut response = client
            .get(url)
            .send()
            .await
            .map_err(|e| format!("downloading {url} failed: {e}"))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("downloading {url} failed: HTTP {status}"));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| format!("downloading {url} failed: {e}"))?
        {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_PAGE_BYTES {
                return Err(format!(
                    "{url} is over {MAX_PAGE_BYTES} bytes: not a model page"
                ));
            }
        }
        Ok(body)
    })
}

const BLOCKS: &[&str] = &[
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
    "section", "article", "header", "footer", "code", "span", "button", "label",
];

/// The visible text of an HTML document.
pub fn to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    while i < html.len() {
        let rest = &html[i..];
        if let Some(after) = rest.strip_prefix('<') {
            let end = after.find('>').map_or(html.len(), |e| i + 1 + e + 1);
            let tag = after
                .trim_start_matches('/')
                .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            if (tag == "script" || tag == "style") && !after.starts_with('/') {
                let close = format!("</{tag}");
                i = lower[end.min(html.len())..]
                    .find(&close)
                    .map_or(html.len(), |c| end + c);
                continue;
            }
            if BLOCKS.contains(&tag.as_str()) && tag != "span" && tag != "code" {
                out.push('\n');
            }
            i = end.min(html.len());
            continue;
        }
        let next = rest.find('<').unwrap_or(rest.len());
        out.push_str(&decode(&rest[..next]));
        i += next;
    }
    let lines: Vec<&str> = out.lines().map(str::trim_end).collect();
    let mut text = String::new();
    let mut blank = false;
    for line in lines {
        if line.trim().is_empty() {
            if !blank && !text.is_empty() {
                text.push('\n');
            }
            blank = true;
        } else {
            text.push_str(line);
            text.push('\n');
            blank = false;
        }
    }
    text
}

fn decode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let end = after.find(';').filter(|&e| e <= 10);
        let Some(end) = end else {
            out.push('&');
            rest = &after[1..];
            continue;
        };
        let entity = &after[1..end];
        let ch = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" | "#39" => Some('\''),
            "nbsp" => Some(' '),
            e if e.starts_with("#x") || e.starts_with("#X") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_of_html() {
        let html = "<html><head><style>x{}</style><script>var a = '<p>';</script></head><body><h1>Hallo</h1><p>Hallo lets you &amp; me.</p><div>Returns: <b>Video</b></div></body></html>";
        let text = to_text(html);
        assert_eq!(text, "Hallo\n\nHallo lets you & me.\n\nReturns: Video\n");
        assert_eq!(
            page_url("hallo"),
            "https://www.segmind.com/models/hallo/api"
        );
        assert_eq!(decode("&#8211;&#x41;&bogus;"), "\u{2013}A&bogus;");
    }
}
