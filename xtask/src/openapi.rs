//! The OpenAPI 3.1 description of Segmind's API for the models in `schema/`:
//! `generated/openapi.json`, for what is not Rust (client generators of
//! other languages, Postman, Swagger UI).
//!
//! Each model's `input` goes in as a component schema nearly as written:
//! JSON Schema 2020-12 is OpenAPI 3.1's own dialect, so only `$schema` and
//! the Rust-only extension keys come out (see [`export_schema`]). Around the
//! inputs: `POST /v1{path}` and `POST /v2{path}` for every model (its
//! request path, `/{slug}` unless the model file states another), the v2
//! job's status and result paths, the `x-api-key` scheme, the statuses the
//! runtime tells apart (`segmind_runtime::Error`) and the headers it reads
//! (`segmind_runtime::ResponseMeta`). Pure: the same models give the same
//! bytes (serde_json keeps insertion order).

use serde_json::{json, Map, Value};

use crate::emit::{GeneratedFile, COMMAND};
use crate::error::Error;
use crate::ir::Model;

/// Where the document goes, relative to `generated/`.
pub const PATH: &str = "openapi.json";

/// The OpenAPI version the document follows.
pub const OPENAPI_VERSION: &str = "3.1.0";

/// Segmind's API root (the runtime's `DEFAULT_BASE_URL`).
const SERVER: &str = "https://api.segmind.com";

/// The name of the API-key security scheme.
pub const SECURITY_SCHEME: &str = "apiKey";

/// The tag of the v2 job paths (a space, so no slug can take it).
const JOBS_TAG: &str = "v2 jobs";

/// The reply headers the runtime reads (`segmind_runtime::ResponseMeta`),
/// each with its schema and meaning, in the order they are listed.
const META_HEADERS: &[(&str, &str, &str)] = &[
    (
        "x-remaining-credits",
        "number",
        "Credits left on the account after the call (a decimal number; read leniently, a leading `$` is allowed).",
    ),
    (
        "x-cost",
        "number",
        "Price of the call (a decimal number; read leniently, a leading `$` is allowed).",
    ),
    ("x-request-id", "string", "Segmind's id of the request."),
    (
        "x-generation-time",
        "number",
        "Seconds the model took (a trailing `s` is allowed).",
    ),
];

/// When the rate limit resets (on a 429).
const RATE_LIMIT_RESET: &str = "x-rate-limit-reset-at-utc";
/// How long to wait (on a 429), when Segmind says.
const RETRY_AFTER: &str = "Retry-After";

/// Error responses: status key, component name, meaning. Every one has the
/// JSON error body.
const ERRORS: &[(&str, &str, &str)] = &[
    (
        "400",
        "BadRequest",
        "Segmind rejected the request (a field out of range, a bad URL...). Not billed.",
    ),
    ("401", "Unauthorized", "The API key is missing or invalid."),
    (
        "402",
        "InsufficientCredits",
        "Not enough credits on the account.",
    ),
    ("403", "Forbidden", "The key may not use this model."),
    (
        "404",
        "NotFound",
        "No such model; or, for a v2 job, no such request: job records expire an hour after submission.",
    ),
    (
        "406",
        "NotAcceptable",
        "Not enough credits, or a spend limit was reached; or the `Content-Type` is missing or not `application/json` (the message says which).",
    ),
    ("410", "Gone", "The model was retired."),
    (
        "422",
        "JobFailed",
        "The v2 job failed; the body says why (`{\"status\": \"FAILED\", \"error\": ...}`).",
    ),
    (
        "429",
        "RateLimited",
        "Too many requests (Free plan: 5 a minute, Pro: 50). Not billed: safe to send again after the reset, which `x-rate-limit-reset-at-utc` or `Retry-After` may give.",
    ),
    (
        "5XX",
        "ServerError",
        "Segmind failed: a 500 is often a bad parameter the server did not check first; 502, 503 and 504 pass. A model call answered so may have been billed: check before sending it again (a v2 job is resumed by its request id).",
    ),
];

/// The error statuses of a model call (v1 or v2 submit).
const MODEL_CALL_ERRORS: &[&str] = &[
    "400", "401", "402", "403", "404", "406", "410", "429", "5XX",
];
/// The error statuses of a v2 job's status and result.
const JOB_ERRORS: &[&str] = &["401", "404", "422", "429", "5XX"];

/// `generated/openapi.json`: the document, pretty-printed, with a final
/// line break.
pub fn openapi_file(models: &[Model]) -> Result<GeneratedFile, Error> {
    let text = serde_json::to_string_pretty(&document(models)).map_err(|e| Error::Emit {
        file: PATH.to_owned(),
        message: e.to_string(),
    })?;
    Ok(GeneratedFile {
        path: PATH.to_owned(),
        contents: format!("{text}\n"),
    })
}

/// The name of a model's input in `components/schemas` (its slug, which no
/// shared schema's capitalised name can be, with `-input`).
pub fn input_schema_name(model: &Model) -> String {
    format!("{}-input", model.slug)
}

/// The OpenAPI document for `models`.
pub fn document(models: &[Model]) -> Value {
    let mut paths = Map::new();
    let mut schemas = Map::new();
    let mut bodies = Map::new();
    let mut tags = Vec::new();
    for model in models {
        schemas.insert(input_schema_name(model), input_schema(model));
        bodies.insert(model.slug.clone(), request_body(model));
        tags.push(json!({
            "name": model.slug,
            "description": format!("{}: {}", model.title, model.summary),
            "externalDocs": {
                "description": "The model's page on Segmind",
                "url": format!("https://www.segmind.com/models/{}", model.slug),
            },
        }));
        let path = model.request_path();
        paths.insert(format!("/v1{path}"), json!({ "post": v1_operation(model) }));
        paths.insert(format!("/v2{path}"), json!({ "post": v2_operation(model) }));
    }
    tags.push(json!({
        "name": JOBS_TAG,
        "description": "A submitted v2 job: poll its status until it is `COMPLETED` or `FAILED`, then fetch its result. Always safe to repeat; records expire an hour after submission.",
    }));
    paths.insert(
        "/v2/requests/{request_id}/status".to_owned(),
        json!({
            "parameters": [{ "$ref": "#/components/parameters/RequestId" }],
            "get": {
                "operationId": "getJobStatus",
                "tags": [JOBS_TAG],
                "summary": "A v2 job's state",
                "description": "Poll every few seconds (Segmind's pages use 2 s, with a 900 s deadline) until the state is `COMPLETED`; a failed job is answered with 422.",
                "responses": responses(
                    json!({
                        "description": "The job's state and, once known, its metrics.",
                        "content": json_content("#/components/schemas/JobStatus"),
                    }),
                    JOB_ERRORS,
                ),
            },
        }),
    );
    paths.insert(
        "/v2/requests/{request_id}".to_owned(),
        json!({
            "parameters": [{ "$ref": "#/components/parameters/RequestId" }],
            "get": {
                "operationId": "getJobResult",
                "tags": [JOBS_TAG],
                "summary": "A completed v2 job's result",
                "description": "The output (the file's URL for media models, the answer for JSON models; files are kept 7 days), the metrics, and model-specific keys.",
                "responses": responses(
                    json!({
                        "description": "The job's result.",
                        "content": json_content("#/components/schemas/JobResult"),
                    }),
                    JOB_ERRORS,
                ),
            },
        }),
    );
    for (name, schema) in shared_schemas() {
        schemas.insert(name.to_owned(), schema);
    }
    json!({
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Segmind API",
            "summary": "Segmind's media-generation models, as segmind-rs describes them.",
            "description": format!(
                "Generated by `{COMMAND}` from `schema/*.json` (one file per model); do not edit.\n\nEvery model has a blocking call, `POST /v1/{{slug}}`, answered with the output itself, and a queued one, `POST /v2/{{slug}}`, answered with a request id (a model Segmind serves under a longer path has it in both: see `paths`): poll `GET /v2/requests/{{request_id}}/status` until the job is `COMPLETED`, then `GET /v2/requests/{{request_id}}` for its result.\n\nEvery model call is billed and is not idempotent: never send one again once it may have reached Segmind (a timeout, a lost connection, a 5xx); resume its v2 job by request id instead. A 429 is not billed."
            ),
            "version": "0.1.0",
        },
        "servers": [{ "url": SERVER, "description": "Segmind" }],
        "security": [{ SECURITY_SCHEME: [] }],
        "tags": tags,
        "paths": paths,
        "components": {
            "schemas": schemas,
            "requestBodies": bodies,
            "responses": error_responses(),
            "parameters": {
                "RequestId": {
                    "name": "request_id",
                    "in": "path",
                    "required": true,
                    "description": "The `request_id` the v2 submit answered.",
                    "schema": { "type": "string" },
                },
            },
            "headers": headers(),
            "securitySchemes": {
                SECURITY_SCHEME: {
                    "type": "apiKey",
                    "in": "header",
                    "name": "x-api-key",
                    "description": "The account's API key. Send it to Segmind's API only, never to the output URLs.",
                },
            },
        },
    })
}

/// The model's input schema as a component: its title, then `input` as
/// [`export_schema`] gives it.
fn input_schema(model: &Model) -> Value {
    let mut schema = Map::new();
    schema.insert(
        "title".to_owned(),
        Value::String(format!("{} input", model.title)),
    );
    if let Value::Object(exported) = export_schema(&model.input_schema) {
        schema.extend(exported);
    }
    Value::Object(schema)
}

/// A schema of the model files in OpenAPI 3.1 terms. `$schema` goes (the
/// document's dialect is 2020-12 already) and so do the Rust-only
/// `x-rust-name` and `x-rust-type`; `x-enum-names` becomes
/// `x-enum-varnames` beside `enum` (the key client generators read) and
/// `x-known-value-names` beside `x-known-values`; `x-media` and
/// `x-known-values` stay. A whole number written with a fraction part
/// (`2.0`, `1e1`) where an integer goes (a length or item count; an integer
/// field's bounds, values, default and examples) is written as the integer
/// it means, for the tools that read those keys into integer types.
/// Subschemas (`properties`, `items`) are done the same way; property names
/// are left alone.
pub fn export_schema(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let is_integer = |schema: &Map<String, Value>| match schema.get("type") {
        Some(Value::String(t)) => t == "integer",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "integer"),
        _ => false,
    };
    let integer = is_integer(map);
    let integer_items = map
        .get("items")
        .and_then(Value::as_object)
        .is_some_and(is_integer);
    let mut out = Map::new();
    for (key, value) in map {
        match key.as_str() {
            "minLength" | "maxLength" | "minItems" | "maxItems" => {
                out.insert(key.clone(), integer_form(value));
            }
            "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf"
            | "default"
                if integer =>
            {
                out.insert(key.clone(), integer_form(value));
            }
            "enum" | "examples" if integer => {
                out.insert(key.clone(), each(value, integer_form));
            }
            "examples" if integer_items => {
                out.insert(
                    key.clone(),
                    each(value, |example| each(example, integer_form)),
                );
            }
            "$schema" | "x-rust-name" | "x-rust-type" => {}
            "x-enum-names" => {
                let renamed = if map.contains_key("enum") {
                    "x-enum-varnames"
                } else {
                    "x-known-value-names"
                };
                out.insert(renamed.to_owned(), value.clone());
            }
            "properties" => {
                let properties = match value {
                    Value::Object(props) => Value::Object(
                        props
                            .iter()
                            .map(|(name, sub)| (name.clone(), export_schema(sub)))
                            .collect(),
                    ),
                    other => other.clone(),
                };
                out.insert(key.clone(), properties);
            }
            "items" => {
                out.insert(key.clone(), export_schema(value));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    Value::Object(out)
}

/// A whole number within `i64` as an integer (`2.0` as `2`); any other
/// value as it is.
fn integer_form(value: &Value) -> Value {
    match value.as_number().and_then(crate::load::whole_i64) {
        Some(i) => Value::from(i),
        None => value.clone(),
    }
}

/// `f` applied to each item of an array; any other value as it is.
fn each(value: &Value, f: impl Fn(&Value) -> Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.iter().map(f).collect()),
        other => other.clone(),
    }
}

/// The request body of both of a model's calls, with a sample request when
/// the file gives a value for every required field.
fn request_body(model: &Model) -> Value {
    let mut media = Map::new();
    media.insert(
        "schema".to_owned(),
        json!({ "$ref": format!("#/components/schemas/{}", input_schema_name(model)) }),
    );
    if let Some(example) = example_request(model) {
        media.insert("example".to_owned(), example);
    }
    json!({
        "description": format!("The {} request: send only the fields you set, and Segmind applies its defaults to the rest.", model.title),
        "required": true,
        "content": { "application/json": media },
    })
}

/// A request made of each field's first example, or else (for a required
/// field) its default: what the model's page sends. `None` when a required
/// field has neither.
pub fn example_request(model: &Model) -> Option<Value> {
    let mut body = Map::new();
    for field in &model.fields {
        let value = match (field.examples.first(), &field.default) {
            (Some(example), _) => example.clone(),
            (None, Some(default)) if field.required => default.clone(),
            (None, _) if field.required => return None,
            (None, _) => continue,
        };
        body.insert(field.wire.clone(), value);
    }
    Some(Value::Object(body))
}

/// What a model makes, for summaries.
fn noun(model: &Model) -> &'static str {
    match model.output.as_str() {
        "video" => "video",
        "image" => "image",
        "audio" => "audio",
        "chat" => "chat reply",
        _ => "JSON answer",
    }
}

/// The extension keys every model operation carries: output kind, and the
/// typical latency and price when the file gives them.
fn model_extensions(model: &Model, operation: &mut Map<String, Value>) {
    operation.insert("x-segmind-output".to_owned(), json!(model.output));
    if let Some(format) = &model.chat_format {
        operation.insert("x-segmind-chat-format".to_owned(), json!(format));
    }
    if let Some(latency) = model.latency {
        operation.insert(
            "x-segmind-typical-latency-seconds".to_owned(),
            json!(latency),
        );
    }
    if let Some(price) = model.price {
        operation.insert("x-segmind-typical-price-usd".to_owned(), json!(price));
    }
}

/// `~303.27 s and ~$0.421 a call`, or what of it the file gives.
fn typical(model: &Model) -> String {
    let parts: Vec<String> = [
        model.latency.map(|s| format!("typically takes ~{s} s")),
        model.price.map(|p| format!("costs ~${p} a call")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" It {}.", parts.join(" and "))
    }
}

fn v1_operation(model: &Model) -> Value {
    let description = format!(
        "{}\n\nBlocks until the {} is made and answers it.{} Billed, and not idempotent: never sent again automatically once it may have reached Segmind. Segmind recommends the v2 job for anything over ~10 s.",
        model.summary,
        noun(model),
        typical(model)
    );
    let mut operation = json!({
        "operationId": model.rust_name,
        "tags": [model.slug],
        "summary": format!("{}: make the {} and wait for it (v1)", model.title, noun(model)),
        "description": description,
        "requestBody": { "$ref": format!("#/components/requestBodies/{}", model.slug) },
        "responses": responses(v1_success(model), MODEL_CALL_ERRORS),
    });
    if let Some(map) = operation.as_object_mut() {
        model_extensions(model, map);
    }
    operation
}

fn v2_operation(model: &Model) -> Value {
    let description = format!(
        "{}\n\nQueues a job and answers its request id at once: keep it, then poll its status URL and fetch its result URL.{} Billed, and not idempotent: never sent again automatically once it may have reached Segmind.",
        model.summary,
        typical(model)
    );
    let mut operation = json!({
        "operationId": format!("{}_submit", model.rust_name),
        "tags": [model.slug],
        "summary": format!("{}: queue a job (v2)", model.title),
        "description": description,
        "requestBody": { "$ref": format!("#/components/requestBodies/{}", model.slug) },
        "responses": responses(
            json!({
                "description": "The job is queued.",
                "headers": meta_header_refs(),
                "content": json_content("#/components/schemas/JobSubmitted"),
            }),
            MODEL_CALL_ERRORS,
        ),
    });
    if let Some(map) = operation.as_object_mut() {
        model_extensions(model, map);
    }
    operation
}

/// The v1 200: the media itself (any type of the kind, or generic binary,
/// plus JSON wrapping base64 when the model has a `base64` switch), or the
/// JSON answer.
fn v1_success(model: &Model) -> Value {
    let mut content = Map::new();
    let description = if model.output == "json" {
        content.insert(
            "application/json".to_owned(),
            json!({ "schema": { "description": "The model's answer, as Segmind gives it." } }),
        );
        "The model's answer.".to_owned()
    } else if let Some(format) = &model.chat_format {
        content.insert(
            "application/json".to_owned(),
            json!({ "schema": chat_reply_schema(format) }),
        );
        format!(
            "The chat reply, in the {} format.",
            chat_format_name(format)
        )
    } else {
        for media_type in media_types(&model.output) {
            content.insert(media_type.to_owned(), json!({}));
        }
        let base64 = model.fields.iter().any(|f| f.wire == "base64");
        if base64 {
            content.insert(
                "application/json".to_owned(),
                json!({ "schema": { "$ref": "#/components/schemas/Base64Output" } }),
            );
        }
        format!(
            "The {}, as raw bytes{}.",
            noun(model),
            if base64 {
                "; with `base64: true`, JSON wrapping it in base64"
            } else {
                ""
            }
        )
    };
    json!({
        "description": description,
        "headers": meta_header_refs(),
        "content": content,
    })
}

/// How Segmind's pages name a chat format (`openai` is "OpenAI GPT").
fn chat_format_name(format: &str) -> &'static str {
    match format {
        "openai" => "OpenAI GPT (Standard Format)",
        "anthropic" => "Anthropic Claude",
        _ => "Google Gemini",
    }
}

/// The schema of a chat reply of `format`: where its text, finish reason
/// and token usage are. Open (other keys are allowed), as the provider's
/// reply is passed through.
fn chat_reply_schema(format: &str) -> Value {
    let count = |what: &str| json!({ "type": "integer", "minimum": 0, "description": what });
    let text = json!({ "type": "string", "description": "A part of the reply's text." });
    match format {
        "openai" => json!({
            "type": "object",
            "description": "An OpenAI chat completion: the text in `choices[0].message.content`.",
            "properties": {
                "choices": { "type": "array", "items": {
                    "type": "object",
                    "properties": {
                        "message": { "type": "object", "properties": {
                            "role": { "type": "string" },
                            "content": { "description": "The reply's text: a string, or parts with a `text`." },
                        } },
                        "finish_reason": { "type": "string", "description": "Why the model stopped." },
                    },
                } },
                "usage": { "type": "object", "properties": {
                    "prompt_tokens": count("Tokens of the prompt."),
                    "completion_tokens": count("Tokens of the reply."),
                    "total_tokens": count("Tokens in all."),
                } },
            },
        }),
        "anthropic" => json!({
            "type": "object",
            "description": "An Anthropic message: the text in the `text` parts of `content`.",
            "properties": {
                "content": { "type": "array", "items": {
                    "type": "object",
                    "properties": { "type": { "type": "string" }, "text": text },
                } },
                "stop_reason": { "type": "string", "description": "Why the model stopped (`end_turn`...)." },
                "usage": { "type": "object", "properties": {
                    "input_tokens": count("Tokens of the prompt."),
                    "output_tokens": count("Tokens of the reply."),
                } },
            },
        }),
        _ => json!({
            "type": "object",
            "description": "A Gemini reply: the text in the `text` parts of `candidates[0].content.parts`.",
            "properties": {
                "candidates": { "type": "array", "items": {
                    "type": "object",
                    "properties": {
                        "content": { "type": "object", "properties": {
                            "parts": { "type": "array", "items": {
                                "type": "object", "properties": { "text": text },
                            } },
                        } },
                        "finishReason": { "type": "string", "description": "Why the model stopped (`STOP`...)." },
                    },
                } },
                "usageMetadata": { "type": "object", "properties": {
                    "promptTokenCount": count("Tokens of the prompt."),
                    "candidatesTokenCount": count("Tokens of the reply."),
                    "totalTokenCount": count("Tokens in all."),
                } },
            },
        }),
    }
}

/// The media types a reply of output kind `kind` may have (what the runtime
/// accepts: the kind's own types, and generic binary).
pub fn media_types(kind: &str) -> Vec<String> {
    let mut types = vec![format!("{kind}/*")];
    if kind == "video" {
        types.push("application/mp4".to_owned());
    }
    types.push("application/octet-stream".to_owned());
    types
}

/// `{"200": success, <status>: {"$ref": ...}...}`.
fn responses(success: Value, errors: &[&str]) -> Value {
    let mut out = Map::new();
    out.insert("200".to_owned(), success);
    for status in errors {
        if let Some((_, name, _)) = ERRORS.iter().find(|(s, _, _)| s == status) {
            out.insert(
                (*status).to_owned(),
                json!({ "$ref": format!("#/components/responses/{name}") }),
            );
        }
    }
    Value::Object(out)
}

fn json_content(schema_ref: &str) -> Value {
    json!({ "application/json": { "schema": { "$ref": schema_ref } } })
}

fn meta_header_refs() -> Value {
    let map: Map<String, Value> = META_HEADERS
        .iter()
        .map(|(name, _, _)| {
            (
                (*name).to_owned(),
                json!({ "$ref": format!("#/components/headers/{name}") }),
            )
        })
        .collect();
    Value::Object(map)
}

/// `components/headers`: the metadata headers and the rate-limit ones.
fn headers() -> Value {
    let mut map: Map<String, Value> = META_HEADERS
        .iter()
        .map(|(name, ty, description)| {
            (
                (*name).to_owned(),
                json!({ "description": description, "schema": { "type": ty } }),
            )
        })
        .collect();
    map.insert(
        RATE_LIMIT_RESET.to_owned(),
        json!({
            "description": "When the rate limit resets: an RFC 3339 timestamp, an HTTP date or Unix seconds.",
            "schema": { "type": "string" },
        }),
    );
    map.insert(
        RETRY_AFTER.to_owned(),
        json!({
            "description": "Seconds to wait, or an HTTP date.",
            "schema": { "type": "string" },
        }),
    );
    Value::Object(map)
}

/// `components/responses`: one per error status.
fn error_responses() -> Value {
    let map: Map<String, Value> = ERRORS
        .iter()
        .map(|(status, name, description)| {
            let schema = if *status == "422" {
                "#/components/schemas/JobFailed"
            } else {
                "#/components/schemas/Error"
            };
            let mut response = json!({
                "description": description,
                "content": json_content(schema),
            });
            if *status == "429" {
                response["headers"] = json!({
                    RATE_LIMIT_RESET: { "$ref": format!("#/components/headers/{RATE_LIMIT_RESET}") },
                    RETRY_AFTER: { "$ref": format!("#/components/headers/{RETRY_AFTER}") },
                });
            }
            ((*name).to_owned(), response)
        })
        .collect();
    Value::Object(map)
}

/// The schemas every model shares: the error body and the v2 job's replies.
fn shared_schemas() -> [(&'static str, Value); 7] {
    let url = |what: &str| json!({ "type": "string", "format": "uri", "description": what });
    [
        (
            "Error",
            json!({
                "type": "object",
                "description": "Segmind's error body. Not always JSON (a 405 is an HTML page): keep the raw body, and read `error` when it parses.",
                "properties": {
                    "error": { "type": "string", "description": "What went wrong." },
                },
            }),
        ),
        (
            "JobSubmitted",
            json!({
                "type": "object",
                "description": "A queued v2 job. Keep `request_id`: it is all it takes to resume after a crash.",
                "required": ["request_id"],
                "properties": {
                    "request_id": { "type": "string", "description": "The job's id." },
                    "status": { "type": "string", "description": "`QUEUED`.", "examples": ["QUEUED"] },
                    "poll_url": url("Where to poll the job's state (the same as `status_url`)."),
                    "status_url": url("`/v2/requests/{request_id}/status`."),
                    "response_url": url("`/v2/requests/{request_id}`: the result."),
                },
            }),
        ),
        (
            "JobStatus",
            json!({
                "type": "object",
                "description": "A v2 job's state.",
                "properties": {
                    "status": {
                        "type": "string",
                        "description": "`QUEUED`, `PROCESSING`, `COMPLETED` or `FAILED`.",
                        "examples": ["QUEUED", "PROCESSING", "COMPLETED", "FAILED"],
                    },
                    "request_id": { "type": "string" },
                    "metrics": { "$ref": "#/components/schemas/JobMetrics" },
                },
            }),
        ),
        (
            "JobFailed",
            json!({
                "type": "object",
                "description": "A failed v2 job (answered with 422).",
                "properties": {
                    "status": { "type": "string", "examples": ["FAILED"] },
                    "error": { "type": "string", "description": "Why it failed." },
                    "request_id": { "type": "string" },
                },
            }),
        ),
        (
            "JobResult",
            json!({
                "type": "object",
                "description": "A completed v2 job's result. Models add keys of their own.",
                "required": ["output"],
                "properties": {
                    "output": { "description": "The output file's URL (media models), or the answer (JSON models, and chat models' reply in their format)." },
                    "metrics": { "$ref": "#/components/schemas/JobMetrics" },
                    "request_id": { "type": "string" },
                },
            }),
        ),
        (
            "JobMetrics",
            json!({
                "type": "object",
                "description": "What the job cost and took.",
                "properties": {
                    "cost": { "type": "number", "description": "Price of the job." },
                    "remaining_credits": { "type": "number", "description": "Credits left on the account." },
                    "inference_time": { "type": "number", "description": "Seconds the model ran." },
                    "queue_time": { "type": "number", "description": "Seconds the job waited." },
                    "total_time": { "type": "number", "description": "Seconds from submission to completion." },
                },
            }),
        ),
        (
            "Base64Output",
            json!({
                "type": "object",
                "description": "The output as base64, when the request set `base64: true`: `{\"image\": \"<base64>\"}` for image models; other models use another key.",
                "additionalProperties": { "type": "string", "contentEncoding": "base64" },
            }),
        ),
    ]
}
