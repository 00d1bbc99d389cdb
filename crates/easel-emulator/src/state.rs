//! The emulator's shared state: configuration, the URL signer, the clock, the job table (by id
//! and by requestId, for idempotent creation) and the upload slots (what image inputs may name).
//! Handlers hold it behind an `Arc`; each table sits behind one short-lived mutex and jobs
//! themselves are immutable `Arc<Job>`s.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::auth::{read_public_key, Caller, Credentials};
use crate::dimensions::picture_size;
use crate::job::{Fate, Job, JobKind};
use crate::limit::RateLimit;
use crate::pngs::Kept;
use crate::prng::mix;
use crate::sign::Signer;
use crate::timeline::Clock;
use crate::validate::Checked;
use crate::{EmulatorConfig, EmulatorError};

/// Everything handlers share.
#[derive(Debug)]
pub struct Shared {
    /// The configuration the emulator was started with.
    pub config: EmulatorConfig,
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// Signs result URLs.
    pub signer: Signer,
    /// Converts elapsed time to ticks.
    pub clock: Clock,
    /// Makes job ids unique to this instance.
    salt: u64,
    /// Counts requests, numbering fault decisions.
    requests: AtomicU64,
    /// What `Authorization` headers are accepted.
    pub credentials: Credentials,
    /// The per-credential request budget.
    pub limit: RateLimit<Caller>,
    /// Rendered PNGs kept in memory.
    pub pngs: Kept,
    jobs: Mutex<Jobs>,
    uploads: Mutex<HashMap<String, Upload>>,
    /// Downloads seen per result file, for the `expire` fault.
    downloads: Mutex<HashMap<(u64, usize), u32>>,
    /// Arrival time of every `/v1` request (capped), for rate measurements.
    arrivals: Mutex<Vec<Instant>>,
}

/// Most arrivals kept; beyond it a long demo session stops recording instead of growing.
const MAX_ARRIVALS: usize = 1 << 20;

/// An upload slot handed out by `POST /v1/resource/image`.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The `X-Oss-Callback` value the PUT must carry for the resource to be registered.
    pub callback: String,
    /// The bytes, once PUT.
    pub bytes: Option<Vec<u8>>,
    /// Whether the service "heard" of it (PUT with the right callback header).
    pub registered: bool,
    /// Width and height from the PUT bytes' PNG/JPEG header, read once when they arrive.
    pub size: Option<(u32, u32)>,
    /// When the slot was handed out; the slot is dropped `url_lifetime` after its PUT URL
    /// expires (never PUT) or after it was handed out plus its PUT URL's lifetime and the
    /// configured `url_lifetime` (PUT), whichever `evict_uploads` finds first.
    pub created: Instant,
    /// How long its PUT URL is valid (`expireSec`).
    pub put_lifetime: Duration,
}

/// What the emulator knows of a value named as a resource id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Uploaded {
    /// No slot was handed out with this id.
    Unknown,
    /// A slot was handed out but its bytes never arrived.
    NotPut,
    /// The bytes arrived; their picture size when the header could be read.
    Put(Option<(u32, u32)>),
}

#[derive(Debug, Default)]
struct Jobs {
    /// Each job with when a client last read it (its URLs were last signed then).
    by_id: HashMap<u64, (Arc<Job>, Instant)>,
    by_request: HashMap<String, u64>,
    created: u64,
}

/// Most jobs kept at once. Finished jobs go once their URLs have expired (`evict_jobs`); past
/// this count the least recently read go first, finished or not, so a long demo session or a
/// script creating jobs in a loop holds bounded memory.
pub const MAX_JOBS_KEPT: usize = 4096;

/// Most upload slots kept at once (PUT bytes can be 64 MiB each, so this also bounds memory:
/// see `MAX_UPLOAD_BYTES_KEPT`); past it the oldest go first.
pub const MAX_UPLOADS_KEPT: usize = 1024;

/// Most PUT bytes kept over all uploads; past it the oldest uploads go first.
pub const MAX_UPLOAD_BYTES_KEPT: usize = 512 * 1024 * 1024;

impl Shared {
    /// Fresh state for an instance reachable at `base_url`; fails on an unreadable public key.
    pub fn new(config: EmulatorConfig, base_url: String) -> Result<Shared, EmulatorError> {
        let rsa = match (&config.app_id, &config.public_key_pem) {
            (Some(app_id), Some(pem)) => Some((app_id.clone(), read_public_key(pem)?)),
            (None, None) => None,
            _ => return Err(EmulatorError::PublicKey("an app id and a public key go together".into())),
        };
        let credentials = Credentials { api_key: config.api_key.clone(), rsa };
        let salt = mix(uuid::Uuid::new_v4().as_u64_pair().0);
        let signer = Signer::new(uuid::Uuid::new_v4().as_bytes());
        let clock = Clock { step: config.step_delay, speed: config.faults.speed };
        let limit = RateLimit::new(config.rate_limit);
        Ok(Shared {
            config,
            base_url,
            signer,
            clock,
            salt,
            requests: AtomicU64::new(0),
            credentials,
            limit,
            pngs: Kept::default(),
            jobs: Mutex::default(),
            uploads: Mutex::default(),
            downloads: Mutex::default(),
            arrivals: Mutex::default(),
        })
    }

    fn jobs(&self) -> MutexGuard<'_, Jobs> {
        // A panic while holding the lock cannot leave the maps half-updated (single inserts).
        self.jobs.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The job for `request_id` if one exists, else a new one for `checked`. The bool says
    /// whether the job was created by this call.
    pub fn create_job(&self, request_id: Option<&str>, kind: JobKind, checked: Checked) -> (Arc<Job>, bool) {
        let mut jobs = self.jobs();
        if let Some(existing) = request_id.and_then(|r| jobs.by_request.get(r)).and_then(|id| jobs.by_id.get(id)) {
            return (existing.0.clone(), false);
        }
        self.evict_jobs(&mut jobs);
        jobs.created += 1;
        let mut id = self.job_id(jobs.created);
        while jobs.by_id.contains_key(&id) {
            id = self.job_id(id);
        }
        let faults = &self.config.faults;
        let settle = self.clock.ticks_covering(self.config.settle);
        let fate = Fate { queue: faults.queue, fail_rate: faults.fail_rate, seed: faults.seed, settle };
        let job = Arc::new(Job::new(id, kind, checked, fate));
        jobs.by_id.insert(id, (job.clone(), Instant::now()));
        if let Some(r) = request_id {
            jobs.by_request.insert(r.to_string(), id);
        }
        (job, true)
    }

    /// An 18-digit id like the service's.
    fn job_id(&self, n: u64) -> u64 {
        100_000_000_000_000_000 + mix(self.salt ^ n) % 900_000_000_000_000_000
    }

    /// The job with `id`, noting that it was read now (its URLs are signed from now).
    pub fn job(&self, id: u64) -> Option<Arc<Job>> {
        let mut jobs = self.jobs();
        let entry = jobs.by_id.get_mut(&id)?;
        entry.1 = Instant::now();
        Some(entry.0.clone())
    }

    /// Drops finished jobs (success, failure or cancel) not read for `url_lifetime`: every URL
    /// they handed out has expired, so a client can only learn that they are gone (404, as the
    /// service answers for a job it no longer knows). Then, past `MAX_JOBS_KEPT`, the least
    /// recently read.
    fn evict_jobs(&self, jobs: &mut Jobs) {
        let lifetime = self.config.url_lifetime;
        let finished = |job: &Job| job.canceled_at().is_some() || self.schedule_phase(job).is_terminal();
        jobs.by_id.retain(|_, (job, read)| !(finished(job) && read.elapsed() > lifetime));
        if jobs.by_id.len() >= MAX_JOBS_KEPT {
            let mut by_age: Vec<(Instant, u64)> = jobs.by_id.iter().map(|(id, (_, read))| (*read, *id)).collect();
            by_age.sort_unstable();
            let excess = jobs.by_id.len() + 1 - MAX_JOBS_KEPT;
            for (_, id) in by_age.into_iter().take(excess) {
                jobs.by_id.remove(&id);
            }
        }
        let Jobs { by_id, by_request, .. } = jobs;
        by_request.retain(|_, id| by_id.contains_key(id));
    }

    fn schedule_phase(&self, job: &Job) -> crate::timeline::Phase {
        job.schedule.phase_at(self.ticks_since(job.created))
    }

    /// Ticks since `since` on this instance's clock.
    pub fn ticks_since(&self, since: Instant) -> u64 {
        self.clock.ticks(since.elapsed())
    }

    /// Records a new upload slot, first dropping the ones whose time is up (`evict_uploads`).
    pub fn add_upload(&self, resource_id: &str, upload: Upload) {
        let mut uploads = self.uploads();
        self.evict_uploads(&mut uploads);
        uploads.insert(resource_id.to_string(), upload);
    }

    /// Drops slots whose PUT URL expired more than `url_lifetime` ago (a job naming one after
    /// that is refused like any unknown id), then, past `MAX_UPLOADS_KEPT` slots or
    /// `MAX_UPLOAD_BYTES_KEPT` bytes, the oldest.
    fn evict_uploads(&self, uploads: &mut HashMap<String, Upload>) {
        let lifetime = self.config.url_lifetime;
        uploads.retain(|_, u| u.created.elapsed() <= u.put_lifetime.saturating_add(lifetime));
        let mut bytes: usize = uploads.values().map(|u| u.bytes.as_ref().map_or(0, Vec::len)).sum();
        if uploads.len() < MAX_UPLOADS_KEPT && bytes <= MAX_UPLOAD_BYTES_KEPT {
            return;
        }
        let mut by_age: Vec<(Instant, String)> = uploads.iter().map(|(id, u)| (u.created, id.clone())).collect();
        by_age.sort_unstable();
        for (_, id) in by_age {
            if uploads.len() < MAX_UPLOADS_KEPT && bytes <= MAX_UPLOAD_BYTES_KEPT {
                break;
            }
            if let Some(gone) = uploads.remove(&id) {
                bytes -= gone.bytes.map_or(0, |b| b.len());
            }
        }
    }

    /// Stores PUT bytes; `None` for an unknown slot, else whether the resource is now registered.
    pub fn store_upload(&self, resource_id: &str, bytes: Vec<u8>, callback: Option<&str>) -> Option<bool> {
        let mut uploads = self.uploads();
        let upload = uploads.get_mut(resource_id)?;
        upload.size = picture_size(&bytes);
        upload.bytes = Some(bytes);
        upload.registered |= callback == Some(upload.callback.as_str());
        Some(upload.registered)
    }

    /// Whether `resource_id` is a slot this instance handed out, and whether its bytes arrived.
    pub fn uploaded(&self, resource_id: &str) -> Uploaded {
        match self.uploads().get(resource_id) {
            None => Uploaded::Unknown,
            Some(Upload { bytes: None, .. }) => Uploaded::NotPut,
            Some(upload) => Uploaded::Put(upload.size),
        }
    }

    fn uploads(&self) -> MutexGuard<'_, HashMap<String, Upload>> {
        // As for `jobs`: single inserts and updates cannot be left half-done by a panic.
        self.uploads.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Records the arrival of one `/v1` request.
    pub fn record_arrival(&self, at: Instant) {
        let mut arrivals = self.arrivals.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if arrivals.len() < MAX_ARRIVALS {
            arrivals.push(at);
        }
    }

    /// Every recorded `/v1` arrival, oldest first.
    pub fn arrivals(&self) -> Vec<Instant> {
        self.arrivals.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// Counts one more download of result file `index` of `job`; returns how many came before.
    pub fn count_download(&self, job: u64, index: usize) -> u32 {
        let mut downloads = self.downloads.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let seen = downloads.entry((job, index)).or_insert(0);
        *seen += 1;
        *seen - 1
    }

    /// The next request's number, for fault decisions.
    pub fn next_request(&self) -> u64 {
        self.requests.fetch_add(1, Ordering::Relaxed)
    }
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}
