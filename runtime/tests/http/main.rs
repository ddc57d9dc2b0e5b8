//! The runtime against a throwaway local HTTP server: v1 calls, v2 jobs,
//! media inputs, error mapping, retries and keeping the key secret; and
//! uploads against the local Segmind server (`segmind-server`).

mod support;

mod base64_save;
mod canary;
mod env;
mod errors;
mod fd_limit;
mod kinds;
mod media;
mod origins;
mod replies;
mod retries;
mod secrets;
mod uploads;
mod v1;
mod v2;
mod workers;
