//! Rust names for schema names: snake_case fields and modules, UpperCamelCase
//! types and variants, keywords escaped with a trailing underscore (a raw
//! identifier cannot spell `self` or `crate`).

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Whether `name` is usable as a Rust identifier as it is (not a keyword).
pub fn is_plain_ident(name: &str) -> bool {
    syn::parse_str::<syn::Ident>(name).is_ok()
}

/// The snake_case Rust name of a field; keywords get a trailing `_`.
pub fn field_name(wire: &str) -> String {
    escape_keyword(wire.to_snake_case())
}

/// Escapes a keyword with a trailing underscore.
pub fn escape_keyword(name: String) -> String {
    if !name.is_empty() && !is_plain_ident(&name) && is_plain_ident(&format!("{name}_")) {
        format!("{name}_")
    } else {
        name
    }
}

/// The module name a slug maps to, or `None` when the mapping would lose
/// information (a dot or an upper-case letter in the slug), so the schema
/// must say `x-rust-name` itself.
pub fn module_name(slug: &str) -> Option<String> {
    let derived = slug.to_snake_case();
    (derived == slug.replace('-', "_") && is_plain_ident(&derived)).then_some(derived)
}

/// The UpperCamelCase type name of an enum field.
pub fn type_name(field_rust: &str) -> String {
    field_rust.trim_end_matches('_').to_upper_camel_case()
}

/// The variant name of a string value, when it makes a valid identifier.
pub fn string_variant(value: &str) -> Option<String> {
    let name = value.to_upper_camel_case();
    (is_plain_ident(&name) && name.starts_with(|c: char| c.is_ascii_uppercase())).then_some(name)
}

/// The variant name of an integer value: `V256`, `VMinus1`.
pub fn integer_variant(value: i64) -> String {
    if value < 0 {
        format!("VMinus{}", value.unsigned_abs())
    } else {
        format!("V{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_escaped() {
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("match"), "match_");
        assert_eq!(field_name("poseWeight"), "pose_weight");
        assert_eq!(type_name("type_"), "Type");
    }

    #[test]
    fn lossy_slugs_need_a_name() {
        assert_eq!(module_name("hallo").as_deref(), Some("hallo"));
        assert_eq!(
            module_name("hailuo-02-fast").as_deref(),
            Some("hailuo_02_fast")
        );
        assert_eq!(module_name("hailuo-2.3-fast"), None);
        assert_eq!(module_name("3d-face"), None);
    }

    #[test]
    fn variants() {
        assert_eq!(string_variant("extcrop").as_deref(), Some("Extcrop"));
        assert_eq!(string_variant("full body").as_deref(), Some("FullBody"));
        assert_eq!(string_variant("1080p"), None);
        assert_eq!(integer_variant(256), "V256");
        assert_eq!(integer_variant(-3), "VMinus3");
    }
}
