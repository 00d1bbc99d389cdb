//! One run on a ComfyUI server: queue the graph under the run's own prompt id (a process that
//! died after queueing finds it again instead of queueing twice), follow the websocket's events
//! for that prompt (nodes cached, running with their progress, done; each result saved as soon
//! as a node reports it), and take the end from `/history`, which the server writes before it
//! says the prompt is over. When the socket is quiet, dropped or behind, `/history` and
//! `/queue` say where the prompt is; one the server no longer knows is lost, never done.
//! Cancel interrupts a running prompt or takes a waiting one out of the queue.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use easel_comfy::{Comfy, Event, HistoryEntry, ImageRef, PreviewFormat, RunStatus, Watched};
use serde_json::Value;
use tokio::sync::broadcast::error::RecvError;
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::save::{resource_of, save_result};
use super::ComfyBackend;
use crate::plan::{PlannedWork, RunPlan};
use crate::run::{collect_ready, finish_downloads, keep_started_downloads, FinalState, RunControl};
use crate::{EngineError, Inner, JobChange, NodeState, RunOutcome, SavedImage};

/// How long a run waits without an event of its own before asking `/history` and `/queue`.
const QUIET_CHECK: Duration = Duration::from_secs(2);

/// Checks in a row that find the prompt neither waiting, running nor recorded: then it is lost.
const LOST_AFTER: u32 = 3;

/// The largest preview passed to the window, and how often one node's preview may change.
const MAX_PREVIEW_BYTES: usize = 512 * 1024;
const PREVIEW_EVERY: Duration = Duration::from_millis(200);

/// How long the server may be unreachable while a prompt is on it (restarting, a network blip)
/// before the run fails: its prompt may still finish, and a resume looks again.
const UNREACHABLE_FOR: Duration = Duration::from_secs(120);

type Saves = JoinSet<Result<SavedImage, EngineError>>;

pub(crate) async fn follow(
    inner: &Arc<Inner>,
    server: &ComfyBackend,
    plan: &Arc<RunPlan>,
    control: &RunControl,
    outcome: &mut RunOutcome,
) -> Result<FinalState, EngineError> {
    let PlannedWork::Graph { order, prompt_chunk, editor_chunk, .. } = &plan.work else {
        return Err(EngineError::Unsupported("templates run on the Tensor.Art service only".into()));
    };
    let comfy = &server.comfy;
    // Listening before queueing, so not even the first event is missed.
    let mut events = server.hub.subscribe(comfy);
    let resumed = plan.job_id.is_some();
    let prompt_id = match &plan.job_id {
        Some(id) => id.clone(),
        None => {
            match submit_when_reachable(inner, comfy, plan, control, prompt_chunk, editor_chunk.as_deref()).await? {
                Some(id) => id,
                // Canceled while the server was away: nothing reached it.
                None => return Ok(FinalState::Canceled(None)),
            }
        }
    };
    outcome.job_id = Some(prompt_id.clone());
    inner.emit_run(plan, JobChange::Submitted { job_id: prompt_id.clone() });

    let mut run = Follow {
        nodes: Nodes::new(order),
        saves: JoinSet::new(),
        offered: HashSet::new(),
        started: false,
        last_preview: None,
    };
    let mut first_error: Option<EngineError> = None;
    let deadline = Instant::now() + inner.limits.job_timeout;
    let mut ticks = tokio::time::interval(QUIET_CHECK);
    let (mut check_now, mut cancel_sent, mut unseen) = (resumed, false, 0u32);
    let mut last_heard = Instant::now();
    let mut unreachable_since: Option<Instant> = None;
    loop {
        if control.canceled.load(Ordering::SeqCst) && !cancel_sent {
            cancel(comfy, &prompt_id).await?;
            (cancel_sent, check_now) = (true, true);
        }
        if check_now {
            check_now = false;
            let seen = match where_is(comfy, &prompt_id).await {
                Ok(seen) => {
                    unreachable_since = None;
                    seen
                }
                Err(EngineError::Comfy(e @ easel_comfy::ComfyError::Network { .. })) => {
                    let since = *unreachable_since.get_or_insert_with(Instant::now);
                    if since.elapsed() >= UNREACHABLE_FOR {
                        return Err(EngineError::Comfy(e));
                    }
                    Seen::Unreachable
                }
                Err(e) => return Err(e),
            };
            if let Seen::Recorded(entry) = seen {
                return run.finish(inner, plan, &prompt_id, entry, outcome, &mut first_error).await;
            }
            if matches!(seen, Seen::Unreachable | Seen::Queued) {
                unseen = 0;
            } else if cancel_sent {
                keep_started_downloads(inner, plan, &mut run.saves, outcome).await;
                return Ok(FinalState::Canceled(None));
            } else {
                unseen += 1;
                if unseen >= LOST_AFTER {
                    return Err(EngineError::JobUnknown {
                        job_id: prompt_id,
                        reason: "the ComfyUI server has it neither queued, running nor in its history".into(),
                    });
                }
            }
        }
        if Instant::now() >= deadline {
            return Err(EngineError::JobFailed(format!(
                "no result after {} s; the prompt is still on the ComfyUI server",
                inner.limits.job_timeout.as_secs()
            )));
        }
        tokio::select! {
            received = events.recv() => match received {
                Ok(watched) => match &*watched {
                    // Events sent while the socket was down are gone: the record says what happened.
                    Watched::Connected { again } => check_now |= *again,
                    Watched::Gone(_) => check_now = true,
                    Watched::Event(event) => {
                        if run.apply(inner, plan, &prompt_id, event) {
                            last_heard = Instant::now();
                            check_now |= ends(event);
                        }
                    }
                },
                Err(RecvError::Lagged(_)) => check_now = true,
                Err(RecvError::Closed) => {
                    check_now = true;
                    events = server.hub.subscribe(comfy);
                }
            },
            _ = ticks.tick() => {
                check_now |= last_heard.elapsed() >= QUIET_CHECK || unseen > 0 || unreachable_since.is_some();
            }
            _ = control.wake.notified() => {}
        }
        collect_ready(inner, plan, &mut run.saves, outcome, &mut first_error);
    }
}

/// Where the server has a prompt.
enum Seen {
    Recorded(HistoryEntry),
    Queued,
    Nowhere,
    Unreachable,
}

async fn where_is(comfy: &Comfy, prompt_id: &str) -> Result<Seen, EngineError> {
    if let Some(entry) = comfy.history(prompt_id).await? {
        return Ok(Seen::Recorded(entry));
    }
    let queue = comfy.queue().await?;
    let queued = queue.running.iter().chain(&queue.pending).any(|p| p == prompt_id);
    Ok(if queued { Seen::Queued } else { Seen::Nowhere })
}

/// The event after which the prompt's record is in `/history`: the server ends every prompt
/// (done, failed or interrupted) with `executing {node: null}`, after writing its history.
fn ends(event: &Event) -> bool {
    matches!(event, Event::Executing { node: None, .. })
}

/// `submit`, waiting up to `UNREACHABLE_FOR` for a server that is restarting or not up yet;
/// `None` when the run is canceled meanwhile.
async fn submit_when_reachable(
    inner: &Inner,
    comfy: &Comfy,
    plan: &RunPlan,
    control: &RunControl,
    prompt_chunk: &str,
    editor: Option<&str>,
) -> Result<Option<String>, EngineError> {
    let since = Instant::now();
    loop {
        match submit(inner, comfy, plan, prompt_chunk, editor).await {
            Ok(id) => return Ok(Some(id)),
            Err(EngineError::Comfy(easel_comfy::ComfyError::Network { .. })) if since.elapsed() < UNREACHABLE_FOR => {}
            Err(e) => return Err(e),
        }
        if control.canceled.load(Ordering::SeqCst) {
            return Ok(None);
        }
        tokio::select! {
            _ = tokio::time::sleep(QUIET_CHECK) => {}
            _ = control.wake.notified() => {}
        }
        if control.canceled.load(Ordering::SeqCst) {
            return Ok(None);
        }
    }
}

/// Queues the graph under the run's prompt id, unless the server has it already.
async fn submit(
    inner: &Inner,
    comfy: &Comfy,
    plan: &RunPlan,
    prompt_chunk: &str,
    editor: Option<&str>,
) -> Result<String, EngineError> {
    // The server takes client prompt ids only as hyphenated UUIDs; request ids are UUIDs.
    let prompt_id = uuid::Uuid::parse_str(&plan.request_id)
        .map(|u| u.hyphenated().to_string())
        .unwrap_or_else(|_| uuid::Uuid::new_v4().to_string());
    // A process that died between queueing and recording the id left the prompt on the server;
    // a run this process just planned has an id no server has seen.
    let known = plan.resumed && !matches!(where_is(comfy, &prompt_id).await?, Seen::Nowhere);
    if !known {
        let unreadable = |e: serde_json::Error| EngineError::Store(format!("run {}'s stored graph: {e}", plan.run_id));
        let graph: Value = serde_json::from_str(prompt_chunk).map_err(unreadable)?;
        let editor: Option<Value> = editor.map(serde_json::from_str).transpose().map_err(unreadable)?;
        let queued = comfy.queue_prompt(&graph, editor.as_ref(), &prompt_id).await?;
        for dropped in queued.dropped {
            eprintln!("easel: the ComfyUI server leaves out node {:?}: {}", dropped.node_id, dropped.message);
        }
    }
    inner.with_store(|s| s.set_job_id(&plan.run_id, &prompt_id))?;
    Ok(prompt_id)
}

async fn cancel(comfy: &Comfy, prompt_id: &str) -> Result<(), EngineError> {
    let queue = comfy.queue().await?;
    if queue.running.iter().any(|p| p == prompt_id) {
        comfy.interrupt(prompt_id).await?;
    } else if queue.pending.iter().any(|p| p == prompt_id) {
        comfy.delete_pending(&[prompt_id.to_string()]).await?;
    }
    Ok(())
}

/// What a followed run keeps: its nodes' states, the saves under way and what was offered.
struct Follow {
    nodes: Nodes,
    saves: Saves,
    offered: HashSet<String>,
    started: bool,
    last_preview: Option<Instant>,
}

impl Follow {
    /// Applies one event if it is about this prompt; says whether it was.
    fn apply(&mut self, inner: &Arc<Inner>, plan: &Arc<RunPlan>, prompt_id: &str, event: &Event) -> bool {
        let ours = |p: &Option<String>| p.as_deref() == Some(prompt_id);
        match event {
            Event::Started { prompt_id: p } if p == prompt_id => {
                if !self.started {
                    self.started = true;
                    // Only the history's "waited"/"ran" split needs it: reported, the run goes on.
                    if let Err(e) = inner.with_store(|s| s.mark_started(&plan.run_id)) {
                        eprintln!("easel: could not record when run {} started: {e}", plan.run_id);
                    }
                }
            }
            Event::Cached { prompt_id: p, nodes } if p == prompt_id => {
                for node in nodes {
                    self.nodes.set(inner, plan, node, NodeState::Done, 1.0);
                }
            }
            Event::Executing { prompt_id: p, node } if ours(p) => match node {
                Some(node) => {
                    self.nodes.finish_running(inner, plan);
                    self.nodes.set(inner, plan, node, NodeState::Running, 0.0);
                }
                None => self.nodes.finish_running(inner, plan),
            },
            Event::Progress { prompt_id: p, node: Some(node), value, max } if ours(p) && *max > 0 => {
                let share = (*value as f64 / *max as f64).clamp(0.0, 1.0);
                self.nodes.set(inner, plan, node, NodeState::Running, share);
            }
            Event::Executed { prompt_id: p, node, images } if p == prompt_id => {
                for image in images {
                    self.offer(inner, plan, prompt_id, node, image);
                }
            }
            Event::Failed { prompt_id: p, node, .. } if p == prompt_id => {
                if let Some(node) = node {
                    self.nodes.set(inner, plan, node, NodeState::Failed, 0.0);
                }
            }
            Event::Succeeded { prompt_id: p } | Event::Interrupted { prompt_id: p, .. } if p == prompt_id => {}
            // A preview names its prompt when the server sends metadata; a plain one belongs to
            // the prompt running now (the server runs one at a time), if it is this one.
            Event::Preview { format, node, prompt_id: p, bytes }
                if ours(p) || (p.is_none() && self.nodes.running.is_some()) =>
            {
                let Some(node) = node.clone().or_else(|| self.nodes.running.clone()) else { return true };
                self.preview(inner, plan, node, *format, bytes);
            }
            _ => return false,
        }
        true
    }

    /// Passes a preview on, at most every `PREVIEW_EVERY` (a sampler can send one per step).
    fn preview(&mut self, inner: &Inner, plan: &RunPlan, node_id: String, format: PreviewFormat, bytes: &[u8]) {
        use base64::Engine as _;
        if bytes.len() > MAX_PREVIEW_BYTES || self.last_preview.is_some_and(|t| t.elapsed() < PREVIEW_EVERY) {
            return;
        }
        self.last_preview = Some(Instant::now());
        let mime = match format {
            PreviewFormat::Jpeg => "image/jpeg",
            PreviewFormat::Png => "image/png",
        };
        let image = format!("data:{mime};base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes));
        inner.emit_run(plan, JobChange::Preview { node_id, image });
    }

    /// Starts saving a result file once; previews (`temp`) are not results.
    fn offer(&mut self, inner: &Arc<Inner>, plan: &Arc<RunPlan>, prompt_id: &str, node: &str, image: &ImageRef) {
        if image.kind != "output" || !self.offered.insert(resource_of(image)) {
            return;
        }
        let job = save_result(inner.clone(), plan.clone(), prompt_id.to_string(), node.to_string(), image.clone());
        self.saves.spawn(job);
    }

    /// The end as the record says: every result it lists saved (those the socket missed too).
    async fn finish(
        &mut self,
        inner: &Arc<Inner>,
        plan: &Arc<RunPlan>,
        prompt_id: &str,
        entry: HistoryEntry,
        outcome: &mut RunOutcome,
        first_error: &mut Option<EngineError>,
    ) -> Result<FinalState, EngineError> {
        for (node, image) in &entry.images {
            self.offer(inner, plan, prompt_id, node, image);
        }
        match entry.status {
            RunStatus::Succeeded => {
                finish_downloads(inner, plan, &mut self.saves, outcome, first_error).await;
                self.nodes.finish_all(inner, plan);
                first_error.take().map_or(Ok(FinalState::Succeeded(None)), Err)
            }
            RunStatus::Failed { node_id, message } => {
                finish_downloads(inner, plan, &mut self.saves, outcome, first_error).await;
                let at = node_id.map(|n| format!("node {n}: ")).unwrap_or_default();
                Err(EngineError::JobFailed(format!("{at}{message}")))
            }
            RunStatus::Interrupted => {
                keep_started_downloads(inner, plan, &mut self.saves, outcome).await;
                Ok(FinalState::Canceled(None))
            }
        }
    }
}

/// Each node's state as last told to the window, and the one running.
struct Nodes {
    order: Vec<String>,
    state: HashMap<String, (NodeState, f64)>,
    running: Option<String>,
}

impl Nodes {
    fn new(order: &[String]) -> Nodes {
        let state = order.iter().map(|id| (id.clone(), (NodeState::Waiting, 0.0))).collect();
        Nodes { order: order.to_vec(), state, running: None }
    }

    fn set(&mut self, inner: &Inner, plan: &RunPlan, node: &str, status: NodeState, progress: f64) {
        // Expanded subgraph nodes the graph does not list are not shown.
        let Some(slot) = self.state.get_mut(node) else { return };
        if slot.0 == status && (slot.1 - progress).abs() < 0.01 {
            return;
        }
        *slot = (status, progress);
        if status == NodeState::Running {
            self.running = Some(node.to_string());
        } else if self.running.as_deref() == Some(node) {
            self.running = None;
        }
        let overall = self.overall();
        inner.emit_run(plan, JobChange::Node { node_id: node.to_string(), status, progress, overall });
    }

    fn finish_running(&mut self, inner: &Inner, plan: &RunPlan) {
        if let Some(node) = self.running.take() {
            self.set(inner, plan, &node, NodeState::Done, 1.0);
        }
    }

    fn finish_all(&mut self, inner: &Inner, plan: &RunPlan) {
        for node in self.order.clone() {
            if self.state.get(&node).is_some_and(|(s, _)| *s != NodeState::Done && *s != NodeState::Failed) {
                self.set(inner, plan, &node, NodeState::Done, 1.0);
            }
        }
    }

    fn overall(&self) -> f64 {
        if self.order.is_empty() {
            return 0.0;
        }
        let sum: f64 = self
            .state
            .values()
            .map(|(s, p)| match s {
                NodeState::Done | NodeState::Failed => 1.0,
                NodeState::Running => *p,
                NodeState::Waiting => 0.0,
            })
            .sum();
        sum / self.order.len() as f64
    }
}
