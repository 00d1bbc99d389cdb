//! Deterministic randomness: a SplitMix64 generator and a stable 64-bit hash of text (the first
//! eight bytes of SHA-256). Everything the emulator "randomises" — picture colours, injected
//! faults, job ids — comes from here, so a seed replays a run exactly. Not for cryptography.

use sha2::{Digest, Sha256};

/// A SplitMix64 generator: tiny, fast, and good enough for pictures and dice rolls.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.state)
    }

    /// A uniform float in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The SplitMix64 finaliser: a bijective scramble of 64 bits.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform float in [0, 1) for decision number `n` of stream `stream` under `seed`: the same
/// arguments always give the same value, whatever order decisions are taken in.
pub fn roll(seed: u64, stream: u64, n: u64) -> f64 {
    let mut g = SplitMix64::new(mix(seed ^ mix(stream.wrapping_add(0x5EED))) ^ n.wrapping_mul(0xA24B_AED4_963E_E407));
    g.next_f64()
}

/// A stable 64-bit hash of a list of text parts (separated, so `["ab","c"] != ["a","bc"]`).
pub fn hash_parts(parts: &[&[u8]]) -> u64 {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    let digest = hasher.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_floats_in_range() {
        let mut a = SplitMix64::new(42);
        let mut b = SplitMix64::new(42);
        for _ in 0..100 {
            let x = a.next_f64();
            assert_eq!(x, b.next_f64());
            assert!((0.0..1.0).contains(&x));
        }
        assert_ne!(SplitMix64::new(1).next_u64(), SplitMix64::new(2).next_u64());
    }

    #[test]
    fn hash_separates_parts_and_rolls_are_stable() {
        assert_ne!(hash_parts(&[b"ab", b"c"]), hash_parts(&[b"a", b"bc"]));
        assert_eq!(roll(7, 1, 3), roll(7, 1, 3));
        assert_ne!(roll(7, 1, 3), roll(7, 1, 4));
        let share = (0..10_000).filter(|n| roll(9, 2, *n) < 0.25).count();
        assert!((2_200..2_800).contains(&share), "{share}");
    }
}
