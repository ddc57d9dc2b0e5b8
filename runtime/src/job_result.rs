//! The result of a finished v2 job: its `output` (a URL for media models,
//! the JSON itself for JSON models), the metrics Segmind reports (all
//! optional, read leniently), every other key kept as is, and the output
//! taken as a [`crate::ModelOutput`] (a media file downloaded, or the JSON).

use std::fmt;

use serde_json::{Map, Value};

use crate::client::Client;
use crate::error::Error;
use crate::job_status::id_text;
use crate::meta::{json_number, ResponseMeta};
use crate::model_output::sealed::{Reply, ReplyKind};
use crate::model_output::ModelOutput;
use crate::retry::RequestKind;

/// What a v2 job reports about its run. Every field is optional; a value
/// that is not a number (or a string holding one) is left out.
/// The type is `non_exhaustive`: a metric named later is not a breaking
/// change. Build one with [`JobMetrics::from_json`] or `Default`.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct JobMetrics {
    /// Price of the job.
    pub cost: Option<f64>,
    /// Credits left on the account.
    pub remaining_credits: Option<f64>,
    /// Seconds the model ran.
    pub inference_time: Option<f64>,
    /// Seconds the job waited in the queue.
    pub queue_time: Option<f64>,
    /// Seconds from submission to the end.
    pub total_time: Option<f64>,
    /// Every other metric, as sent.
    pub other: Map<String, Value>,
}

impl JobMetrics {
    /// Reads a `metrics` object; anything else gives empty metrics.
    pub fn from_json(value: &Value) -> Self {
        let mut metrics = JobMetrics::default();
        let Some(fields) = value.as_object() else {
            return metrics;
        };
        for (key, value) in fields {
            let slot = match key.as_str() {
                "cost" => &mut metrics.cost,
                "remaining_credits" => &mut metrics.remaining_credits,
                "inference_time" => &mut metrics.inference_time,
                "queue_time" => &mut metrics.queue_time,
                "total_time" => &mut metrics.total_time,
                _ => {
                    metrics.other.insert(key.clone(), value.clone());
                    continue;
                }
            };
            *slot = json_number(value);
        }
        metrics
    }
}

/// A finished v2 job.
#[derive(Clone)]
pub struct JobResult {
    /// The job's request id.
    pub request_id: String,
    /// The result's `output`, whole (key redacted): for a media model the
    /// URL of the file (Segmind keeps it for 7 days; see
    /// [`JobResult::output_url`]), for a JSON model the JSON answer.
    pub output: Value,
    /// What Segmind reports about the run.
    pub metrics: JobMetrics,
    /// Every other key of the reply, as sent.
    pub extra: Map<String, Value>,
    /// The reply's metadata headers, completed from the metrics.
    pub meta: ResponseMeta,
    client: Client,
}

impl fmt::Debug for JobResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JobResult")
            .field("request_id", &self.request_id)
            .field("output", &self.output)
            .field("metrics", &self.metrics)
            .field("extra", &self.extra)
            .field("meta", &self.meta)
            .finish_non_exhaustive()
    }
}

impl JobResult {
    /// Reads a result reply of job `request_id`; `headers` is what the
    /// reply's headers said.
    pub(crate) fn from_json(
        client: Client,
        request_id: &str,
        reply: Value,
        headers: ResponseMeta,
    ) -> Result<Self, Error> {
        let Value::Object(mut fields) = reply else {
            return Err(Error::decode("the job result is not a JSON object"));
        };
        let output = fields.remove("output").ok_or_else(|| {
            let keys: Vec<&str> = fields.keys().map(String::as_str).collect();
            Error::decode(format!(
                "the job result has no output (keys: {})",
                keys.join(", ")
            ))
        })?;
        let metrics = JobMetrics::from_json(&fields.remove("metrics").unwrap_or(Value::Null));
        let request_id = fields
            .remove("request_id")
            .as_ref()
            .and_then(id_text)
            .unwrap_or_else(|| request_id.to_owned());
        let from_metrics = ResponseMeta {
            remaining_credits: metrics.remaining_credits,
            cost: metrics.cost,
            request_id: Some(request_id.clone()),
            generation_time: metrics.inference_time,
            rate_limit_reset_at: None,
        };
        let meta = headers.or(&from_metrics);
        Ok(JobResult {
            request_id,
            output,
            metrics,
            extra: fields,
            meta,
            client,
        })
    }

    /// The URL of the output file, when `output` is one (an http or https
    /// URL as a string, the first string of a list, or an object's `url`).
    /// `None` for a JSON model's answer.
    pub fn output_url(&self) -> Option<&str> {
        output_url(&self.output)
    }

    /// The `output` as JSON (for a JSON model, its answer), whole.
    pub fn json(&self) -> &Value {
        &self.output
    }

    /// The output as `O`: for a media type ([`crate::Video`],
    /// [`crate::Image`], [`crate::Audio`]) the file at [`JobResult::output_url`],
    /// downloaded and checked like a v1 answer (streamed when saved); for
    /// [`crate::JsonOutput`] or [`crate::ChatOutput`] the `output` JSON,
    /// with no request. The API
    /// key is sent only when the file lives on the API's own origin, never
    /// to a storage host. Transient failures are retried.
    ///
    /// ```no_run
    /// # async fn demo(result: segmind_runtime::JobResult) -> Result<(), segmind_runtime::Error> {
    /// use segmind_runtime::Image;
    /// let image = result.download::<Image>().await?;
    /// let name = format!("out.{}", image.extension());
    /// image.save(name).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn download<O: ModelOutput>(&self) -> Result<O, Error> {
        if O::WHOLE_JSON {
            return O::from_reply(Reply(ReplyKind::Value {
                value: self.output.clone(),
                meta: self.meta.clone(),
            }));
        }
        let with_id = |e: Error| e.with_request_id(Some(&self.request_id));
        let Some(url) = self.output_url() else {
            return O::from_reply(Reply(ReplyKind::Value {
                value: self.output.clone(),
                meta: self.meta.clone(),
            }))
            .map_err(with_id);
        };
        let with_key = self.client.is_same_origin(url);
        let timeout = self.client.request_timeout();
        let response = self
            .client
            .send(RequestKind::Get, timeout, || self.client.get(url, with_key))
            .await
            .map_err(with_id)?;
        if O::ANY_KIND {
            // With no kind expected, a JSON or text file is read as JSON.
            let content_type = crate::media_output::content_type_of(&response);
            if content_type
                .as_deref()
                .is_some_and(|t| crate::v1::is_json(t) || crate::v1::is_text(t))
            {
                let body = self
                    .client
                    .read_body(response, timeout, JSON_FILE_LIMIT)
                    .await
                    .map_err(with_id)?;
                return O::from_reply(Reply(ReplyKind::Text {
                    body,
                    content_type,
                    meta: self.meta.clone(),
                    key: self.client.key(),
                }))
                .map_err(with_id);
            }
        }
        O::from_reply(Reply(ReplyKind::Stream {
            response,
            meta: self.meta.clone(),
            timeout,
            key: self.client.key(),
            billed_call: false,
        }))
    }
}

/// Largest JSON output file read into memory for an [`crate::AnyOutput`].
const JSON_FILE_LIMIT: usize = 1 << 30;

/// The output URL: a string, the first string of a list, or an object's
/// `url`, when it is an http or https URL.
fn output_url(value: &Value) -> Option<&str> {
    let url = match value {
        Value::String(url) => Some(url.as_str()),
        Value::Array(items) => items.iter().find_map(Value::as_str),
        Value::Object(fields) => fields.get("url").and_then(Value::as_str),
        _ => None,
    }?;
    let url = url.trim();
    let parsed = reqwest::Url::parse(url).ok()?;
    matches!(parsed.scheme(), "http" | "https").then_some(url)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn metrics_are_lenient_and_keep_unknown_keys() {
        let metrics = JobMetrics::from_json(&json!({
            "cost": 0.42, "remaining_credits": "99.5", "inference_time": "fast",
            "queue_time": null, "total_time": 120, "gpu": "A100"
        }));
        assert_eq!(metrics.cost, Some(0.42));
        assert_eq!(metrics.remaining_credits, Some(99.5));
        assert_eq!(metrics.inference_time, None);
        assert_eq!(metrics.queue_time, None);
        assert_eq!(metrics.total_time, Some(120.0));
        assert_eq!(metrics.other.get("gpu"), Some(&json!("A100")));
        assert_eq!(metrics.other.len(), 1);
        assert_eq!(JobMetrics::from_json(&json!("nope")), JobMetrics::default());
    }

    #[test]
    fn result_keeps_extra_keys_and_fills_meta_from_metrics() {
        let reply = json!({
            "output": "https://cdn.test/v.mp4", "metrics": {"cost": 1.5, "inference_time": 80},
            "seed": 7, "status": "COMPLETED"
        });
        let headers = ResponseMeta {
            remaining_credits: Some(10.0),
            ..Default::default()
        };
        let result = JobResult::from_json(Client::new("k"), "r-1", reply, headers).unwrap();
        assert_eq!(result.output_url(), Some("https://cdn.test/v.mp4"));
        assert_eq!(result.request_id, "r-1");
        assert_eq!(result.extra.get("seed"), Some(&json!(7)));
        assert_eq!(result.extra.get("status"), Some(&json!("COMPLETED")));
        assert!(!result.extra.contains_key("output") && !result.extra.contains_key("metrics"));
        assert_eq!(result.meta.cost, Some(1.5));
        assert_eq!(result.meta.remaining_credits, Some(10.0));
        assert_eq!(result.meta.generation_time, Some(80.0));
        assert_eq!(result.meta.request_id.as_deref(), Some("r-1"));
    }

    #[test]
    fn output_in_other_shapes_or_missing() {
        let client = Client::new("k");
        let list = JobResult::from_json(
            client.clone(),
            "r",
            json!({"output": ["https://a/1.mp4"]}),
            ResponseMeta::default(),
        );
        assert_eq!(list.unwrap().output_url(), Some("https://a/1.mp4"));
        let object = JobResult::from_json(
            client.clone(),
            "r",
            json!({"output": {"url": "https://a/2.mp4"}}),
            ResponseMeta::default(),
        );
        assert_eq!(object.unwrap().output_url(), Some("https://a/2.mp4"));
        let missing = JobResult::from_json(
            client.clone(),
            "r",
            json!({"seed": 1}),
            ResponseMeta::default(),
        )
        .unwrap_err();
        assert!(
            missing.to_string().contains("no output (keys: seed)"),
            "{missing}"
        );
        assert!(
            JobResult::from_json(client.clone(), "r", json!("x"), ResponseMeta::default()).is_err()
        );
        let answer = json!({"text": "a cat", "boxes": [[1, 2, 3, 4]]});
        let json = JobResult::from_json(
            client.clone(),
            "r",
            json!({"output": answer.clone()}),
            ResponseMeta::default(),
        )
        .unwrap();
        assert_eq!(json.output_url(), None);
        assert_eq!(json.json(), &answer);
        let text = JobResult::from_json(
            client,
            "r",
            json!({"output": "a cat on a mat"}),
            ResponseMeta::default(),
        )
        .unwrap();
        assert_eq!(text.output_url(), None);
    }

    #[test]
    fn debug_leaves_the_client_out() {
        let result = JobResult::from_json(
            Client::new("sk-SECRET-123"),
            "r",
            json!({"output": "https://a"}),
            ResponseMeta::default(),
        )
        .unwrap();
        let shown = format!("{result:?}");
        assert!(
            !shown.contains("sk-SECRET-123") && !shown.contains("Client"),
            "{shown}"
        );
    }
}
