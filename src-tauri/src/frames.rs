//! Job events reach the window at most once per frame for each destination (a start call's
//! channel, or `job://event`). Every message to the webview is one script WebKit evaluates on its
//! main thread, whatever it carries; ten runs progressing sent about 70 a second, and that thread
//! was saturated (BENCHMARKS.md, issue 18). Events that arrive within one frame go as one array,
//! with a node's newer progress folded into its older one (`JobEvent::coalesce`): the window
//! sees every state change, saved image and end, in each run's order, at most one frame late.
//! Leaves out what the events say and where they go: the sink given decides.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use easel_engine::{EventSink, JobEvent};

/// How long events gather before they go: one frame at 60 Hz.
pub const FRAME: Duration = Duration::from_millis(16);

/// The most events one message carries; more in one frame go in further messages. A frame's
/// events are folded, so only a burst of distinct changes (many runs ending at once) reaches it.
pub const MAX_EVENTS_PER_MESSAGE: usize = 512;

#[derive(Default)]
struct Pending {
    events: Vec<JobEvent>,
    /// A send is scheduled for the events gathered.
    scheduled: bool,
}

/// An event sink that gathers events for one frame, then hands them to `deliver` in order.
pub fn per_frame(deliver: impl Fn(Vec<JobEvent>) + Send + Sync + 'static) -> EventSink {
    let pending = Arc::new(Mutex::new(Pending::default()));
    let deliver = Arc::new(deliver);
    Arc::new(move |event: JobEvent| {
        let mut state = pending.lock().unwrap_or_else(|p| p.into_inner());
        JobEvent::coalesce(&mut state.events, event);
        if state.scheduled {
            return;
        }
        state.scheduled = true;
        drop(state);
        let (pending, deliver) = (pending.clone(), deliver.clone());
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(FRAME).await;
            // Delivered under the lock, so the next frame's send cannot overtake this one.
            let mut state = pending.lock().unwrap_or_else(|p| p.into_inner());
            state.scheduled = false;
            let mut events = std::mem::take(&mut state.events).into_iter().peekable();
            while events.peek().is_some() {
                deliver(events.by_ref().take(MAX_EVENTS_PER_MESSAGE).collect());
            }
        });
    })
}
