//! `POST /upload-asset`: Segmind's storage upload. Takes `{"data_urls":
//! ["data:<mime>;base64,..."]}`, keeps the bytes in memory and answers their
//! URLs (`{base}/assets/{n}.{ext}`) under `file_urls` or `urls`, as configured.
//!
//! The data URLs are read straight out of the request body (no copy of the
//! text) and decoded once, so an upload costs its body plus its bytes.

use std::borrow::Cow;
use std::fmt;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use bytes::Bytes;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::data_url;
use crate::routes::checks::{check_json_content_type, check_key, ApiError};
use crate::state::{AppState, Asset};

/// Stores every data URL of the body, or none if any is bad (400).
pub(crate) async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    check_key(&state, &headers)?;
    check_json_content_type(&headers)?;
    let request: UploadRequest<'_> = serde_json::from_slice(&body).map_err(|error| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("Request body is not valid JSON: {error}"),
        )
    })?;
    let bad = |message: String| Err(ApiError::new(StatusCode::BAD_REQUEST, message));
    let Some(Listed::List(urls)) = request.data_urls else {
        return bad("/data_urls: missing or not an array of data URLs".to_owned());
    };
    if urls.is_empty() {
        return bad("/data_urls: empty; give at least one data URL".to_owned());
    }
    let mut decoded = Vec::with_capacity(urls.len());
    for (index, url) in urls.iter().enumerate() {
        let Entry::Text(url) = url else {
            return bad(format!("/data_urls/{index}: not a string"));
        };
        match data_url::parse(url) {
            Ok(parsed) => decoded.push(parsed),
            Err(problem) => return bad(format!("/data_urls/{index}: the data URL {problem}")),
        }
    }
    drop(urls);
    drop(body);
    let stored: Vec<Value> = decoded
        .into_iter()
        .map(|parsed| {
            let name = state.insert_asset(
                data_url::extension(&parsed.mime),
                Asset {
                    mime: parsed.mime,
                    bytes: parsed.bytes.into(),
                },
            );
            Value::String(format!("{}/assets/{name}", state.base_url))
        })
        .collect();
    let mut answer = Map::new();
    answer.insert(state.upload_key.as_str().to_owned(), Value::Array(stored));
    Ok(Json(Value::Object(answer)).into_response())
}

/// An upload body, its data URLs borrowed from the body's bytes. Any JSON
/// is accepted here; what is wrong with it is reported by the handler.
#[derive(Debug, Default)]
struct UploadRequest<'a> {
    /// `data_urls`, when the body is an object that has it.
    data_urls: Option<Listed<'a>>,
}

/// The `data_urls` member.
#[derive(Debug)]
enum Listed<'a> {
    List(Vec<Entry<'a>>),
    NotAList,
}

/// One entry of `data_urls`.
#[derive(Debug)]
enum Entry<'a> {
    /// A string: borrowed, unless it held escapes.
    Text(Cow<'a, str>),
    NotText,
}

/// Visitor methods answering `$value` for JSON `true`/`false`, numbers and
/// `null`.
macro_rules! other_scalars {
    ($value:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($value)
        }
    };
}

/// [`other_scalars`] and strings too.
macro_rules! scalars {
    ($value:expr) => {
        other_scalars!($value);
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok($value)
        }
    };
}

impl<'de> Deserialize<'de> for UploadRequest<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Body;
        impl<'de> Visitor<'de> for Body {
            type Value = UploadRequest<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut request = UploadRequest::default();
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    if key == "data_urls" {
                        request.data_urls = Some(map.next_value()?);
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(request)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                IgnoredAny.visit_seq(seq)?;
                Ok(UploadRequest::default())
            }
            scalars!(UploadRequest::default());
        }
        deserializer.deserialize_any(Body)
    }
}

impl<'de> Deserialize<'de> for Listed<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct List;
        impl<'de> Visitor<'de> for List {
            type Value = Listed<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = seq.next_element()? {
                    entries.push(entry);
                }
                Ok(Listed::List(entries))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                IgnoredAny.visit_map(map)?;
                Ok(Listed::NotAList)
            }
            scalars!(Listed::NotAList);
        }
        deserializer.deserialize_any(List)
    }
}

impl<'de> Deserialize<'de> for Entry<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct One;
        impl<'de> Visitor<'de> for One {
            type Value = Entry<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(Entry::Text(Cow::Borrowed(text)))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
                Ok(Entry::Text(Cow::Owned(text.to_owned())))
            }
            fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
                Ok(Entry::Text(Cow::Owned(text)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                IgnoredAny.visit_seq(seq)?;
                Ok(Entry::NotText)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                IgnoredAny.visit_map(map)?;
                Ok(Entry::NotText)
            }
            other_scalars!(Entry::NotText);
        }
        deserializer.deserialize_any(One)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> UploadRequest<'_> {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn data_urls_are_borrowed_from_the_body() {
        let body = r#"{"x": [1, {"a": null}], "data_urls": ["data:;base64,AA==", 7, "a\"b", {}]}"#;
        let Some(Listed::List(entries)) = parse(body).data_urls else {
            panic!("a list");
        };
        assert!(matches!(
            &entries[0],
            Entry::Text(Cow::Borrowed("data:;base64,AA=="))
        ));
        assert!(matches!(&entries[1], Entry::NotText));
        assert!(matches!(&entries[2], Entry::Text(Cow::Owned(text)) if text == "a\"b"));
        assert!(matches!(&entries[3], Entry::NotText));
    }

    #[test]
    fn other_shapes_have_no_list() {
        for body in [
            r#"{"data_urls": "x"}"#,
            r#"{"data_urls": {}}"#,
            r#"{"data_urls": null}"#,
        ] {
            assert!(
                matches!(parse(body).data_urls, Some(Listed::NotAList)),
                "{body}"
            );
        }
        for body in ["[1, 2]", "\"text\"", "3", "null", r#"{"files": []}"#] {
            assert!(parse(body).data_urls.is_none(), "{body}");
        }
        assert!(serde_json::from_str::<UploadRequest<'_>>("{not json").is_err());
        assert!(serde_json::from_str::<UploadRequest<'_>>("{} extra").is_err());
    }
}
