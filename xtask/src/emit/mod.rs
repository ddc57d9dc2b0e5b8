//! Emitting: the typed models become token streams, which prettyplease turns
//! into the files of the `segmind` crate, each file on its own, on every
//! core. Every function here is pure (but for a memo's reading of earlier
//! output); the result is the same bytes for the same schemas.

mod client;
mod crate_files;
mod docs;
mod model;
mod registry;
pub mod shard;

use proc_macro2::TokenStream;

use crate::error::Error;
use crate::ir::Model;
use crate::memo::Memo;
use crate::parallel;

/// One generated file: its path relative to `generated/` and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the crate folder, with `/` separators.
    pub path: String,
    /// The full text.
    pub contents: String,
}

/// The command named in every header.
pub const COMMAND: &str = "cargo xtask codegen";

/// Every file of the generated crate and of its shard crates (in
/// `shards/NN/`, see [`shard`]), in path order.
pub fn emit_crate(models: &[Model]) -> Result<Vec<GeneratedFile>, Error> {
    emit_crate_with(models, None)
}

/// One Rust file of the `segmind` crate or of its shard crates to make.
enum CrateJob<'a> {
    Lib,
    Client,
    Registry,
    /// A model's types in its shard crate.
    Types(&'a Model),
    /// A shard crate's root.
    ShardLib(u8, &'a [&'a Model]),
}

/// One Rust file of a user's crate's model modules to make.
enum ModuleJob<'a> {
    Client,
    Registry,
    /// A model's whole module.
    Model(&'a Model),
}

/// [`emit_crate`], reusing the text of every file that `memo` knows and
/// that comes out as before (see [`crate::memo`]). The files are made on
/// every core ([`crate::parallel`]); the result does not depend on how many.
pub fn emit_crate_with(models: &[Model], memo: Option<&Memo>) -> Result<Vec<GeneratedFile>, Error> {
    let sources = "schema/*.json";
    let shards = shard::group(models);
    // The crate-wide files first: they are the longest jobs.
    let mut jobs = vec![CrateJob::Client, CrateJob::Registry, CrateJob::Lib];
    jobs.extend(models.iter().map(CrateJob::Types));
    jobs.extend(
        shards
            .iter()
            .map(|(shard, members)| CrateJob::ShardLib(*shard, members)),
    );
    let made = parallel::map(&jobs, |job| match job {
        CrateJob::Lib => rust_file("src/lib.rs", sources, memo, || crate_files::lib_rs(models)),
        CrateJob::Client => rust_file("src/client.rs", sources, memo, client::emit_client),
        CrateJob::Registry => rust_file("src/models.rs", sources, memo, || {
            registry::emit_registry(models, true)
        }),
        CrateJob::Types(model) => rust_file(
            &format!(
                "{}/src/{}.rs",
                shard::dir(shard::of(model)),
                model.rust_name
            ),
            &model.file,
            memo,
            || model::emit_types(model),
        ),
        CrateJob::ShardLib(shard, members) => rust_file(
            &format!("{}/src/lib.rs", shard::dir(*shard)),
            sources,
            memo,
            || crate_files::shard_lib_rs(*shard, members),
        ),
    });
    let mut files = vec![
        GeneratedFile {
            path: "Cargo.toml".to_owned(),
            contents: crate_files::cargo_toml(models),
        },
        GeneratedFile {
            path: "rustfmt.toml".to_owned(),
            contents: crate_files::RUSTFMT_TOML.to_owned(),
        },
        GeneratedFile {
            path: "README.md".to_owned(),
            contents: crate_files::readme(models),
        },
    ];
    for (shard, members) in &shards {
        let dir = shard::dir(*shard);
        files.push(GeneratedFile {
            path: format!("{dir}/Cargo.toml"),
            contents: crate_files::shard_cargo_toml(*shard, members),
        });
        files.push(GeneratedFile {
            path: format!("{dir}/README.md"),
            contents: crate_files::shard_readme(*shard, members),
        });
    }
    let licence_dirs = std::iter::once(String::new()).chain(
        shards
            .iter()
            .map(|(shard, _)| format!("{}/", shard::dir(*shard))),
    );
    for dir in licence_dirs {
        files.extend(
            crate_files::LICENSE_FILES
                .iter()
                .map(|(path, contents)| GeneratedFile {
                    path: format!("{dir}{path}"),
                    contents: (*contents).to_owned(),
                }),
        );
    }
    for file in made {
        files.push(file?);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The whole module of one model (`src/<rust_name>.rs`), its types and its
/// methods in one file, as a user's crate has it ([`emit_module_files`]);
/// the `segmind` crate has the same items in two places, its module inline
/// in `src/lib.rs` and its types' file in its shard crate. It only names
/// `::segmind_runtime` and `super::Client` (whose `run` and `submit` its
/// methods call), so it compiles as a module beside any `Client` with those
/// two methods.
pub fn emit_model_file(model: &Model) -> Result<GeneratedFile, Error> {
    rust_file(
        &format!("src/{}.rs", model.rust_name),
        &model.file,
        None,
        || model::emit_model(model, CRATE_NAME),
    )
}

/// The crate name the generated crate's doc examples use.
const CRATE_NAME: &str = "segmind";

/// The files of the model modules for a user's crate, emitted by the same
/// functions as the `segmind` crate's (`client.rs`, `models.rs` and one
/// `<rust_name>.rs` per model, paths relative to the folder they go in),
/// headed by a line naming `command`. The client and model modules are the
/// crate's files with `doc_path` (where the user's crate puts them) in
/// place of `segmind` in the doc examples; `models.rs` has no
/// `#[cfg(feature = ..)]` on its entries, as the user's crate compiles
/// every model of its schema folder and has no feature per model.
pub fn emit_module_files(
    models: &[Model],
    doc_path: &str,
    command: &str,
    sources: &str,
) -> Result<Vec<GeneratedFile>, Error> {
    let mut jobs = vec![ModuleJob::Client, ModuleJob::Registry];
    jobs.extend(models.iter().map(ModuleJob::Model));
    let made = parallel::map(&jobs, |job| match job {
        ModuleJob::Client => {
            rust_file_headed("client.rs", command, sources, None, client::emit_client)
        }
        ModuleJob::Registry => rust_file_headed("models.rs", command, sources, None, || {
            registry::emit_registry(models, false)
        }),
        ModuleJob::Model(model) => rust_file_headed(
            &format!("{}.rs", model.rust_name),
            command,
            &model.file,
            None,
            || model::emit_model(model, doc_path),
        ),
    });
    let mut files = made.into_iter().collect::<Result<Vec<_>, _>>()?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The root of the model modules in a user's crate: the runtime's
/// re-exports, `Client`, `ClientBuilder`, `models` and one module per model,
/// each module declared with `#[path = "<dir>/<file>"]` so that the file
/// can be `include!`d anywhere. Where the `segmind` crate's `src/lib.rs`
/// has its crate docs and lint levels (inner attributes, which an
/// `include!`d file cannot have), this file has only items.
pub fn emit_module_root(
    models: &[Model],
    dir: &std::path::Path,
    command: &str,
    sources: &str,
) -> Result<GeneratedFile, Error> {
    rust_file_headed("mod.rs", command, sources, None, || {
        crate_files::module_root(models, dir)
    })
}

/// `#[allow(clippy::wrong_self_convention)]` when a method named `name` that
/// takes `self` by reference (`by_value` false: a client method) or by value
/// (a setter) goes against clippy's naming conventions (`from_*` takes no
/// `self`, `into_*` takes it by value, `as_*`, `is_*` and `to_*` by
/// reference, `to_*_mut` by mutable reference). The names come from schema
/// files, which are right to name a field `is_public`.
fn allow_self_convention(name: &str, by_value: bool) -> Option<TokenStream> {
    let to_mut = name == "to_mut" || (name.starts_with("to_") && name.ends_with("_mut"));
    let against = if by_value {
        ["as_", "is_", "from_", "to_"]
            .iter()
            .any(|prefix| name.starts_with(prefix))
    } else {
        name.starts_with("from_") || name.starts_with("into_") || to_mut
    };
    against.then(|| quote::quote!(#[allow(clippy::wrong_self_convention)]))
}

/// The file at `path` made from the tokens `emit` gives: its header naming
/// `sources`, then the tokens as prettyplease prints them; or, when `memo`
/// knows these tokens, the text they made before.
fn rust_file(
    path: &str,
    sources: &str,
    memo: Option<&Memo>,
    emit: impl FnOnce() -> TokenStream,
) -> Result<GeneratedFile, Error> {
    rust_file_headed(path, COMMAND, sources, memo, emit)
}

/// [`rust_file`] with a header naming `command`.
fn rust_file_headed(
    path: &str,
    command: &str,
    sources: &str,
    memo: Option<&Memo>,
    emit: impl FnOnce() -> TokenStream,
) -> Result<GeneratedFile, Error> {
    let header = format!("// @generated by `{command}` from {sources}. Do not edit.\n\n");
    let tokens = emit();
    let key = memo.map(|memo| (memo, memo.key(&header, &tokens.to_string())));
    if let Some((memo, key)) = key {
        if let Some(contents) = memo.text(path, key) {
            return Ok(GeneratedFile {
                path: path.to_owned(),
                contents,
            });
        }
    }
    let file: syn::File = syn::parse2(tokens).map_err(|e| Error::Emit {
        file: path.to_owned(),
        message: e.to_string(),
    })?;
    let contents = header + &prettyplease::unparse(&file);
    if let Some((memo, key)) = key {
        memo.made(path, key, &contents);
    }
    Ok(GeneratedFile {
        path: path.to_owned(),
        contents,
    })
}
