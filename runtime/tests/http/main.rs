//! The runtime against a throwaway local HTTP server: v1 calls, v2 jobs,
//! media inputs, error mapping, retries and keeping the key secret.

mod support;

mod env;
mod errors;
mod media;
mod retries;
mod secrets;
mod v1;
mod v2;
