//! Execution order: a topological sort of the graph that is deterministic (ties broken by file
//! order) and reports the nodes of a cycle when there is one. It is iterative (Kahn's algorithm),
//! so a chain of any length costs no stack, and O(n log n) in the node count. The same order
//! drives the memoised shape pass in `output`. Which of the stuck nodes are on the cycle itself
//! and which merely sit downstream of it is not worked out: all are listed.

use crate::{Input, Workflow, WorkflowError};

/// Node positions (indexes into `Workflow::nodes`) in execution order.
pub(crate) struct Positions {
    /// Every position once: the ordered ones first, then those a cycle holds up, in file order.
    pub all: Vec<usize>,
    /// How many of `all`, from the start, are properly ordered.
    pub ordered: usize,
}

impl Workflow {
    /// Node ids in an order where every node comes after the nodes it links to.
    pub fn execution_order(&self) -> Result<Vec<String>, WorkflowError> {
        let positions = self.positions();
        let id = |i: usize| self.nodes.get_index(i).map(|(id, _)| id.clone());
        if positions.ordered < positions.all.len() {
            let stuck = positions.all[positions.ordered..].iter().filter_map(|&i| id(i)).collect();
            return Err(WorkflowError::Cycle(stuck));
        }
        Ok(positions.all.into_iter().filter_map(id).collect())
    }

    /// The execution order as positions, without failing on a cycle (see `Positions`).
    pub(crate) fn positions(&self) -> Positions {
        let n = self.nodes.len();
        let mut pending = vec![0usize; n];
        let mut users: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, node) in self.nodes.values().enumerate() {
            for input in node.inputs.values() {
                if let Input::Link(link) = input {
                    if let Some(src) = self.nodes.get_index_of(&link.node) {
                        pending[i] += 1;
                        users[src].push(i);
                    }
                }
            }
        }
        // A min-heap on file position keeps the order stable for equal graphs.
        let mut ready: std::collections::BTreeSet<usize> = (0..n).filter(|&i| pending[i] == 0).collect();
        let mut all = Vec::with_capacity(n);
        while let Some(i) = ready.pop_first() {
            all.push(i);
            for &u in &users[i] {
                pending[u] -= 1;
                if pending[u] == 0 {
                    ready.insert(u);
                }
            }
        }
        let ordered = all.len();
        all.extend((0..n).filter(|&i| pending[i] > 0));
        Positions { all, ordered }
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
