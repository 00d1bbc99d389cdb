//! `Sensitive<T>`: a value (the API key) that must never be printed. Debug and Display show
//! `<redacted>`; the only way to the inner value is the explicit `expose()`. On drop the value
//! is overwritten (`Wipe`), so a key does not linger in freed memory for a core dump or a later
//! allocation to reveal. Copies a caller makes of `expose()` are its own to care for; this type
//! only answers for the memory it owns.

use std::fmt;
use std::sync::atomic::{compiler_fence, Ordering};
use std::sync::Arc;

/// A secret that redacts itself in every formatted output and is wiped when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive<T: Wipe>(T);

/// Overwrites a secret's memory in place before it is freed.
pub trait Wipe {
    /// Zeroes the bytes this value owns.
    fn wipe(&mut self);
}

impl Wipe for String {
    fn wipe(&mut self) {
        // SAFETY: only zero bytes are written, and zero is valid UTF-8, so the string stays a
        // string; the length is then set to 0.
        let bytes = unsafe { self.as_mut_vec() };
        wipe_vec(bytes);
    }
}

impl Wipe for Vec<u8> {
    fn wipe(&mut self) {
        wipe_vec(self);
    }
}

/// An RSA key is shared (`Arc`): other holders may still use it, and the `rsa` crate zeroes the
/// key's numbers itself when the last holder drops it, so there is nothing to do here.
impl<T> Wipe for Arc<T> {
    fn wipe(&mut self) {}
}

/// Zeroes the whole allocation (length and spare capacity: an earlier, longer value may have
/// left bytes there) with volatile writes the optimiser may not remove as dead stores.
fn wipe_vec(bytes: &mut Vec<u8>) {
    let capacity = bytes.capacity();
    let start = bytes.as_mut_ptr();
    for i in 0..capacity {
        // SAFETY: `i < capacity`, so the write stays inside the allocation the Vec owns; writing
        // (never reading) spare capacity is allowed.
        unsafe { std::ptr::write_volatile(start.add(i), 0) };
    }
    compiler_fence(Ordering::SeqCst);
    bytes.clear();
}

impl<T: Wipe> Sensitive<T> {
    /// Wraps a secret.
    pub fn new(value: T) -> Self {
        Sensitive(value)
    }

    /// The secret itself; call only where it is sent or stored in the keychain.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T: Wipe> Drop for Sensitive<T> {
    fn drop(&mut self) {
        self.0.wipe();
    }
}

impl<T: Wipe> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T: Wipe> fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_formats_the_secret() {
        let key = Sensitive::new("sk-123456".to_string());
        assert_eq!(format!("{key:?} {key}"), "<redacted> <redacted>");
        assert_eq!(key.expose(), "sk-123456");
    }

    #[test]
    fn wiping_zeroes_length_and_spare_capacity() {
        // The wipe itself is observed on a value we still own; after a real drop the memory is
        // freed and reading it would be undefined behaviour.
        let mut text = String::with_capacity(64);
        text.push_str("a-much-longer-earlier-secret");
        text.truncate(4);
        let (ptr, capacity) = (text.as_ptr(), text.capacity());
        text.wipe();
        assert!(text.is_empty());
        // SAFETY: the allocation is still owned by `text` and every byte of it was written.
        let all = unsafe { std::slice::from_raw_parts(ptr, capacity) };
        assert!(all.iter().all(|b| *b == 0), "{all:?}");
        let mut bytes = b"secret".to_vec();
        bytes.wipe();
        assert!(bytes.is_empty());
    }
}
