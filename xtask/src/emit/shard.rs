//! Which crate holds a model's types. The `segmind` crate is a façade: each
//! model's module there has the model's docs and client methods and
//! re-exports its types from one of [`COUNT`] shard crates,
//! `segmind-models-00` to `segmind-models-15`, picked by a hash of the
//! slug. A change to one model's schema then rebuilds one shard (about one
//! model in sixteen) and the façade, not every model: at 500 models that is
//! the difference between rebuilding 500 models' types and about 31.
//!
//! The hash is FNV-1a (64 bits) of the slug's bytes, fixed here and pinned
//! by a test: a model never moves to another shard when others are added or
//! removed, and the layout does not depend on the compiler's hasher.

use crate::ir::Model;

/// How many shards there are. Changing it moves most models to another
/// crate, which users do not see (they depend on `segmind`) but which
/// publishes new crates.
pub const COUNT: u64 = 16;

/// [`COUNT`] in words, as the generated docs say it.
pub const COUNT_IN_WORDS: &str = "sixteen";
const _: () = assert!(COUNT == 16, "COUNT_IN_WORDS names another number");

/// The shard of the model with this slug, `0..COUNT`.
pub fn of_slug(slug: &str) -> u8 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let hash = slug.bytes().fold(OFFSET, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    });
    // Below COUNT (16), so it fits.
    (hash % COUNT) as u8
}

/// The shard of `model`.
pub fn of(model: &Model) -> u8 {
    of_slug(&model.slug)
}

/// The name of shard `shard`'s crate: `segmind-models-07`.
pub fn crate_name(shard: u8) -> String {
    format!("segmind-models-{shard:02}")
}

/// The folder of shard `shard`'s crate, relative to the `segmind` crate's:
/// `shards/07`.
pub fn dir(shard: u8) -> String {
    format!("shards/{shard:02}")
}

/// The shards that hold at least one of `models`, each with its models in
/// the order given.
pub fn group(models: &[Model]) -> Vec<(u8, Vec<&Model>)> {
    let mut shards: Vec<(u8, Vec<&Model>)> = Vec::new();
    for model in models {
        let shard = of(model);
        match shards.iter_mut().find(|(s, _)| *s == shard) {
            Some((_, members)) => members.push(model),
            None => shards.push((shard, vec![model])),
        }
    }
    shards.sort_by_key(|(shard, _)| *shard);
    shards
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The layout is part of what is published: these must never change.
    #[test]
    fn the_shard_of_a_slug_is_fixed() {
        // FNV-1a of the empty string is the offset basis itself.
        assert_eq!(of_slug(""), (0xcbf2_9ce4_8422_2325_u64 % COUNT) as u8);
        let fixed: Vec<(&str, u8)> = ["hallo", "sadtalker", "hailuo-02-fast", "flux-schnell"]
            .iter()
            .map(|slug| (*slug, of_slug(slug)))
            .collect();
        assert_eq!(fixed, FIXED);
    }

    const FIXED: &[(&str, u8)] = &[
        ("hallo", 7),
        ("sadtalker", 6),
        ("hailuo-02-fast", 13),
        ("flux-schnell", 8),
    ];

    #[test]
    fn every_shard_is_in_range_and_named_in_two_digits() {
        for slug in ["a", "b", "claude-3.5-sonnet", "x".repeat(300).as_str()] {
            let shard = of_slug(slug);
            assert!(u64::from(shard) < COUNT);
            assert_eq!(crate_name(shard).len(), "segmind-models-00".len());
        }
    }
}
