//! Sweeps: up to three axes (X, Y and Z, which makes one grid per value) over a graph; every
//! combination of their values is a cell, and every cell is a run (times the batch count) that
//! goes through the same pipeline, budget, queue and journal as any other. The journal keeps the
//! sweep's definition and each run's cell; when the last cell finishes, `grid` composes the
//! labelled picture into the library (`finish`). Leaves out axes over template fields.

mod axis;
pub(crate) mod finish;
mod font;
pub(crate) mod grid;

use easel_workflow::{Input, Workflow};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

pub use axis::{Axis, AxisTarget, AxisValue, MAX_AXIS_VALUES};

use crate::{seed_inputs, EngineError};

/// Axes one sweep may have (X, Y, Z).
pub const MAX_AXES: usize = 3;

/// A sweep's definition: its axes in order X, Y, Z.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Sweep {
    pub axes: Vec<Axis>,
}

/// One cell: the value index on each axis (0 where the sweep has no such axis).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Cell {
    pub x: u32,
    pub y: u32,
    pub z: u32,
}

impl Sweep {
    /// Every cell, Z slowest, then Y, then X.
    pub fn cells(&self) -> Vec<Cell> {
        let len = |i: usize| self.axes.get(i).map_or(1, |a| a.values.len() as u32);
        let mut cells = Vec::new();
        for z in 0..len(2) {
            for y in 0..len(1) {
                for x in 0..len(0) {
                    cells.push(Cell { x, y, z });
                }
            }
        }
        cells
    }

    /// How many cells there are (saturating).
    pub fn size(&self) -> usize {
        self.axes.iter().fold(1usize, |n, a| n.saturating_mul(a.values.len()))
    }

    /// Whether the sweep can run on `workflow` with `count` runs per cell.
    pub fn check(&self, workflow: &Workflow, count: u32) -> Result<(), EngineError> {
        let bad = |why: String| EngineError::BadSweep(why);
        if self.axes.is_empty() || self.axes.len() > MAX_AXES {
            return Err(bad(format!("a sweep has 1 to {MAX_AXES} axes, not {}", self.axes.len())));
        }
        for axis in &self.axes {
            if axis.values.is_empty() || axis.values.len() > MAX_AXIS_VALUES {
                return Err(bad(format!("an axis has 1 to {MAX_AXIS_VALUES} values")));
            }
            match &axis.target {
                AxisTarget::Input { node_id, input } => {
                    let node = workflow.nodes.get(node_id).ok_or_else(|| bad(format!("no node {node_id} to vary")))?;
                    if !matches!(node.inputs.get(input), Some(Input::Value(_))) {
                        return Err(bad(format!("node {node_id} has no literal input {input} to vary")));
                    }
                }
                AxisTarget::Seed if seed_inputs(workflow).is_empty() => {
                    return Err(bad("the workflow has no seed input to vary".into()));
                }
                AxisTarget::Seed => {}
                AxisTarget::Replace { find } => {
                    if find.is_empty() || !text_inputs(workflow).any(|(_, _, text)| text.contains(find.as_str())) {
                        return Err(bad(format!("S/R: \"{find}\" appears in no text input")));
                    }
                }
            }
        }
        let runs = self.size().saturating_mul(count as usize);
        if runs > crate::MAX_BATCH as usize {
            return Err(bad(format!("the sweep makes {runs} runs; one batch holds at most {}", crate::MAX_BATCH)));
        }
        Ok(())
    }

    /// `workflow` with the values of `cell` written in.
    pub fn apply(&self, workflow: &Workflow, cell: Cell) -> Workflow {
        let mut out = workflow.clone();
        for (axis, index) in self.axes.iter().zip([cell.x, cell.y, cell.z]) {
            let Some(value) = axis.values.get(index as usize) else { continue };
            match &axis.target {
                AxisTarget::Input { node_id, input } => {
                    if let Some(node) = out.nodes.get_mut(node_id) {
                        node.inputs.insert(input.clone(), Input::Value(value.value.clone()));
                    }
                }
                AxisTarget::Seed => {
                    for (node_id, input) in seed_inputs(workflow) {
                        if let Some(node) = out.nodes.get_mut(&node_id) {
                            node.inputs.insert(input, Input::Value(value.value.clone()));
                        }
                    }
                }
                AxisTarget::Replace { find } => {
                    let with = value.value.as_str().unwrap_or_default();
                    let places: Vec<(String, String, String)> = text_inputs(&out)
                        .filter(|(_, _, text)| text.contains(find.as_str()))
                        .map(|(n, i, text)| (n.to_string(), i.to_string(), text.replace(find.as_str(), with)))
                        .collect();
                    for (node_id, input, text) in places {
                        if let Some(node) = out.nodes.get_mut(&node_id) {
                            node.inputs.insert(input, Input::Value(Value::String(text)));
                        }
                    }
                }
            }
        }
        out
    }

    /// The cells whose runs may cost differently: two cells differ only when an axis over a
    /// non-text, non-seed input gives them different values (prompts and seeds do not change a
    /// price). Returns, per cell, the index of the first cell with the same price key.
    pub fn price_groups(&self, workflow: &Workflow, cells: &[Cell]) -> Vec<usize> {
        let priced: Vec<bool> = self
            .axes
            .iter()
            .map(|a| match &a.target {
                AxisTarget::Input { node_id, input } => !crate::wildcards::is_text_input(workflow, node_id, input),
                AxisTarget::Seed | AxisTarget::Replace { .. } => false,
            })
            .collect();
        let key = |c: &Cell| -> Vec<u32> {
            [c.x, c.y, c.z].iter().zip(&priced).map(|(i, p)| if *p { *i } else { 0 }).collect()
        };
        cells.iter().map(|c| cells.iter().position(|o| key(o) == key(c)).unwrap_or(0)).collect()
    }
}

/// Every literal text input of the graph: (node id, input, text).
fn text_inputs(workflow: &Workflow) -> impl Iterator<Item = (&str, &str, &str)> {
    workflow.nodes.iter().flat_map(move |(id, node)| {
        node.inputs.iter().filter_map(move |(name, input)| match input {
            Input::Value(Value::String(text)) if crate::wildcards::is_text_input(workflow, id, name) => {
                Some((id.as_str(), name.as_str(), text.as_str()))
            }
            _ => None,
        })
    })
}

impl crate::Engine {
    /// Gives the model-id values of an input axis their model's name as label, so the editor
    /// and the grid say "Demo style LoRA", not a bare id. An id the service cannot name keeps
    /// the id as its label: naming never stops a sweep.
    pub async fn name_models(&self, axis: &mut Axis) {
        if !matches!(axis.target, AxisTarget::Input { .. }) {
            return;
        }
        for value in &mut axis.values {
            let Some(id) = value.value.as_str().filter(|v| easel_workflow::is_model_id(v) && value.label == *v) else {
                continue;
            };
            match self.model_info(id).await {
                Ok(crate::ModelInfo { name: Some(name), .. }) if !name.trim().is_empty() => value.label = name,
                Ok(_) => {}
                Err(e) => eprintln!("easel: sweep label of model {id} stays its id: {e}"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use easel_workflow::REFERENCE_WORKFLOW;

    fn reference() -> Workflow {
        Workflow::from_json_str(REFERENCE_WORKFLOW).unwrap().workflow
    }

    #[test]
    fn cells_cover_every_combination_and_apply_their_values() {
        let w = reference();
        let sweep = Sweep {
            axes: vec![Axis::parse(&w, "3.cfg", "6, 7").unwrap(), Axis::parse(&w, "3.steps", "20, 26").unwrap()],
        };
        let cells = sweep.cells();
        assert_eq!(cells.len(), 4);
        assert_eq!(cells[1], Cell { x: 1, y: 0, z: 0 }, "X varies fastest");
        let last = sweep.apply(&w, cells[3]);
        assert_eq!(last.nodes["3"].number("cfg"), Some(7.0));
        assert_eq!(last.nodes["3"].number("steps"), Some(26.0));
        sweep.check(&w, 1).unwrap();
        assert_eq!(sweep.price_groups(&w, &cells), [0, 1, 2, 3], "cfg and steps may change the price");
    }

    #[test]
    fn replace_and_seed_axes_share_one_price() {
        let w = reference();
        let text = match &w.nodes["6"].inputs["text"] {
            Input::Value(Value::String(t)) => t.clone(),
            _ => panic!("reference prompt"),
        };
        let word = text.split(|c: char| !c.is_alphabetic()).find(|t| t.len() > 3).unwrap().to_string();
        let sweep = Sweep {
            axes: vec![
                Axis::parse(&w, "", &format!("S/R: {word}, zebra")).unwrap(),
                Axis::parse(&w, "seed", "1, 2").unwrap(),
            ],
        };
        sweep.check(&w, 1).unwrap();
        let cells = sweep.cells();
        let swapped = sweep.apply(&w, cells[1]);
        let Input::Value(Value::String(after)) = &swapped.nodes["6"].inputs["text"] else { panic!() };
        assert!(after.contains("zebra") && !after.contains(&word), "{after}");
        assert_eq!(sweep.apply(&w, cells[2]).nodes["3"].number("seed"), Some(2.0));
        assert_eq!(sweep.price_groups(&w, &cells), [0, 0, 0, 0]);
    }

    #[test]
    fn impossible_sweeps_are_refused() {
        let w = reference();
        let axis = |t: &str, v: &str| Axis::parse(&w, t, v).unwrap();
        let four = Sweep { axes: vec![axis("3.cfg", "6"); 4] };
        assert!(four.check(&w, 1).unwrap_err().to_string().contains("1 to 3 axes"));
        let big = Sweep { axes: vec![axis("3.steps", "1-100 step 1"), axis("3.cfg", "1-11 step 1")] };
        assert!(big.check(&w, 1).unwrap_err().to_string().contains("1100 runs"));
        let absent = Sweep { axes: vec![axis("", "S/R: qqqzzz, a")] };
        assert!(absent.check(&w, 1).unwrap_err().to_string().contains("appears in no text input"));
    }
}
