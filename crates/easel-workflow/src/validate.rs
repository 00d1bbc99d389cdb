//! Checking a graph against node schemas, the way ComfyUI's server validates a prompt: links
//! point at existing nodes and real output slots of a compatible type, required inputs are
//! present, values have the right type, lie within min/max and (for combos) in the option list,
//! there is no cycle and at least one output node. Unknown classes are accepted with a warning
//! and only their links are checked. Model ids are not looked up (that needs the TAMS API).

use serde_json::Value;

use crate::problem::{Problem, Severity};
use crate::schema::{InputSpec, InputType, NodeSchema, Schemas};
use crate::{Input, Node, Workflow, WorkflowError, OUTPUT_CLASSES};

/// Link types that accept each other: `*` matches anything; comma lists match any member.
pub fn types_match(want: &str, got: &str) -> bool {
    want == "*"
        || got == "*"
        || want == got
        || want.split(',').any(|w| w.trim() == got)
        || got.split(',').any(|g| g.trim() == want)
}

impl Schemas {
    /// Every problem found in `workflow`, errors and warnings, in node order.
    pub fn validate(&self, workflow: &Workflow) -> Vec<Problem> {
        let mut out = Vec::new();
        let mut unknown = 0;
        for (id, node) in &workflow.nodes {
            match self.get(&node.class_type) {
                Some(schema) => self.check_node(workflow, id, node, schema, &mut out),
                None => {
                    unknown += 1;
                    out.push(Problem::at(
                        Severity::Warning,
                        "unknownClass",
                        id,
                        node,
                        None,
                        format!("no schema for class `{}`; its values are not checked", node.class_type),
                    ));
                    for (name, input) in &node.inputs {
                        if let Input::Link(link) = input {
                            link_problem(workflow, self, id, node, name, link, &mut out);
                        }
                    }
                }
            }
        }
        if let Err(WorkflowError::Cycle(ids)) = workflow.execution_order() {
            let first = ids.first().and_then(|id| Some((id, workflow.nodes.get(id)?)));
            let message = format!("the links form a cycle through nodes {}", ids.join(" -> "));
            out.push(match first {
                Some((id, node)) => Problem::at(Severity::Error, "cycle", id, node, None, message),
                None => Problem::graph(Severity::Error, "cycle", message),
            });
        }
        let has_output = workflow.nodes.values().any(|n| {
            OUTPUT_CLASSES.contains(&n.class_type.as_str()) || self.get(&n.class_type).is_some_and(|s| s.output_node)
        });
        if !has_output {
            let (severity, tail) = if unknown > 0 {
                (Severity::Warning, "; one of the unknown classes may be one")
            } else {
                (Severity::Error, ", so a run would produce nothing")
            };
            out.push(Problem::graph(
                severity,
                "noOutput",
                format!("no output node (such as SaveImage or PreviewImage){tail}"),
            ));
        }
        out
    }

    fn check_node(&self, workflow: &Workflow, id: &str, node: &Node, schema: &NodeSchema, out: &mut Vec<Problem>) {
        for spec in &schema.inputs {
            match node.inputs.get(&spec.name) {
                None if spec.required => out.push(Problem::at(
                    Severity::Error,
                    "missingInput",
                    id,
                    node,
                    Some(&spec.name),
                    match &spec.kind {
                        InputType::Link(t) => format!("required input is not connected (needs a {t} link)"),
                        k => format!("required {} value is missing", k.link_type()),
                    },
                )),
                None => {}
                Some(Input::Link(link)) => {
                    if let Some(got) = link_problem(workflow, self, id, node, &spec.name, link, out) {
                        let want = spec.kind.link_type();
                        // A combo fed by a link may receive a string or a list type from any node.
                        if spec.kind != InputType::Combo && !types_match(want, &got) {
                            out.push(Problem::at(
                                Severity::Error,
                                "typeMismatch",
                                id,
                                node,
                                Some(&spec.name),
                                format!("expects {want}, but node {} output {} gives {got}", link.node, link.output),
                            ));
                        }
                    }
                }
                Some(Input::Value(value)) => self.check_value(id, node, spec, value, out),
            }
        }
        // Inputs the schema does not list are ignored by ComfyUI; only their links are checked.
        for (name, input) in &node.inputs {
            if let Input::Link(link) = input {
                if schema.input(name).is_none() {
                    link_problem(workflow, self, id, node, name, link, out);
                }
            }
        }
    }

    fn check_value(&self, id: &str, node: &Node, spec: &InputSpec, value: &Value, out: &mut Vec<Problem>) {
        let value = value.get("__value__").unwrap_or(value);
        let mut problem = |severity, code: &str, message: String| {
            out.push(Problem::at(severity, code, id, node, Some(&spec.name), message))
        };
        let number = value.as_f64().or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()));
        match &spec.kind {
            InputType::Link(t) => problem(
                Severity::Error,
                "typeMismatch",
                format!("expects a {t} link, but holds a value ({})", short(value)),
            ),
            InputType::Int | InputType::Float => {
                let Some(n) = number else {
                    return problem(Severity::Error, "typeMismatch", format!("expects a number, got {}", short(value)));
                };
                if spec.kind == InputType::Int && n.fract() != 0.0 {
                    problem(Severity::Error, "typeMismatch", format!("expects a whole number, got {n}"));
                }
                if let Some(min) = spec.min.filter(|m| n < *m) {
                    problem(Severity::Error, "outOfRange", format!("{n} is below the minimum {min}"));
                } else if let Some(max) = spec.max.filter(|m| n > *m) {
                    problem(Severity::Error, "outOfRange", format!("{n} is above the maximum {max}"));
                }
            }
            InputType::Boolean => {
                if !value.is_boolean() {
                    problem(Severity::Error, "typeMismatch", format!("expects true or false, got {}", short(value)));
                }
            }
            InputType::String => {
                if value.is_object() || value.is_array() || value.is_null() {
                    problem(Severity::Error, "typeMismatch", format!("expects text, got {}", short(value)));
                }
            }
            InputType::Combo => {
                let text = match value {
                    Value::String(s) => s.clone(),
                    Value::Number(_) | Value::Bool(_) => value.to_string(),
                    _ => {
                        return problem(
                            Severity::Error,
                            "typeMismatch",
                            format!("expects one of a list, got {}", short(value)),
                        )
                    }
                };
                if !spec.options.is_empty() && !spec.options.contains(&text) {
                    // Bundled lists may be older than the server's; only a server's list is final.
                    let severity = if self.authoritative { Severity::Error } else { Severity::Warning };
                    let shown: Vec<&str> = spec.options.iter().take(8).map(String::as_str).collect();
                    let more = if spec.options.len() > 8 { ", ..." } else { "" };
                    problem(severity, "notInList", format!("`{text}` is not one of: {}{more}", shown.join(", ")));
                }
            }
        }
    }
}

/// Checks one link's target; returns the type of the output it reads, when known.
fn link_problem(
    workflow: &Workflow,
    schemas: &Schemas,
    id: &str,
    node: &Node,
    input: &str,
    link: &crate::Link,
    out: &mut Vec<Problem>,
) -> Option<String> {
    let Some(source) = workflow.nodes.get(&link.node) else {
        out.push(Problem::at(
            Severity::Error,
            "danglingLink",
            id,
            node,
            Some(input),
            format!("links to node {}, which does not exist", link.node),
        ));
        return None;
    };
    let schema = schemas.get(&source.class_type)?;
    match schema.outputs.get(link.output as usize) {
        Some(o) => Some(o.kind.clone()),
        None => {
            out.push(Problem::at(
                Severity::Error,
                "badOutputIndex",
                id,
                node,
                Some(input),
                format!(
                    "reads output {} of node {} ({}), which has only {} output(s)",
                    link.output,
                    link.node,
                    source.class_type,
                    schema.outputs.len()
                ),
            ));
            None
        }
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        format!("{}...", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use crate::{Schemas, Workflow};

    fn codes(text: &str) -> Vec<String> {
        let w = Workflow::from_json_str(text).unwrap().workflow;
        Schemas::bundled()
            .validate(&w)
            .iter()
            .map(|p| {
                format!("{}:{}:{}", p.code, p.node_id.clone().unwrap_or_default(), p.input.clone().unwrap_or_default())
            })
            .collect()
    }

    #[test]
    fn reference_workflow_is_clean() {
        let w = Workflow::from_json_str(crate::REFERENCE_WORKFLOW).unwrap().workflow;
        assert_eq!(Schemas::bundled().validate(&w), []);
    }

    #[test]
    fn each_kind_of_problem_is_located() {
        let found = codes(
            r#"{"4":{"class_type":"CheckpointLoaderSimple","inputs":{"ckpt_name":"1"}},
                "5":{"class_type":"EmptyLatentImage","inputs":{"width":8,"height":512,"batch_size":1.5}},
                "3":{"class_type":"KSampler","inputs":{"model":["4",1],"seed":1,"steps":20,"cfg":7,"sampler_name":"nope","scheduler":"karras",
                     "positive":["4",7],"latent_image":["5",0],"denoise":1}},
                "9":{"class_type":"Mystery","inputs":{"x":["3",0]}}}"#,
        );
        assert_eq!(
            found,
            [
                "outOfRange:5:width",
                "typeMismatch:5:batch_size",
                "typeMismatch:3:model",
                "notInList:3:sampler_name",
                "badOutputIndex:3:positive",
                "missingInput:3:negative",
                "unknownClass:9:",
                "noOutput::",
            ]
        );
    }

    #[test]
    fn cycles_are_reported() {
        let found = codes(
            r#"{"1":{"class_type":"VAEDecode","inputs":{"samples":["2",0],"vae":["2",0]}},"2":{"class_type":"VAEEncode","inputs":{"pixels":["1",0],"vae":["1",0]}},"9":{"class_type":"SaveImage","inputs":{"images":["1",0],"filename_prefix":"x"}}}"#,
        );
        assert!(found.contains(&"cycle:1:".to_string()), "{found:?}");
    }
}
