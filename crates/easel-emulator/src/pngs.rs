//! Rendered PNGs, kept in memory within a byte budget. Each image has a slot on its job; the
//! first download renders it (off the async threads, one render per image at a time) and later
//! downloads reuse the bytes. When the budget is exceeded the oldest renders are dropped; they
//! are rendered again if asked for, byte for byte the same, since pictures are deterministic.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use crate::render::{render_png, Picture};

/// Bytes of PNG data kept before the oldest renders are dropped.
pub const BUDGET: usize = 256 * 1024 * 1024;

type Bytes = Arc<Vec<u8>>;

/// One image's rendered bytes, if any.
#[derive(Debug, Default)]
pub struct Slot {
    render: tokio::sync::Mutex<()>,
    bytes: Mutex<Option<Bytes>>,
}

impl Slot {
    fn get(&self) -> Option<Bytes> {
        self.bytes.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    fn set(&self, bytes: Option<Bytes>) {
        *self.bytes.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = bytes;
    }
}

/// The renders currently kept, oldest first, with their owners' slots.
#[derive(Debug, Default)]
pub struct Kept {
    queue: Mutex<Queue>,
}

/// Kept renders (slot, size), oldest first, and their total size.
#[derive(Debug, Default)]
struct Queue {
    renders: VecDeque<(Arc<Slot>, usize)>,
    total: usize,
}

impl Kept {
    /// The bytes for `slot`, rendering `picture` when they are not kept.
    pub async fn bytes(&self, slot: &Arc<Slot>, picture: &Picture) -> Result<Bytes, String> {
        if let Some(bytes) = slot.get() {
            return Ok(bytes);
        }
        let _rendering = slot.render.lock().await;
        if let Some(bytes) = slot.get() {
            return Ok(bytes);
        }
        let picture = picture.clone();
        let rendered = tokio::task::spawn_blocking(move || render_png(&picture)).await;
        let bytes = Arc::new(rendered.map_err(|e| format!("renderer stopped: {e}"))??);
        slot.set(Some(bytes.clone()));
        self.keep(slot.clone(), bytes.len(), BUDGET);
        Ok(bytes)
    }

    /// Records a render of `size` bytes and drops the oldest ones beyond `budget`.
    fn keep(&self, slot: Arc<Slot>, size: usize, budget: usize) {
        let mut queue = self.queue.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        queue.renders.push_back((slot, size));
        queue.total += size;
        while queue.total > budget && queue.renders.len() > 1 {
            if let Some((old, old_size)) = queue.renders.pop_front() {
                old.set(None);
                queue.total -= old_size;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oldest_renders_are_dropped_beyond_the_budget() {
        let kept = Kept::default();
        let slots: Vec<Arc<Slot>> = (0..3).map(|_| Arc::new(Slot::default())).collect();
        for slot in &slots {
            slot.set(Some(Arc::new(vec![0; 10])));
            kept.keep(slot.clone(), 10, 25);
        }
        assert!(slots[0].get().is_none());
        assert!(slots[1].get().is_some() && slots[2].get().is_some());
    }

    #[tokio::test]
    async fn renders_once_and_reuses() {
        let kept = Kept::default();
        let slot = Arc::new(Slot::default());
        let picture = Picture { width: 16, height: 16, key: 1, caption: vec![], prompt_json: "{}".into() };
        let a = kept.bytes(&slot, &picture).await.unwrap();
        let b = kept.bytes(&slot, &picture).await.unwrap();
        assert!(Arc::ptr_eq(&a, &b));
    }
}
