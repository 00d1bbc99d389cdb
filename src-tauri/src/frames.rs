//! Job events reach the window at most once per frame for each destination (a start call's
//! channel, or `job://event`). Every message to the webview is one script WebKit evaluates on its
//! main thread, whatever it carries; ten runs progressing sent about 70 a second. (That thread
//! stays saturated under ten runs however long events gather, 16 to 250 ms: the message count is
//! not its load; BENCHMARKS.md, issue 18.) Events that arrive within one frame go as one array,
//! with a node's newer progress folded into its older one (`JobEvent::coalesce`): the window
//! sees every state change, saved image and end, in each run's order, at most one frame late.
//! Leaves out what the events say and where they go: the sender given decides.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use easel_engine::{EventSink, JobEvent};
use tauri::AppHandle;

/// How long events gather before they go: one frame at 60 Hz.
pub const FRAME: Duration = Duration::from_millis(16);

/// The most events one message carries; more in one frame go in further messages. A frame's
/// events are folded, so only a burst of distinct changes (many runs ending at once) reaches it.
pub const MAX_EVENTS_PER_MESSAGE: usize = 512;

/// How long events gather: `FRAME`, or in a benchmark build (`bench` feature) the
/// `EASEL_BENCH_FRAME_MS` it is started with, to measure what each message costs the window.
fn gathering() -> Duration {
    #[cfg(feature = "bench")]
    {
        // Read once: this is called for every batch.
        static CHOSEN: std::sync::OnceLock<Duration> = std::sync::OnceLock::new();
        *CHOSEN.get_or_init(|| {
            std::env::var("EASEL_BENCH_FRAME_MS")
                .ok()
                .and_then(|v| v.parse::<u64>().ok())
                .map_or(FRAME, |ms| Duration::from_millis(ms.clamp(1, 1_000)))
        })
    }
    #[cfg(not(feature = "bench"))]
    FRAME
}

#[derive(Default)]
struct Pending {
    events: Vec<JobEvent>,
    /// A send is scheduled for the events gathered.
    scheduled: bool,
}

/// The sink of events bound for the window through `send` (a call's channel, or `job://event`,
/// named by `destination` in the log): saved images are announced to the gallery at once, the
/// events themselves go once per frame.
pub fn to_window(
    app: AppHandle,
    destination: &'static str,
    send: impl Fn(Vec<JobEvent>) -> tauri::Result<()> + Send + Sync + 'static,
) -> EventSink {
    let batched = per_frame(move |batch| {
        if let Err(e) = send(batch) {
            eprintln!("easel-app: could not deliver events to {destination}: {e}");
        }
    });
    Arc::new(move |event: JobEvent| {
        crate::announce_saved(&app, &event);
        batched(event);
    })
}

/// An event sink that gathers events for one frame, then hands them to `deliver` in order.
fn per_frame(deliver: impl Fn(Vec<JobEvent>) + Send + Sync + 'static) -> EventSink {
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
            tokio::time::sleep(gathering()).await;
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

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use easel_engine::{JobChange, NodeState};

    use super::*;

    fn node(run: &str, status: NodeState, progress: f64) -> JobEvent {
        JobEvent {
            run_id: run.into(),
            change: JobChange::Node { node_id: "3".into(), status, progress, overall: progress },
        }
    }

    #[test]
    fn every_change_arrives_once_in_order_with_progress_folded() {
        let (tx, rx) = mpsc::channel();
        let sink = per_frame(move |batch| tx.send(batch).unwrap());
        for step in 1..=9 {
            sink(node("a", NodeState::Running, step as f64 / 10.0));
            if step == 5 {
                sink(node("b", NodeState::Running, 0.5));
            }
        }
        sink(node("a", NodeState::Done, 1.0));
        // However the frames fall, what arrives is whole and ordered; only how much is folded
        // depends on them.
        let mut got: Vec<JobEvent> = Vec::new();
        while !got.iter().any(|e| matches!(e.change, JobChange::Node { status: NodeState::Done, .. })) {
            got.extend(rx.recv_timeout(Duration::from_secs(10)).expect("a batch within 10 s"));
        }
        let a: Vec<&JobEvent> = got.iter().filter(|e| e.run_id == "a").collect();
        assert_eq!(a.last().copied(), Some(&node("a", NodeState::Done, 1.0)), "{got:?}");
        let progress: Vec<f64> = a
            .iter()
            .filter_map(|e| match e.change {
                JobChange::Node { status: NodeState::Running, progress, .. } => Some(progress),
                _ => None,
            })
            .collect();
        assert!(!progress.is_empty() && progress.windows(2).all(|w| w[0] < w[1]), "{progress:?}");
        assert_eq!(progress.last(), Some(&0.9), "the newest progress before the end is kept");
        assert_eq!(got.iter().filter(|e| e.run_id == "b").count(), 1, "{got:?}");
        assert!(got.len() <= 11, "nothing is delivered twice: {got:?}");
    }
}
