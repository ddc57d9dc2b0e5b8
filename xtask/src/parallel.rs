//! Running independent jobs on every core: codegen formats each generated
//! file on its own (a token stream is not `Send`, so a job makes its tokens
//! and formats them on one thread), and the results come back in the order
//! of the jobs, so the output does not depend on the thread count.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A formatting thread's stack: syn and prettyplease recurse once per
/// nesting level of the code, as the main thread's stack allows.
const STACK_SIZE: usize = 8 * 1024 * 1024;

/// How many threads [`map`] uses: the cores this process may use.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, NonZeroUsize::get)
}

/// `items.iter().map(job).collect()`, with the items shared out among up to
/// [`threads`] threads (this one included): each takes the next item not yet
/// taken, so a long job does not hold up the others. A panic in a job is
/// passed on to the caller.
pub fn map<T, R>(items: &[T], job: impl Fn(&T) -> R + Sync) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    let helpers = threads().min(items.len()).saturating_sub(1);
    if helpers == 0 {
        return items.iter().map(job).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                return done;
            };
            done.push((i, job(item)));
        }
    };
    let mut done = std::thread::scope(|scope| {
        // A helper that cannot be started leaves its share to the others.
        let started: Vec<_> = (0..helpers)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .stack_size(STACK_SIZE)
                    .spawn_scoped(scope, work)
                    .ok()
            })
            .collect();
        let mut done = work();
        for helper in started {
            match helper.join() {
                Ok(theirs) => done.extend(theirs),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        done
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<u64> = (0..1000).collect();
        let squares = map(&items, |n| {
            // Uneven jobs, so that the threads finish out of order.
            if n % 7 == 0 {
                std::thread::yield_now();
            }
            n * n
        });
        assert_eq!(squares, items.iter().map(|n| n * n).collect::<Vec<_>>());
    }

    #[test]
    fn no_items_no_results() {
        assert!(map(&[] as &[u8], |_| 0).is_empty());
    }

    #[test]
    #[should_panic(expected = "job 3 failed")]
    fn a_panic_in_a_job_reaches_the_caller() {
        let items: Vec<u32> = (0..8).collect();
        map(&items, |&n| assert!(n != 3, "job {n} failed"));
    }
}
