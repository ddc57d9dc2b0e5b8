//! `src/models.rs` of the generated crate: every model's static description
//! and a way to build a model's input from JSON by slug, for tools (the CLI)
//! that pick the model at run time.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::crate_files::cfg;
use crate::ir::Model;

/// The registry module.
pub fn emit_registry(models: &[Model]) -> TokenStream {
    let infos = models.iter().map(|m| {
        let module = format_ident!("{}", m.rust_name);
        let cfg = cfg(m);
        quote!(#cfg &crate::#module::MODEL)
    });
    let arms = models.iter().map(|m| {
        let module = format_ident!("{}", m.rust_name);
        let slug = &m.slug;
        let cfg = cfg(m);
        quote! {
            #cfg
            (#slug, json) => parse::<crate::#module::Input>(json),
        }
    });
    quote! {
        //! Every model of the crate, for tools that choose a model at run time.

        use ::segmind_runtime as rt;
        #[allow(unused_imports, reason = "unused when no model's feature is on")]
        use rt::__private::parse_input as parse;

        /// Every model compiled in (each is a Cargo feature), in the order of
        /// their schema files.
        pub static ALL: &[&rt::ModelInfo] = &[#(#infos),*];

        /// The model with this slug.
        pub fn find(slug: &str) -> Option<&'static rt::ModelInfo> {
            ALL.iter().copied().find(|model| model.slug == slug)
        }

        /// Reads the input of the model `slug` from a JSON object of wire names.
        /// A media string is a URL, never a local path, so this is safe on JSON
        /// from anyone; [`input_from_trusted_json`] is the opt-in for local paths.
        ///
        /// # Errors
        ///
        /// When no model compiled in has this slug, or the JSON does not fit its input type
        /// (an unknown field, a value of the wrong type or outside a closed set).
        pub fn input_from_json(
            slug: &str,
            json: ::serde_json::Value,
        ) -> Result<Box<dyn rt::ModelInput>, rt::ParseInputError> {
            // A tuple, so that `json` is used with every model feature off.
            match (slug, json) {
                #(#arms)*
                (other, _) => Err(rt::ParseInputError::UnknownModel(other.to_owned())),
            }
        }

        /// [`input_from_json`] for JSON the caller trusts as much as their own
        /// code (a file the person at the terminal wrote): a media string
        /// without a URL scheme is a local file, read and uploaded by the call.
        /// Never use it on JSON from a user of a service: `"/etc/passwd"` would
        /// be uploaded. See [`rt::with_local_paths`].
        ///
        /// # Errors
        ///
        /// As [`input_from_json`].
        pub fn input_from_trusted_json(
            slug: &str,
            json: ::serde_json::Value,
        ) -> Result<Box<dyn rt::ModelInput>, rt::ParseInputError> {
            rt::with_local_paths(|| input_from_json(slug, json))
        }

        /// The input of any slug from JSON: a model compiled in is read as its
        /// typed input, exactly as [`input_from_json`] reads it (so refused
        /// exactly as the typed path refuses); any other slug is a
        /// [`rt::JsonInput`], sent as it is once its slug is checked. Media
        /// strings are URLs either way.
        ///
        /// # Errors
        ///
        /// As [`input_from_json`] for a model compiled in; an invalid slug or a
        /// body that is no object otherwise.
        pub fn any_input(
            slug: &str,
            json: ::serde_json::Value,
        ) -> Result<Box<dyn rt::ModelInput>, rt::ParseInputError> {
            if find(slug).is_some() {
                input_from_json(slug, json)
            } else {
                rt::JsonInput::new(slug, json).map(|input| Box::new(input) as Box<dyn rt::ModelInput>)
            }
        }

        /// The lines of a batch of any slug (JSON objects, one a line), read as
        /// [`any_input`] reads one: typed and validated for a model compiled in,
        /// sent as they are otherwise. Media strings are URLs.
        ///
        /// # Errors
        ///
        /// An invalid slug; a line's problems are in the second list.
        #[allow(clippy::type_complexity, reason = "the two lists of BatchLine::parse_all")]
        pub fn batch_lines(
            slug: &str,
            text: &str,
        ) -> Result<(Vec<rt::BatchLine>, Vec<rt::LineProblems>), rt::ParseInputError> {
            match find(slug) {
                Some(model) => Ok(rt::BatchLine::parse_all(text, model, |json| {
                    input_from_json(slug, json)
                })),
                None => rt::BatchLine::parse_all_json(text, slug),
            }
        }
    }
}
