//! Execution order: a topological sort of the graph that is deterministic (ties broken by file
//! order) and reports the nodes of a cycle when there is one.

use std::collections::HashMap;

use crate::{Input, Workflow, WorkflowError};

impl Workflow {
    /// Node ids in an order where every node comes after the nodes it links to.
    pub fn execution_order(&self) -> Result<Vec<String>, WorkflowError> {
        let index: HashMap<&str, usize> = self.nodes.keys().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
        let mut pending = vec![0usize; self.nodes.len()];
        let mut users: Vec<Vec<usize>> = vec![Vec::new(); self.nodes.len()];
        for (i, node) in self.nodes.values().enumerate() {
            for input in node.inputs.values() {
                if let Input::Link(link) = input {
                    if let Some(&src) = index.get(link.node.as_str()) {
                        pending[i] += 1;
                        users[src].push(i);
                    }
                }
            }
        }
        // A min-heap on file position keeps the order stable for equal graphs.
        let mut ready: std::collections::BTreeSet<usize> = (0..pending.len()).filter(|&i| pending[i] == 0).collect();
        let mut order = Vec::with_capacity(self.nodes.len());
        while let Some(i) = ready.pop_first() {
            order.push(i);
            for &u in &users[i] {
                pending[u] -= 1;
                if pending[u] == 0 {
                    ready.insert(u);
                }
            }
        }
        let ids: Vec<&String> = self.nodes.keys().collect();
        if order.len() < ids.len() {
            let stuck: Vec<String> = (0..ids.len()).filter(|i| pending[*i] > 0).map(|i| ids[i].clone()).collect();
            return Err(WorkflowError::Cycle(stuck));
        }
        Ok(order.into_iter().map(|i| ids[i].clone()).collect())
    }
}

#[cfg(test)]
mod tests {
    use crate::Workflow;

    #[test]
    fn orders_dependencies_first() {
        let w = Workflow::from_json_str(
            r#"{"9":{"classType":"SaveImage","inputs":{"images":["8",0]}},
                "8":{"classType":"VAEDecode","inputs":{"samples":["3",0],"vae":["4",2]}},
                "3":{"classType":"KSampler","inputs":{"model":["4",0]}},
                "4":{"classType":"CheckpointLoaderSimple","inputs":{}}}"#,
        )
        .unwrap()
        .workflow;
        assert_eq!(w.execution_order().unwrap(), ["4", "3", "8", "9"]);
    }

    #[test]
    fn reports_cycle_members() {
        let w = Workflow::from_json_str(
            r#"{"1":{"classType":"A","inputs":{"x":["2",0]}},"2":{"classType":"B","inputs":{"x":["1",0]}},"3":{"classType":"C","inputs":{}}}"#,
        )
        .unwrap()
        .workflow;
        let err = w.execution_order().unwrap_err();
        assert_eq!(err.to_string(), "the graph has a cycle through nodes 1 -> 2");
    }
}
