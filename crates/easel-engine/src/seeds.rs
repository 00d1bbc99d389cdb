//! Seed control for batches: each seed input of a graph can stay fixed, count up, count down or
//! be randomized for every run of a batch. The seed actually sent is what the run records.
//! Seeds stay within 0..2^32 when randomized (the stages API's documented maximum, and far from
//! the 2^53 limit where JSON doubles lose precision).

use easel_workflow::{Input, Workflow};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

/// How a seed input changes from one run of a batch to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum SeedMode {
    /// Every run sends the value as written.
    Fixed,
    /// Run i sends value + i.
    Increment,
    /// Run i sends value - i (not below 0).
    Decrement,
    /// Every run sends a fresh random seed.
    Randomize,
}

/// The mode of one seed input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SeedControl {
    /// The node.
    pub node_id: String,
    /// The input (`seed`, `noise_seed`).
    pub input: String,
    /// How it changes.
    pub mode: SeedMode,
}

/// Input names ComfyUI nodes use for seeds.
pub const SEED_INPUTS: &[&str] = &["seed", "noise_seed"];

/// Every literal seed input of the graph as (node id, input name).
pub fn seed_inputs(workflow: &Workflow) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (id, node) in &workflow.nodes {
        for name in SEED_INPUTS {
            if matches!(node.inputs.get(*name), Some(Input::Value(v)) if v.is_number()) {
                out.push((id.clone(), name.to_string()));
            }
        }
    }
    out
}

/// The graph for run `index` of a batch, with seeds changed per `controls`.
pub fn apply_seeds(workflow: &Workflow, controls: &[SeedControl], index: u32) -> Workflow {
    let mut out = workflow.clone();
    for control in controls {
        let Some(node) = out.nodes.get_mut(&control.node_id) else { continue };
        let Some(Input::Value(value)) = node.inputs.get(&control.input) else { continue };
        let base = value.as_u64().unwrap_or(0);
        let seed = match control.mode {
            SeedMode::Fixed => continue,
            SeedMode::Increment => base.saturating_add(u64::from(index)),
            SeedMode::Decrement => base.saturating_sub(u64::from(index)),
            SeedMode::Randomize => u64::from(fastrand::u32(..)),
        };
        node.inputs.insert(control.input.clone(), Input::Value(Value::from(seed)));
    }
    out
}

/// `workflow` with the seeds of `used` (`seeds_used`'s form) written in.
pub(crate) fn with_seeds(workflow: &Workflow, used: &Value) -> Workflow {
    let mut out = workflow.clone();
    for (id, inputs) in used.as_object().into_iter().flatten() {
        let Some(node) = out.nodes.get_mut(id) else { continue };
        for (input, seed) in inputs.as_object().into_iter().flatten() {
            node.inputs.insert(input.clone(), Input::Value(seed.clone()));
        }
    }
    out
}

/// The seeds a graph sends, `{nodeId: {input: seed}}`, for the run record and the PNG.
pub fn seeds_used(workflow: &Workflow) -> Value {
    let mut seeds = Map::new();
    for (id, name) in seed_inputs(workflow) {
        if let Some(Input::Value(v)) = workflow.nodes.get(&id).and_then(|n| n.inputs.get(&name)) {
            let entry = seeds.entry(id).or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(m) = entry {
                m.insert(name, v.clone());
            }
        }
    }
    Value::Object(seeds)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph() -> Workflow {
        Workflow::from_json_str(r#"{"3":{"classType":"KSampler","inputs":{"seed":10}},"9":{"classType":"KSamplerAdvanced","inputs":{"noise_seed":5}}}"#)
            .unwrap()
            .workflow
    }

    #[test]
    fn modes_change_each_run_of_a_batch() {
        let controls = [
            SeedControl { node_id: "3".into(), input: "seed".into(), mode: SeedMode::Increment },
            SeedControl { node_id: "9".into(), input: "noise_seed".into(), mode: SeedMode::Decrement },
        ];
        let third = apply_seeds(&graph(), &controls, 2);
        assert_eq!(seeds_used(&third), serde_json::json!({"3": {"seed": 12}, "9": {"noise_seed": 3}}));
        let far = apply_seeds(&graph(), &controls, 9);
        assert_eq!(far.nodes["9"].number("noise_seed"), Some(0.0), "never below zero");
        let fixed = [SeedControl { node_id: "3".into(), input: "seed".into(), mode: SeedMode::Fixed }];
        assert_eq!(apply_seeds(&graph(), &fixed, 4), graph());
        let random = [SeedControl { node_id: "3".into(), input: "seed".into(), mode: SeedMode::Randomize }];
        let seeds: std::collections::HashSet<u64> =
            (0..20).map(|i| apply_seeds(&graph(), &random, i).nodes["3"].number("seed").unwrap() as u64).collect();
        assert!(seeds.len() > 15, "randomized seeds differ: {seeds:?}");
        assert!(seeds.iter().all(|s| *s < 1 << 32));
    }

    #[test]
    fn finds_seed_inputs() {
        assert_eq!(seed_inputs(&graph()), [("3".to_string(), "seed".to_string()), ("9".into(), "noise_seed".into())]);
    }
}
