//! The untyped input: a JSON object for any slug, with no schema behind it.
//! It goes through the same call path as a generated input (the key rule,
//! billing safety, reply checks, atomic saves, tracing); only validation is
//! missing, because nothing says what the model takes. Its strings are sent
//! as they are: a local file is uploaded only when named with
//! [`JsonInput::file`].

use std::path::PathBuf;

use serde_json::{Map, Value};

use crate::media::Media;
use crate::model::{ModelInfo, ModelInput, ParseInputError};
use crate::validate::ValidationError;

/// Longest slug accepted.
const MAX_SLUG_LEN: usize = 128;

/// Checks that `slug` can name a model in `/v1/{slug}`: 1 to 128 ASCII
/// letters, digits, `-`, `_` and `.`, starting with a letter or a digit (so
/// no `.` or `..` segment, no `/`, no `%`, no `?`, no host).
///
/// # Errors
///
/// [`ParseInputError::InvalidSlug`], saying what is wrong.
pub fn check_slug(slug: &str) -> Result<(), ParseInputError> {
    let bad = |why: String| {
        Err(ParseInputError::InvalidSlug(format!(
            "invalid slug {slug:?}: {why}"
        )))
    };
    if slug.is_empty() {
        return bad("it is empty".to_owned());
    }
    if slug.len() > MAX_SLUG_LEN {
        return bad(format!("it is longer than {MAX_SLUG_LEN} characters"));
    }
    if let Some(c) = slug
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return bad(format!(
            "{c:?} is not allowed (letters, digits, '-', '_' and '.' only)"
        ));
    }
    if !slug.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return bad("it must start with a letter or a digit".to_owned());
    }
    Ok(())
}

/// A request body for any slug, as JSON: the untyped call
/// (`Client::run_json`, `Client::submit_json`, and batches of a slug the
/// crate does not know). Its strings are sent as they are (never read as
/// local paths); a local file is named explicitly with [`JsonInput::file`]
/// and uploaded (or inlined) before the call, like a typed input's
/// [`Media::file`].
///
/// ```
/// use segmind_runtime::JsonInput;
///
/// let input = JsonInput::new("some-new-model", serde_json::json!({"prompt": "a fox"}))?
///     .file("image", "fox.png");
/// assert_eq!(input.to_json()["image"], "fox.png"); // until the call uploads it
/// # use segmind_runtime::ModelInput;
/// # Ok::<(), segmind_runtime::ParseInputError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct JsonInput {
    slug: String,
    body: Map<String, Value>,
    /// Local files named explicitly, by their top-level key.
    files: Vec<(String, Media)>,
}

impl JsonInput {
    /// The body `json` (a JSON object) for the model `slug`.
    ///
    /// # Errors
    ///
    /// [`ParseInputError::InvalidSlug`] for a slug [`check_slug`] refuses;
    /// [`ParseInputError::NotAnObject`] when `json` is no object.
    pub fn new(slug: &str, json: Value) -> Result<Self, ParseInputError> {
        check_slug(slug)?;
        let Value::Object(body) = json else {
            return Err(ParseInputError::NotAnObject {
                slug: slug.to_owned(),
                found: crate::__private::type_name(&json),
            });
        };
        Ok(JsonInput {
            slug: slug.to_owned(),
            body,
            files: Vec::new(),
        })
    }

    /// Names a local file for the top-level key `key`: it is uploaded (or
    /// inlined, as the client's [`crate::MediaUpload`] says) before the
    /// call, and its URL is sent in its place. Replaces what the body had
    /// under that key.
    pub fn file(mut self, key: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        let key = key.into();
        self.files.retain(|(k, _)| *k != key);
        self.body.remove(&key);
        self.files.push((key, Media::File(path.into())));
        self
    }

    /// The body as given (without the files named with [`JsonInput::file`]).
    pub fn body(&self) -> &Map<String, Value> {
        &self.body
    }
}

impl ModelInput for JsonInput {
    fn info(&self) -> Option<&'static ModelInfo> {
        None
    }

    fn slug(&self) -> &str {
        &self.slug
    }

    /// No schema, so nothing to check beyond the named files: each must be
    /// a readable regular file.
    fn validate(&self) -> Result<(), ValidationError> {
        let mut checks = crate::__private::Violations::new();
        for (key, media) in &self.files {
            checks.media(key, media);
        }
        checks.finish(&self.slug)
    }

    fn to_json(&self) -> Value {
        let mut body = self.body.clone();
        for (key, media) in &self.files {
            body.insert(key.clone(), Value::String(media.to_wire_text()));
        }
        Value::Object(body)
    }

    fn media(&self) -> Vec<(String, &Media)> {
        self.files
            .iter()
            .map(|(key, media)| {
                let pointer = format!("/{}", key.replace('~', "~0").replace('/', "~1"));
                (pointer, media)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn slugs_that_could_leave_their_path_segment_are_refused() {
        for good in ["hallo", "hailuo-2.3-fast", "llava-v1.6", "a", "x_y", "9b"] {
            assert!(check_slug(good).is_ok(), "{good}");
        }
        let long = "a".repeat(129);
        for bad in [
            "",
            ".",
            "..",
            "../v2",
            "a/b",
            "a%2fb",
            "-x",
            ".hidden",
            "a b",
            "a?b",
            "a#b",
            "https://evil.test",
            "//evil.test",
            "a\\b",
            "é",
            "a\u{0}",
            &long,
        ] {
            let error = check_slug(bad).expect_err(bad).to_string();
            assert!(error.starts_with("invalid slug"), "{error}");
        }
    }

    #[test]
    fn strings_are_sent_as_they_are_and_files_only_when_named() {
        let input = JsonInput::new("m", json!({"image": "/etc/passwd", "n": 1})).unwrap();
        assert!(input.media().is_empty());
        assert_eq!(input.to_json(), json!({"image": "/etc/passwd", "n": 1}));
        let input = input.file("image", "face.png");
        assert_eq!(input.media().len(), 1);
        assert_eq!(input.media()[0].0, "/image");
        assert_eq!(input.to_json(), json!({"image": "face.png", "n": 1}));
        // A key with JSON pointer characters is escaped in its pointer.
        let odd = JsonInput::new("m", json!({}))
            .unwrap()
            .file("a/b~c", "x.png");
        assert_eq!(odd.media()[0].0, "/a~1b~0c");
        assert_eq!(
            odd.to_json().pointer(&odd.media()[0].0),
            Some(&json!("x.png"))
        );
        // A missing file is a validation error naming the key.
        let error = input.validate().expect_err("no such file").to_string();
        assert!(error.contains("image: cannot read face.png"), "{error}");
    }

    #[test]
    fn the_body_must_be_an_object() {
        let error = JsonInput::new("m", json!([1])).expect_err("an array");
        assert_eq!(
            error.to_string(),
            "the input of m must be a JSON object, not an array"
        );
    }
}
