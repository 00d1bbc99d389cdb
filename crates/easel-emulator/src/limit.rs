//! The request budget: a token bucket per credential, refilled at `rate` tokens per second
//! with a burst of `rate`, so "5 requests/s" admits five at once and then one every 200 ms.
//! A refused request costs nothing. The caller answers refusals with HTTP 429 (gRPC code 8).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::Instant;

/// Token buckets keyed by credential.
#[derive(Debug)]
pub struct RateLimit<K> {
    rate: f64,
    buckets: Mutex<HashMap<K, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl<K: Eq + Hash + Clone> RateLimit<K> {
    /// A limit of `per_second` requests per key; 0 admits everything.
    pub fn new(per_second: u32) -> RateLimit<K> {
        RateLimit { rate: per_second as f64, buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes a token for `key` at `now`; false when the bucket is empty.
    pub fn admit(&self, key: &K, now: Instant) -> bool {
        if self.rate <= 0.0 {
            return true;
        }
        let mut buckets = self.buckets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let bucket = buckets.entry(key.clone()).or_insert(Bucket { tokens: self.rate, at: now });
        let refill = now.saturating_duration_since(bucket.at).as_secs_f64() * self.rate;
        bucket.tokens = (bucket.tokens + refill).min(self.rate);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn admits_a_burst_then_refills_at_the_rate() {
        let limit = RateLimit::new(5);
        let t0 = Instant::now();
        let admitted = (0..8).filter(|_| limit.admit(&"k", t0)).count();
        assert_eq!(admitted, 5);
        assert!(limit.admit(&"other", t0), "keys have separate buckets");
        assert!(!limit.admit(&"k", t0 + Duration::from_millis(150)));
        assert!(limit.admit(&"k", t0 + Duration::from_millis(210)));
        assert!(!limit.admit(&"k", t0 + Duration::from_millis(220)));
        let unlimited = RateLimit::new(0);
        assert!((0..100).all(|_| unlimited.admit(&"k", t0)));
    }
}
