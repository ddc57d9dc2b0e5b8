//! The state one running server shares between its handlers: configuration,
//! models, credits, jobs, uploaded assets, the fault queue, the request log and
//! the POST counters.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;

use crate::config::{ServerConfig, UploadKey};
use crate::faults::{Fault, Route};
use crate::jobs::Job;
use crate::record::RecordedRequest;
use crate::schemas::Models;
use crate::video::VideoSource;

/// Credits an account starts with, in thousandths.
const STARTING_CREDITS_MILLIS: u64 = 100_000;

/// The handle every handler gets.
pub(crate) type AppState = Arc<Shared>;

/// One uploaded file.
#[derive(Debug, Clone)]
pub(crate) struct Asset {
    /// Its MIME type, as the data URL gave it.
    pub mime: String,
    /// Its bytes.
    pub bytes: Bytes,
}

/// Everything one server holds.
pub(crate) struct Shared {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub base_url: String,
    /// The models, by slug.
    pub models: Models,
    /// The only accepted key, if any.
    pub api_key: Option<String>,
    /// The video served.
    pub video: VideoSource,
    /// Polls before a job completes.
    pub polls_before_complete: u32,
    /// The failure message of every job, if jobs fail.
    pub fail_jobs: Option<String>,
    /// The text that makes a job fail when its request body holds it.
    pub fail_jobs_marked: Option<String>,
    /// The key of the upload's answer.
    pub upload_key: UploadKey,
    /// The largest request body taken, in bytes.
    pub max_body_bytes: usize,
    /// How many requests the log keeps.
    max_records: usize,
    /// Requests received in all, logged or since dropped.
    received: AtomicU64,
    credits_millis: AtomicU64,
    faults: Mutex<VecDeque<(Route, Fault)>>,
    jobs: Mutex<HashMap<String, Job>>,
    assets: Mutex<HashMap<String, Asset>>,
    records: Mutex<VecDeque<RecordedRequest>>,
    posts: Mutex<HashMap<Option<Route>, usize>>,
}

/// Locks a mutex, carrying on with the data if a panicking thread poisoned it.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    /// The state of a server at `base_url`.
    pub fn new(config: ServerConfig, models: Models, base_url: String) -> Self {
        Shared {
            base_url,
            models,
            api_key: config.api_key,
            video: config.video,
            polls_before_complete: config.polls_before_complete,
            fail_jobs: config.fail_jobs,
            fail_jobs_marked: config.fail_jobs_marked,
            upload_key: config.upload_key,
            max_body_bytes: config.max_body_bytes,
            max_records: config.max_records,
            received: AtomicU64::new(0),
            credits_millis: AtomicU64::new(STARTING_CREDITS_MILLIS),
            faults: Mutex::new(config.faults.into()),
            jobs: Mutex::new(HashMap::new()),
            assets: Mutex::new(HashMap::new()),
            records: Mutex::new(VecDeque::new()),
            posts: Mutex::new(HashMap::new()),
        }
    }

    /// Takes `cost` thousandths of a credit (never below zero) and answers what
    /// is left.
    pub fn charge(&self, cost_millis: u64) -> u64 {
        let before = self
            .credits_millis
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |credits| {
                Some(credits.saturating_sub(cost_millis))
            })
            .unwrap_or_default();
        before.saturating_sub(cost_millis)
    }

    /// Appends a fault to the queue.
    pub fn push_fault(&self, route: Route, fault: Fault) {
        lock(&self.faults).push_back((route, fault));
    }

    /// Removes and answers the first queued fault that applies to `route`.
    pub fn take_fault(&self, route: Option<Route>) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        let index = faults
            .iter()
            .position(|(target, _)| target.matches(route))?;
        faults.remove(index).map(|(_, fault)| fault)
    }

    /// Logs a request, dropping the oldest ones past the cap.
    pub fn record(&self, request: RecordedRequest) {
        self.received.fetch_add(1, Ordering::SeqCst);
        let mut records = lock(&self.records);
        records.push_back(request);
        while records.len() > self.max_records {
            records.pop_front();
        }
    }

    /// The requests the log holds, oldest first.
    pub fn records(&self) -> Vec<RecordedRequest> {
        lock(&self.records).iter().cloned().collect()
    }

    /// Requests received in all, including those the log has dropped.
    pub fn received(&self) -> u64 {
        self.received.load(Ordering::SeqCst)
    }

    /// Counts one POST on `route` (`None`: a path the server does not serve).
    pub fn count_post(&self, route: Option<Route>) {
        *lock(&self.posts).entry(route).or_default() += 1;
    }

    /// POSTs received on `route`; [`Route::Any`] counts them all.
    pub fn post_count(&self, route: Route) -> usize {
        let posts = lock(&self.posts);
        match route {
            Route::Any => posts.values().sum(),
            route => posts.get(&Some(route)).copied().unwrap_or_default(),
        }
    }

    /// Stores a new job.
    pub fn insert_job(&self, id: String, job: Job) {
        lock(&self.jobs).insert(id, job);
    }

    /// Runs `f` on the job with this id, if there is one.
    pub fn with_job<R>(&self, id: &str, f: impl FnOnce(&mut Job) -> R) -> Option<R> {
        lock(&self.jobs).get_mut(id).map(f)
    }

    /// Stores uploaded bytes and answers the name they are served under
    /// (`{n}.{ext}`, `n` counting from 1).
    pub fn insert_asset(&self, extension: &str, asset: Asset) -> String {
        let mut assets = lock(&self.assets);
        let name = format!("{}.{extension}", assets.len() + 1);
        assets.insert(name.clone(), asset);
        name
    }

    /// The uploaded file with this name.
    pub fn asset(&self, name: &str) -> Option<Asset> {
        lock(&self.assets).get(name).cloned()
    }
}

/// Thousandths of a credit written as credits, e.g. `99.579`.
pub(crate) fn credits_text(millis: u64) -> String {
    format!("{}.{:03}", millis / 1000, millis % 1000)
}

/// Thousandths of a credit as a JSON number of credits.
pub(crate) fn credits_number(millis: u64) -> f64 {
    millis as f64 / 1000.0
}
