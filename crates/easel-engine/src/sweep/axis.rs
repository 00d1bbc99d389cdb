//! One axis of a sweep: what it changes (an input of a node, every seed input, or a word of the
//! prompts) and the values it takes, each with the label the grid shows. Values are written
//! as a list (`4, 6, 8`), a range with a step (`20-40 step 5`, `6.5-8 step 0.5`) or, for a
//! prompt search-and-replace, `S/R: cat, dog, fox` (the first term is the one replaced, and the
//! first value). Parsed against the input's schema: numbers where it takes numbers (bounds
//! checked), one of its choices where it has a list. Leaves out weighted or random values.

use easel_workflow::{Input, InputSpec, InputType, Schemas, Workflow};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// Values one axis may take.
pub const MAX_AXIS_VALUES: usize = 100;

/// What an axis changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[ts(export)]
pub enum AxisTarget {
    /// One literal input of one node.
    #[serde(rename_all = "camelCase")]
    Input { node_id: String, input: String },
    /// Every seed input of the graph.
    Seed,
    /// Every occurrence of `find` in the graph's text inputs.
    Replace { find: String },
}

/// One value of an axis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AxisValue {
    /// What the grid's label says.
    pub label: String,
    /// What is written into the graph (a number, a choice's name, a replacement text).
    #[ts(type = "unknown")]
    pub value: Value,
}

/// One axis: a target and its values, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Axis {
    pub target: AxisTarget,
    pub values: Vec<AxisValue>,
}

impl Axis {
    /// The axis `target` (`NODE.INPUT`, `seed`, or empty for a search-and-replace) takes
    /// `values` as written, checked against `workflow` and the schemas.
    pub fn parse(workflow: &Workflow, target: &str, values: &str) -> Result<Axis, String> {
        let values = values.trim();
        if let Some(terms) = values.strip_prefix("S/R:").or_else(|| values.strip_prefix("s/r:")) {
            let terms = list(terms);
            let Some(find) = terms.first().filter(|f| !f.is_empty()).cloned() else {
                return Err("S/R needs the term to replace first: S/R: cat, dog, fox".into());
            };
            let values = terms.into_iter().map(|t| AxisValue { label: t.clone(), value: Value::String(t) }).collect();
            return Axis::checked(AxisTarget::Replace { find }, values);
        }
        let target = target.trim();
        if target.eq_ignore_ascii_case("seed") {
            let values = numbers(values, true, None)?;
            return Axis::checked(AxisTarget::Seed, values);
        }
        let (node_id, input) =
            target.rsplit_once('.').ok_or_else(|| format!("{target}: expected NODE.INPUT, seed, or S/R: …"))?;
        let node =
            workflow.nodes.get(node_id).ok_or_else(|| format!("{target}: the workflow has no node {node_id}"))?;
        if !matches!(node.inputs.get(input), Some(Input::Value(_))) {
            return Err(format!("{target}: node {node_id} has no literal input {input} to vary"));
        }
        let spec = Schemas::bundled().get(&node.class_type).and_then(|s| s.input(input)).cloned();
        let current = match node.inputs.get(input) {
            Some(Input::Value(v)) => v.clone(),
            _ => Value::Null,
        };
        let values = typed(values, spec.as_ref(), &current).map_err(|e| format!("{target}: {e}"))?;
        Axis::checked(AxisTarget::Input { node_id: node_id.to_string(), input: input.to_string() }, values)
    }

    fn checked(target: AxisTarget, values: Vec<AxisValue>) -> Result<Axis, String> {
        if values.is_empty() {
            return Err("an axis needs at least one value".into());
        }
        if values.len() > MAX_AXIS_VALUES {
            return Err(format!("an axis takes at most {MAX_AXIS_VALUES} values"));
        }
        Ok(Axis { target, values })
    }

    /// The axis's title on the grid.
    pub fn title(&self, workflow: &Workflow) -> String {
        match &self.target {
            AxisTarget::Input { node_id, input } => {
                let node = workflow.nodes.get(node_id).map(|n| n.display_name().to_string()).unwrap_or_default();
                format!("{node} #{node_id} {input}")
            }
            AxisTarget::Seed => "seed".into(),
            AxisTarget::Replace { find } => format!("S/R {find}"),
        }
    }
}

/// Comma-separated items, trimmed.
fn list(text: &str) -> Vec<String> {
    text.split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect()
}

/// Values for an input, by what it takes.
fn typed(text: &str, spec: Option<&InputSpec>, current: &Value) -> Result<Vec<AxisValue>, String> {
    let kind = spec.map(|s| s.kind.clone()).unwrap_or(match current {
        Value::Number(n) if n.is_i64() || n.is_u64() => InputType::Int,
        Value::Number(_) => InputType::Float,
        Value::Bool(_) => InputType::Boolean,
        _ => InputType::String,
    });
    let values = match kind {
        InputType::Int => numbers(text, true, spec)?,
        InputType::Float => numbers(text, false, spec)?,
        InputType::Boolean => list(text)
            .into_iter()
            .map(|t| match t.as_str() {
                "true" | "false" => Ok(AxisValue { value: Value::Bool(t == "true"), label: t }),
                _ => Err(format!("{t} is not true or false")),
            })
            .collect::<Result<_, _>>()?,
        InputType::Combo | InputType::String | InputType::Link(_) => {
            let options = spec.map(|s| s.options.as_slice()).unwrap_or_default();
            list(text)
                .into_iter()
                .map(|t| {
                    if !options.is_empty() && !options.contains(&t) {
                        return Err(format!("{t} is not one of its choices ({})", options.join(", ")));
                    }
                    Ok(AxisValue { value: Value::String(t.clone()), label: t })
                })
                .collect::<Result<_, _>>()?
        }
    };
    Ok(values)
}

/// A list or a range of numbers, checked against the input's bounds.
fn numbers(text: &str, whole: bool, spec: Option<&InputSpec>) -> Result<Vec<AxisValue>, String> {
    let parse = |t: &str| -> Result<f64, String> {
        let n: f64 = t.trim().parse().map_err(|_| format!("{} is not a number", t.trim()))?;
        if !n.is_finite() || (whole && n.fract() != 0.0) {
            return Err(format!("{} is not a {}", t.trim(), if whole { "whole number" } else { "number" }));
        }
        Ok(n)
    };
    let mut out = Vec::new();
    if let Some((range, step)) = text.split_once("step") {
        let (from, to) = split_range(range).ok_or_else(|| format!("{text}: expected FROM-TO step STEP"))?;
        let (from, to, step) = (parse(from)?, parse(to)?, parse(step)?);
        if step <= 0.0 || to < from {
            return Err(format!("{text}: the step must be above 0 and FROM at most TO"));
        }
        let count = ((to - from) / step + 1e-9).floor() as usize + 1;
        if count > MAX_AXIS_VALUES {
            return Err(format!("{text} makes {count} values; an axis takes at most {MAX_AXIS_VALUES}"));
        }
        // Each value from its index (not by adding steps), so 0.1 steps do not drift.
        out.extend((0..count).map(|i| round(from + step * i as f64)));
    } else {
        for item in list(text) {
            out.push(parse(&item)?);
        }
    }
    out.into_iter()
        .map(|n| {
            if let Some(spec) = spec {
                if spec.min.is_some_and(|min| n < min) || spec.max.is_some_and(|max| n > max) {
                    let (min, max) = (spec.min.unwrap_or(f64::MIN), spec.max.unwrap_or(f64::MAX));
                    return Err(format!("{n} is outside {min}…{max}"));
                }
            }
            let (value, label) =
                if whole { (Value::from(n as i64), format!("{}", n as i64)) } else { (Value::from(n), format!("{n}")) };
            Ok(AxisValue { label, value })
        })
        .collect()
}

/// `FROM-TO` where FROM may itself be negative.
fn split_range(text: &str) -> Option<(&str, &str)> {
    let text = text.trim();
    let at = text.char_indices().skip(1).find(|(_, c)| *c == '-').map(|(i, _)| i)?;
    Some((&text[..at], &text[at + 1..]))
}

/// Rounds away float noise from a range (12 significant decimals).
fn round(n: f64) -> f64 {
    (n * 1e9).round() / 1e9
}

#[cfg(test)]
mod tests {
    use super::*;
    use easel_workflow::REFERENCE_WORKFLOW;

    fn reference() -> Workflow {
        Workflow::from_json_str(REFERENCE_WORKFLOW).unwrap().workflow
    }

    fn labels(axis: &Axis) -> Vec<&str> {
        axis.values.iter().map(|v| v.label.as_str()).collect()
    }

    #[test]
    fn lists_ranges_and_replacements() {
        let w = reference();
        let cfg = Axis::parse(&w, "3.cfg", "6, 7").unwrap();
        assert_eq!(cfg.target, AxisTarget::Input { node_id: "3".into(), input: "cfg".into() });
        assert_eq!(labels(&cfg), ["6", "7"]);
        assert_eq!(cfg.values[0].value, Value::from(6.0), "a float input gets floats");
        let steps = Axis::parse(&w, "3.steps", "20-40 step 5").unwrap();
        assert_eq!(labels(&steps), ["20", "25", "30", "35", "40"]);
        assert_eq!(steps.values[0].value, Value::from(20));
        let fine = Axis::parse(&w, "3.cfg", "6.5-7 step 0.1").unwrap();
        assert_eq!(fine.values.len(), 6);
        assert_eq!(fine.values[5].value, Value::from(7.0));
        let sr = Axis::parse(&w, "", "S/R: cat, dog, fox").unwrap();
        assert_eq!(sr.target, AxisTarget::Replace { find: "cat".into() });
        assert_eq!(labels(&sr), ["cat", "dog", "fox"]);
        let seeds = Axis::parse(&w, "seed", "1, 2, 3").unwrap();
        assert_eq!(seeds.target, AxisTarget::Seed);
        let sampler = Axis::parse(&w, "3.sampler_name", "euler, dpmpp_2m").unwrap();
        assert_eq!(sampler.values[1].value, Value::from("dpmpp_2m"));
    }

    #[test]
    fn bad_axes_say_why() {
        let w = reference();
        assert!(Axis::parse(&w, "3.steps", "20, 2.5").unwrap_err().contains("whole number"));
        assert!(Axis::parse(&w, "3.steps", "0-20000 step 1").unwrap_err().contains("at most 100"));
        assert!(Axis::parse(&w, "3.steps", "40-20 step 5").unwrap_err().contains("FROM at most TO"));
        assert!(Axis::parse(&w, "3.denoise", "0.5, 3").unwrap_err().contains("outside"));
        assert!(Axis::parse(&w, "3.sampler_name", "euler, nonsense").unwrap_err().contains("not one of its choices"));
        assert!(Axis::parse(&w, "99.cfg", "6").unwrap_err().contains("no node 99"));
        assert!(Axis::parse(&w, "3.model", "6").unwrap_err().contains("no literal input"));
        assert!(Axis::parse(&w, "cfg", "6").unwrap_err().contains("NODE.INPUT"));
        assert!(Axis::parse(&w, "", "S/R: ").unwrap_err().contains("term to replace"));
    }
}
