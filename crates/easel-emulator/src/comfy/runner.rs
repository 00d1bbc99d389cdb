//! The one worker that executes queued prompts, lowest `number` first, one at a time, node by
//! node in the graph's execution order at the TAMS flavour's pace (a tick of `step_delay /
//! speed` per node and per sampler step), sending the run's websocket events in the server's
//! order and writing its history before the final `executing {node: null}`. Output nodes render
//! real PNGs at the planned size with `prompt` and `extra_pnginfo` text chunks. Faults: `fail`
//! ends a run with `execution_error`, `wsdrop` closes the client's socket half way. Left out:
//! caching between prompts (`execution_cached` is always empty), `progress_state`, text frames.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde_json::{json, Map, Value};
use tokio::sync::watch;

use super::prompt::unix_millis;
use super::state::{Comfy, Queued, Running, MAX_HISTORY_KEPT};
use super::{events, render};
use crate::job::sampler_steps;
use crate::prng::roll;

/// Random streams for the flavour's fault decisions (distinct from the TAMS ones).
const STREAM_FAIL: u64 = 20;
const STREAM_FAIL_AT: u64 = 21;
const STREAM_WSDROP: u64 = 22;

/// How a run ended.
enum End {
    Success,
    Failed(String),
    Interrupted(String),
    Closing,
}

/// Runs prompts until the emulator closes.
pub async fn worker(comfy: Arc<Comfy>) {
    let mut closing = comfy.closing.subscribe();
    loop {
        if *closing.borrow() {
            return;
        }
        match take_next(&comfy) {
            Some(queued) => run(&comfy, queued, &mut closing).await,
            None => tokio::select! {
                _ = comfy.wake.notified() => {}
                _ = closing.changed() => return,
            },
        }
    }
}

/// Moves the lowest-ranked pending prompt (first come on ties) to running.
fn take_next(comfy: &Comfy) -> Option<Queued> {
    let mut books = comfy.books();
    let index = (0..books.pending.len()).min_by(|a, b| books.pending[*a].rank.total_cmp(&books.pending[*b].rank))?;
    let queued = books.pending.remove(index);
    books.running = Some(Running { queued: queued.clone(), node: None, interrupted: false });
    Some(queued)
}

/// Waits one tick; false when the emulator is closing.
async fn tick(comfy: &Comfy, closing: &mut watch::Receiver<bool>) -> bool {
    let delay = comfy.config.step_delay.div_f64(comfy.config.faults.speed.max(f64::MIN_POSITIVE));
    tokio::select! {
        _ = tokio::time::sleep(delay) => true,
        _ = closing.changed() => false,
    }
}

fn interrupted(comfy: &Comfy) -> bool {
    comfy.books().running.as_ref().is_some_and(|r| r.interrupted)
}

/// The nodes the run executes: those the passing outputs depend on, in execution order.
fn needed(queued: &Queued) -> Vec<String> {
    let workflow = &queued.checked.workflow;
    let mut keep: HashSet<String> = HashSet::new();
    let mut stack = queued.outputs.clone();
    while let Some(id) = stack.pop() {
        if keep.insert(id.clone()) {
            if let Some(node) = workflow.nodes.get(&id) {
                stack.extend(node.inputs.values().filter_map(|i| match i {
                    easel_workflow::Input::Link(l) => Some(l.node.clone()),
                    _ => None,
                }));
            }
        }
    }
    queued.checked.order.iter().filter(|id| keep.contains(*id)).cloned().collect()
}

async fn run(comfy: &Arc<Comfy>, queued: Queued, closing: &mut watch::Receiver<bool>) {
    let client = queued.client_id();
    let pid = queued.prompt_id.clone();
    comfy.broadcast_status();
    let mut log = events::RunLog::new(comfy.clone(), client.clone(), pid.clone());
    log.run_event("execution_start", json!({"prompt_id": pid, "timestamp": unix_millis()}), true);
    log.run_event("execution_cached", json!({"nodes": [], "prompt_id": pid, "timestamp": unix_millis()}), true);
    let faults = &comfy.config.faults;
    let n = comfy.next_request();
    let order = needed(&queued);
    let fail_at = (roll(faults.seed, STREAM_FAIL, n) < faults.fail_rate).then(|| {
        ((roll(faults.seed, STREAM_FAIL_AT, n) * order.len() as f64) as usize).min(order.len().saturating_sub(1))
    });
    let drop_at = (roll(faults.seed, STREAM_WSDROP, n) < faults.ws_drop_rate).then_some(order.len() / 2);
    let images = render::planned(&queued);
    let mut outputs = Map::new();
    let mut executed: Vec<String> = Vec::new();
    let workflow = &queued.checked.workflow;
    let mut end = End::Success;
    'nodes: for (i, node_id) in order.iter().enumerate() {
        if interrupted(comfy) {
            end = End::Interrupted(node_id.clone());
            break;
        }
        if let Some(running) = comfy.books().running.as_mut() {
            running.node = Some(node_id.clone());
        }
        log.run_event("executing", json!({"node": node_id, "display_node": node_id, "prompt_id": pid}), false);
        match sampler_steps(workflow, node_id) {
            Some(steps) => {
                let preview = render::preview(&images, node_id);
                for value in 1..=steps {
                    if !tick(comfy, closing).await {
                        end = End::Closing;
                        break 'nodes;
                    }
                    if interrupted(comfy) {
                        end = End::Interrupted(node_id.clone());
                        break 'nodes;
                    }
                    log.progress(node_id, value, steps);
                    if value % 5 == 0 || value == steps {
                        log.preview(node_id, &preview);
                    }
                }
            }
            None if !tick(comfy, closing).await => {
                end = End::Closing;
                break;
            }
            None => {}
        }
        if fail_at == Some(i) {
            end = End::Failed(node_id.clone());
            break;
        }
        if drop_at == Some(i) {
            if let Some(client) = &client {
                comfy.drop_client(client);
            }
        }
        if let Some(planned) = images.get(node_id) {
            let output = render::save(comfy, &queued, node_id, planned).await;
            log.run_event(
                "executed",
                json!({"node": node_id, "display_node": node_id, "output": output, "prompt_id": pid}),
                false,
            );
            outputs.insert(node_id.clone(), output);
        }
        executed.push(node_id.clone());
    }
    let class_of = |id: &str| workflow.nodes.get(id).map(|n| n.class_type.clone()).unwrap_or_default();
    let (status_str, completed) = match &end {
        End::Success => {
            log.run_event("execution_success", json!({"prompt_id": pid, "timestamp": unix_millis()}), true);
            ("success", true)
        }
        End::Failed(node) => {
            log.run_event("execution_error", events::execution_error(&pid, node, &class_of(node), &executed), true);
            ("error", false)
        }
        End::Interrupted(node) => {
            let data = json!({"prompt_id": pid, "node_id": node, "node_type": class_of(node),
                "executed": executed, "timestamp": unix_millis()});
            log.interrupted(data);
            ("error", false)
        }
        End::Closing => return,
    };
    let meta: HashMap<&String, Value> = outputs
        .keys()
        .map(|id| (id, json!({"node_id": id, "display_node": id, "parent_node": null, "real_node_id": id})))
        .collect();
    let entry = json!({
        "prompt": queued.tuple(),
        "outputs": outputs,
        "status": {"status_str": status_str, "completed": completed, "messages": log.messages},
        "meta": meta,
    });
    {
        let mut books = comfy.books();
        books.running = None;
        books.history.retain(|(id, _)| *id != pid);
        books.history.push_back((pid.clone(), entry));
        while books.history.len() > MAX_HISTORY_KEPT {
            books.history.pop_front();
        }
    }
    comfy.broadcast_status();
    log.run_event("executing", json!({"node": null, "prompt_id": pid}), false);
}
