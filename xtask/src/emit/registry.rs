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
    }
}
