//! Hand-written runtime behind the generated `segmind` crate.
//!
//! The generated crate owns everything that differs per model (input types,
//! validators, client methods); this crate owns what every model shares: the
//! HTTP client, the v1 call and the v2 job, media inputs, video output, errors
//! and validation reports.

mod model;
mod media;
mod validate;

pub use media::{Media, MediaKind};
pub use model::{AllowedValue, FieldInfo, FieldKind, ModelInfo, ModelInput};
pub use validate::{Limit, ValidationError, Violation, ViolationKind, Violations};
