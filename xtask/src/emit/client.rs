//! `src/client.rs` of the generated crate: the `Client` with one blocking (v1)
//! and one job (v2) method per model, each a thin call into the runtime.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs;
use crate::ir::Model;

/// The client module.
pub fn emit_client(models: &[Model]) -> TokenStream {
    let methods = models.iter().map(emit_methods);
    quote! {
        //! The Segmind client: one method per model, generated from `schema/`.

        use ::segmind_runtime as rt;

        /// A Segmind client with one method per model.
        ///
        /// It wraps the runtime's [`segmind_runtime::Client`] (reachable through
        /// `Deref`), which holds the API key, the base URL, the timeouts and one
        /// connection pool; clones share the pool.
        #[derive(Clone, Debug)]
        pub struct Client {
            inner: rt::Client,
        }

        impl Client {
            /// A client with this API key and the default settings.
            pub fn new(api_key: impl Into<String>) -> Self {
                Self { inner: rt::Client::new(api_key) }
            }

            /// A client configured from `SEGMIND_API_KEY` (and `SEGMIND_BASE_URL`
            /// when set).
            ///
            /// # Errors
            ///
            /// When `SEGMIND_API_KEY` is missing or a setting is invalid.
            pub fn from_env() -> Result<Self, rt::Error> {
                rt::Client::from_env().map(Self::from)
            }

            /// A builder for every setting; turn what it builds into this type
            /// with `Client::from`.
            pub fn builder() -> rt::ClientBuilder {
                rt::Client::builder()
            }

            /// The runtime client behind the model methods.
            pub fn runtime(&self) -> &rt::Client {
                &self.inner
            }

            #(#methods)*
        }

        impl From<rt::Client> for Client {
            fn from(inner: rt::Client) -> Self {
                Self { inner }
            }
        }

        impl ::std::ops::Deref for Client {
            type Target = rt::Client;

            fn deref(&self) -> &Self::Target {
                &self.inner
            }
        }
    }
}

fn emit_methods(model: &Model) -> TokenStream {
    let module = format_ident!("{}", model.rust_name);
    let v1 = format_ident!("{}", model.rust_name);
    let v2 = format_ident!("{}_submit", model.rust_name);
    let cost = docs::cost_line(model)
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    let kind = docs::output_kind(model);
    let output = format_ident!("{}", kind.type_name);
    let v1_doc = docs::outer(&format!(
        "{}\n\nCalls `POST /v1/{}` and waits for {}{cost}. The input is validated\nfirst and local media files are uploaded; the returned [`segmind_runtime::{}`]\n{}.\n\n# Errors\n\nA validation error before anything is sent, else the API's or the transport's\nerror. The POST is billed, so it is never retried once it may have reached\nthe server.",
        docs::headline(model),
        model.slug,
        kind.noun,
        kind.type_name,
        kind.returns,
    ));
    let v2_doc = docs::outer(&format!(
        "Submits a {} job through `POST /v2/{}` and returns at once.\n\nWait for it with [`segmind_runtime::Job::wait`]; keep its request id to resume\nlater with [`segmind_runtime::Client::job`].\n\n# Errors\n\nAs for [`Client::{}`].",
        docs::inline(&model.title),
        model.slug,
        model.rust_name,
    ));
    let v1_allow = super::allow_self_convention(&model.rust_name, false);
    let v2_allow = super::allow_self_convention(&format!("{}_submit", model.rust_name), false);
    let cfg = super::crate_files::cfg(model);
    quote! {
        #v1_doc
        #cfg
        #v1_allow
        pub async fn #v1(&self, input: &crate::#module::Input) -> Result<rt::#output, rt::Error> {
            self.inner.run(input).await
        }

        #v2_doc
        #cfg
        #v2_allow
        pub async fn #v2(&self, input: &crate::#module::Input) -> Result<rt::Job, rt::Error> {
            self.inner.submit(input).await
        }
    }
}
