//! Fault injection settings and their text form. A `FaultSpec` is parsed from a comma-separated
//! list of `key=value` items, e.g. `5xx=0.1,latency=50ms,seed=7`:
//!
//! | key | value | effect |
//! |---|---|---|
//! | `seed` | integer | seeds every random decision, so a run can be replayed (default 0) |
//! | `latency` | duration (`50ms`, `1.5s`) | added before every `/v1` reply |
//! | `5xx` | fraction 0..1 | share of `/v1` requests answered HTTP 503 (gRPC code 14) |
//! | `reset` | fraction 0..1 | share of requests whose connection is dropped without a reply |
//! | `truncate` | fraction 0..1 | share of image downloads cut off part way (head sent, body cut) |
//! | `slow` | bytes per second | pace of image downloads (0 = full speed) |
//! | `fail` | fraction 0..1 | share of jobs that end `FAILED` with `failedInfo` |
//! | `queue` | integer | jobs ahead of each new job: it waits in `WAITING` while they drain (default 1; 0 skips WAITING) |
//! | `speed` | factor > 0 | time speed-up of the job lifecycle (2 = twice as fast) |
//! | `expire` | integer | the first N downloads of each result file get 403 "expired" (TAMS) |
//! | `wsdrop` | fraction 0..1 | ComfyUI flavour: share of prompts whose websocket is closed mid-run (the prompt still finishes) |
//!
//! Random decisions are drawn from a counter-based generator keyed by the seed, so the n-th
//! request or job always gets the same decision for a given seed. Nothing here touches the network.

use std::time::Duration;

use crate::EmulatorError;

/// The faults an emulator injects. `Default` injects none (its queue of 1 is the normal life).
#[derive(Debug, Clone, PartialEq)]
pub struct FaultSpec {
    /// Seed of every random decision.
    pub seed: u64,
    /// Delay added before every `/v1` reply.
    pub latency: Duration,
    /// Share of `/v1` requests answered 503.
    pub error_rate: f64,
    /// Share of requests whose connection is dropped without a reply.
    pub reset_rate: f64,
    /// Share of image downloads cut off part way.
    pub truncate_rate: f64,
    /// Download pace in bytes per second; 0 means full speed.
    pub slow_bytes_per_sec: u64,
    /// Share of jobs that fail.
    pub fail_rate: f64,
    /// Jobs queued ahead of each new job (default 1: a brief `WAITING`, as the service shows).
    pub queue: u32,
    /// Time speed-up factor of job lifecycles.
    pub speed: f64,
    /// The first this-many downloads of each result file are refused with 403 "expired", as if
    /// the client came back after `Expires`; the client must re-read the job for a fresh URL.
    pub expire_first: u32,
    /// ComfyUI flavour: share of prompts whose client's websocket is closed half way through
    /// the run; the run itself goes on and lands in the history.
    pub ws_drop_rate: f64,
}

impl Default for FaultSpec {
    fn default() -> Self {
        FaultSpec {
            seed: 0,
            latency: Duration::ZERO,
            error_rate: 0.0,
            reset_rate: 0.0,
            truncate_rate: 0.0,
            slow_bytes_per_sec: 0,
            fail_rate: 0.0,
            queue: 1,
            speed: 1.0,
            expire_first: 0,
            ws_drop_rate: 0.0,
        }
    }
}

impl FaultSpec {
    /// Parses `key=value,key=value`; an empty string gives the default. See the module docs.
    pub fn parse(text: &str) -> Result<FaultSpec, EmulatorError> {
        let mut spec = FaultSpec::default();
        for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let bad = |reason: &str| EmulatorError::FaultSpec { item: item.to_string(), reason: reason.to_string() };
            let (key, value) = item.split_once('=').ok_or_else(|| bad("expected key=value"))?;
            let value = value.trim();
            match key.trim() {
                "seed" => spec.seed = value.parse().map_err(|_| bad("expected a whole number"))?,
                "latency" => spec.latency = parse_duration(value).ok_or_else(|| bad("expected e.g. 50ms or 1.5s"))?,
                "5xx" => spec.error_rate = fraction(value).ok_or_else(|| bad("expected a fraction 0..1"))?,
                "reset" => spec.reset_rate = fraction(value).ok_or_else(|| bad("expected a fraction 0..1"))?,
                "truncate" => spec.truncate_rate = fraction(value).ok_or_else(|| bad("expected a fraction 0..1"))?,
                "fail" => spec.fail_rate = fraction(value).ok_or_else(|| bad("expected a fraction 0..1"))?,
                "slow" => spec.slow_bytes_per_sec = value.parse().map_err(|_| bad("expected bytes per second"))?,
                "queue" => spec.queue = value.parse().map_err(|_| bad("expected a whole number"))?,
                "wsdrop" => spec.ws_drop_rate = fraction(value).ok_or_else(|| bad("expected a fraction 0..1"))?,
                "expire" => spec.expire_first = value.parse().map_err(|_| bad("expected a whole number"))?,
                "speed" => {
                    spec.speed = value
                        .parse::<f64>()
                        .ok()
                        .filter(|s| s.is_finite() && *s > 0.0)
                        .ok_or_else(|| bad("expected a factor above 0"))?
                }
                _ => {
                    return Err(bad(
                        "unknown key (seed, latency, 5xx, reset, truncate, slow, fail, queue, speed, expire, wsdrop)",
                    ))
                }
            }
        }
        Ok(spec)
    }
}

fn fraction(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|f| (0.0..=1.0).contains(f))
}

fn parse_duration(text: &str) -> Option<Duration> {
    let (number, scale) = if let Some(n) = text.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1.0)
    } else {
        (text, 0.001)
    };
    let value: f64 = number.trim().parse().ok()?;
    (value.is_finite() && value >= 0.0).then(|| Duration::from_secs_f64(value * scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_key() {
        let spec = FaultSpec::parse(
            "5xx=0.1, latency=50ms,seed=7,reset=0.2,truncate=1,slow=1000,fail=0.5,queue=3,speed=2.5,expire=2,wsdrop=0.5",
        )
        .unwrap();
        assert_eq!(
            spec,
            FaultSpec {
                seed: 7,
                latency: Duration::from_millis(50),
                error_rate: 0.1,
                reset_rate: 0.2,
                truncate_rate: 1.0,
                slow_bytes_per_sec: 1000,
                fail_rate: 0.5,
                queue: 3,
                speed: 2.5,
                expire_first: 2,
                ws_drop_rate: 0.5,
            }
        );
        assert_eq!(FaultSpec::parse("latency=1.5s").unwrap().latency, Duration::from_millis(1500));
        assert_eq!(FaultSpec::parse("").unwrap(), FaultSpec::default());
    }

    #[test]
    fn rejects_bad_items_by_name() {
        for bad in ["5xx=2", "latency=fast", "speed=0", "nope=1", "seed"] {
            let err = FaultSpec::parse(bad).unwrap_err();
            assert!(err.to_string().contains(bad), "{bad}: {err}");
        }
    }
}
