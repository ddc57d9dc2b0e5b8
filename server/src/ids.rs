//! Request and job ids: UUID-shaped, unique within the process.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

static COUNTER: AtomicU64 = AtomicU64::new(1);
static PROCESS_STAMP: OnceLock<u64> = OnceLock::new();

/// A fresh id such as `6740b3e5-19c2-4000-8000-000000000007`: the process's
/// start time, then a counter shared by every server in the process.
pub(crate) fn next_id() -> String {
    let stamp = *PROCESS_STAMP.get_or_init(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|since| since.as_nanos() as u64)
            .unwrap_or_default()
    });
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(
        "{:08x}-{:04x}-4000-8000-{:012x}",
        (stamp >> 32) as u32,
        (stamp >> 16) as u16,
        count & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_differ() {
        let a = super::next_id();
        let b = super::next_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
    }
}
