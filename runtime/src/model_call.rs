//! The one billed POST of a model run, shared by the v1 call and the v2
//! submit: validate, resolve media, POST `{base}/{version}{path}` (the
//! model's request path, `/{slug}` unless its file states another), read
//! the metadata headers. Each run is one `segmind.call` tracing span.

use reqwest::Response;
use tracing::Instrument as _;

use crate::client::Client;
use crate::error::Error;
use crate::meta::ResponseMeta;
use crate::model::ModelInput;
use crate::retry::RequestKind;

/// Which endpoint a model run goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    /// `POST /v1{path}`: blocks until the output is made.
    V1,
    /// `POST /v2{path}`: queues a job and returns its request id.
    V2,
}

impl Endpoint {
    fn version(self) -> &'static str {
        match self {
            Endpoint::V1 => "v1",
            Endpoint::V2 => "v2",
        }
    }
}

impl Client {
    /// Validates `input`, resolves its media (uploading local files) and
    /// POSTs it to the model's `endpoint`. Returns the successful response,
    /// its body unread, with its metadata headers. The POST is billed: it is
    /// retried only when it certainly did not reach the server.
    ///
    /// The whole run is a `segmind.call` span (model, endpoint, request id
    /// once the headers give it); the outcome is an event in it.
    pub(crate) async fn post_model<I: ModelInput + ?Sized>(
        &self,
        endpoint: Endpoint,
        input: &I,
    ) -> Result<(Response, ResponseMeta), Error> {
        let slug = input.slug();
        let span = tracing::info_span!(
            "segmind.call",
            model = slug,
            endpoint = endpoint.version(),
            request_id = tracing::field::Empty,
        );
        let call = async {
            let body = self.prepare_body(input).await?;
            let url = self.call_url_parsed(input, endpoint == Endpoint::V2);
            let timeout = self.request_timeout();
            let response = self
                .send(RequestKind::ModelCall, timeout, || {
                    self.post_json(url.clone(), &body)
                })
                .await?;
            let meta = ResponseMeta::from_headers(response.headers());
            if let Some(id) = &meta.request_id {
                tracing::Span::current().record("request_id", id.as_str());
            }
            tracing::info!(
                status = response.status().as_u16(),
                cost = meta.cost,
                remaining_credits = meta.remaining_credits,
                "model call answered"
            );
            Ok((response, meta))
        };
        let outcome: Result<_, Error> = call.instrument(span.clone()).await;
        if let Err(error) = &outcome {
            span.in_scope(|| {
                tracing::warn!(
                    error = %error,
                    may_have_been_billed = error.may_have_been_billed(),
                    "model call failed"
                );
            });
        }
        outcome
    }
}
