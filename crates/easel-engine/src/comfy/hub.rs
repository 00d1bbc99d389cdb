//! The one websocket of an engine's ComfyUI client id, shared by its runs: the server sends
//! every prompt's events to that socket, so one watch feeds a broadcast that each run filters
//! by its prompt id. Started by the first run that listens; started again by a later run when
//! it gave up (the server was down for a while).

use std::sync::{Arc, Mutex};

use easel_comfy::{Comfy, Watched};
use tokio::sync::broadcast;
use tokio::task::JoinHandle;

/// Events a slow run may fall behind by before it reads `/history` instead.
const BACKLOG: usize = 1024;

/// The broadcast every run subscribes to, and the task feeding it from the websocket.
type Relay = (broadcast::Sender<Arc<Watched>>, JoinHandle<()>);

#[derive(Default)]
pub(crate) struct Hub {
    running: Mutex<Option<Relay>>,
}

impl Hub {
    /// A receiver of every event from now on (the watch started if it is not running).
    pub(crate) fn subscribe(&self, comfy: &Comfy) -> broadcast::Receiver<Arc<Watched>> {
        // The slot only holds a sender and a handle; a poisoned lock still holds a usable pair.
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((sender, task)) = running.as_ref() {
            if !task.is_finished() {
                return sender.subscribe();
            }
        }
        let (sender, receiver) = broadcast::channel(BACKLOG);
        let task = tokio::spawn(relay(comfy.watch(), sender.clone()));
        *running = Some((sender, task));
        receiver
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        if let Some((_, task)) = self.running.get_mut().unwrap_or_else(|p| p.into_inner()).take() {
            task.abort();
        }
    }
}

async fn relay(mut watch: easel_comfy::Watch, sender: broadcast::Sender<Arc<Watched>>) {
    while let Some(watched) = watch.events.recv().await {
        let gone = matches!(watched, Watched::Gone(_));
        // No run listening is no loss: events of a prompt nobody follows are nobody's.
        sender.send(Arc::new(watched)).ok();
        if gone {
            return;
        }
    }
}
