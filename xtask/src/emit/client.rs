//! `src/client.rs` of the generated crate: the `Client`, its settings and
//! the calls that take any model's input. Each model's own two methods are
//! in its module (see `model::emit_methods`), so this file is the same
//! whatever the models.

use proc_macro2::TokenStream;
use quote::quote;

/// The client module.
pub fn emit_client() -> TokenStream {
    quote! {
        //! The Segmind client. Each model's methods are in the model's module.

        use ::segmind_runtime as rt;

        /// A Segmind client: the API key, the base URL, the timeouts and one
        /// connection pool (clones share it), with one method per model.
        ///
        /// Make one with [`Client::new`], [`Client::from_env`] or
        /// [`Client::builder`]. Each model has a blocking method (`client.hallo(&input)`,
        /// v1) and a job method (`client.hallo_submit(&input)`, v2); [`Client::run`]
        /// and [`Client::submit`] take any model's input.
        #[derive(Clone, Debug)]
        pub struct Client {
            /// The runtime's client; the model methods (in their modules) call
            /// through it.
            pub(crate) inner: rt::Client,
        }

        impl rt::__private::FromClient for Client {
            fn from_client(inner: rt::Client) -> Self {
                Self { inner }
            }
        }

        impl Client {
            /// A client for `https://api.segmind.com` with this API key and every
            /// default. A key that cannot be sent as a header fails at the first
            /// request; use [`Client::builder`] to have it checked up front.
            ///
            /// # Panics
            ///
            /// When the HTTP stack cannot be initialised at all (as
            /// `reqwest::Client::new` does).
            pub fn new(api_key: impl Into<String>) -> Self {
                Self { inner: rt::Client::new(api_key) }
            }

            /// A client configured from `SEGMIND_API_KEY` (required),
            /// `SEGMIND_BASE_URL` and `SEGMIND_UPLOAD_URL` (optional).
            ///
            /// # Errors
            ///
            /// When `SEGMIND_API_KEY` is missing or a setting is invalid.
            pub fn from_env() -> Result<Self, rt::Error> {
                rt::Client::from_env().map(|inner| Self { inner })
            }

            /// A builder for every setting; its `build()` gives a [`Client`].
            pub fn builder() -> super::ClientBuilder {
                super::ClientBuilder::new()
            }

            /// The API root, without a trailing slash.
            pub fn base_url(&self) -> &str {
                self.inner.base_url()
            }

            /// Where local media files are uploaded.
            pub fn upload_url(&self) -> &str {
                self.inner.upload_url()
            }

            /// The time limit of one request.
            pub fn request_timeout(&self) -> ::std::time::Duration {
                self.inner.request_timeout()
            }

            /// When failed requests are retried.
            pub fn retry_policy(&self) -> rt::RetryPolicy {
                self.inner.retry_policy()
            }

            /// How local media files are sent.
            pub fn media_upload(&self) -> rt::MediaUpload {
                self.inner.media_upload()
            }

            /// The most requests in flight at once, for this client and its clones.
            pub fn max_concurrent_requests(&self) -> usize {
                self.inner.max_concurrent_requests()
            }

            /// Runs any model synchronously (v1): validates the input, uploads its
            /// local media, POSTs it and returns the output as the type asked for
            /// ([`Video`](super::Video), [`Image`](super::Image), [`Audio`](super::Audio),
            /// [`JsonOutput`](super::JsonOutput) or [`ChatOutput`](super::ChatOutput));
            /// each model method does the same for its own model.
            ///
            /// # Errors
            ///
            /// A validation error before anything is sent, a [`rt::Error::Config`]
            /// when the output type does not fit the model, else the API's or the
            /// transport's error. The POST is billed, so it is never retried once it
            /// may have reached the server.
            pub async fn run<O: rt::ModelOutput, I: rt::ModelInput + ?Sized>(
                &self,
                input: &I,
            ) -> Result<O, rt::Error> {
                self.inner.run(input).await
            }

            /// Submits a job of any model (v2) and returns at once; wait for it
            /// with [`Job::wait`](super::Job::wait), and keep its request id to
            /// resume with [`Client::job`].
            ///
            /// # Errors
            ///
            /// As for [`Client::run`].
            pub async fn submit<I: rt::ModelInput + ?Sized>(&self, input: &I) -> Result<rt::Job, rt::Error> {
                self.inner.submit(input).await
            }

            /// The job with this request id, to poll or fetch again (for instance
            /// after a crash or a timeout). Segmind keeps job records for an hour.
            pub fn job(&self, request_id: impl Into<String>) -> rt::Job {
                self.inner.job(request_id)
            }

            /// A batch run of `model` over `lines` (read with
            /// [`BatchLine::parse_all`](super::BatchLine::parse_all)), each line
            /// a v2 job, outputs and the resumable manifest saved in `out_dir`.
            /// See [`Batch`](super::Batch).
            pub fn batch(
                &self,
                model: &'static rt::ModelInfo,
                lines: Vec<rt::BatchLine>,
                out_dir: impl Into<::std::path::PathBuf>,
            ) -> rt::Batch {
                rt::Batch::new(&self.inner, model, lines, out_dir)
            }

            /// Runs any slug synchronously (v1) with a JSON input. A model compiled
            /// in goes through its typed reading and validation (refused exactly as
            /// its typed method refuses); any other slug is sent as it is (see
            /// [`JsonInput`](super::JsonInput)), and the reply says what it is: ask
            /// for [`AnyOutput`](super::AnyOutput) to take whatever comes, or for a
            /// kind ([`Image`](super::Image), [`JsonOutput`](super::JsonOutput)...)
            /// to have any other kind refused, naming what came. Media strings are
            /// URLs, never local paths. Every guarantee of [`Client::run`] holds.
            ///
            /// # Errors
            ///
            /// [`rt::Error::Input`] for JSON that cannot be the input (nothing is
            /// sent), else as [`Client::run`].
            pub async fn run_json<O: rt::ModelOutput>(
                &self,
                slug: &str,
                json: ::serde_json::Value,
            ) -> Result<O, rt::Error> {
                let input = super::models::any_input(slug, json)?;
                self.inner.run(&*input).await
            }

            /// Submits a job of any slug (v2) with a JSON input, read as
            /// [`Client::run_json`] reads it; fetch its output with
            /// [`JobResult::download`](super::JobResult::download) as
            /// [`AnyOutput`](super::AnyOutput) or the kind you expect.
            ///
            /// # Errors
            ///
            /// As [`Client::run_json`] and [`Client::submit`].
            pub async fn submit_json(
                &self,
                slug: &str,
                json: ::serde_json::Value,
            ) -> Result<rt::Job, rt::Error> {
                let input = super::models::any_input(slug, json)?;
                self.inner.submit(&*input).await
            }

            /// A batch run of any slug over `lines` (read with
            /// [`models::batch_lines`](super::models::batch_lines)): a model compiled
            /// in runs as [`Client::batch`] runs it; any other slug's outputs are
            /// saved as what their replies say they are. Same manifest, resume and
            /// billing rules.
            ///
            /// # Errors
            ///
            /// [`rt::Error::Input`] for a slug that cannot name a model.
            pub fn batch_json(
                &self,
                slug: &str,
                lines: Vec<rt::BatchLine>,
                out_dir: impl Into<::std::path::PathBuf>,
            ) -> Result<rt::Batch, rt::Error> {
                match super::models::find(slug) {
                    Some(model) => Ok(rt::Batch::new(&self.inner, model, lines, out_dir)),
                    None => Ok(rt::Batch::for_slug(&self.inner, slug, lines, out_dir)?),
                }
            }

            /// The JSON body `input` is sent as, once its local media files are
            /// uploaded (or inlined); what the model methods POST.
            ///
            /// # Errors
            ///
            /// A validation error, or an upload's error.
            pub async fn prepare_body<I: rt::ModelInput + ?Sized>(
                &self,
                input: &I,
            ) -> Result<::serde_json::Value, rt::Error> {
                self.inner.prepare_body(input).await
            }

        }
    }
}
