//! Execution order: a topological sort of the graph that is deterministic (ties broken by file
//! order) and reports the nodes of a cycle when there is one. It is iterative (Kahn's algorithm),
//! so a chain of any length costs no stack, and O(n log n) in the node count. The same order
//! drives the memoised shape pass in `output`. On a cycle, the error names only the nodes that lie
//! on one (members of a strongly connected component with a loop), not the nodes merely held up
//! downstream of it (audit I2); that costs a second linear pass, paid only when there is a cycle.

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
            let on_cycle = self.cycle_members(&positions.all[positions.ordered..]);
            return Err(WorkflowError::Cycle(on_cycle.into_iter().filter_map(id).collect()));
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

    /// The positions among `stuck` (the nodes Kahn's algorithm could not order) that lie on a
    /// cycle, in file order. Stuck nodes are the cycles plus everything downstream of them; a
    /// node is on a cycle when its strongly connected component has more than one node or it
    /// links to itself. Kosaraju's two passes, with explicit stacks so a long cycle costs no
    /// call stack; linear in the stuck nodes and their links.
    fn cycle_members(&self, stuck: &[usize]) -> Vec<usize> {
        let n = self.nodes.len();
        let mut in_stuck = vec![false; n];
        for &i in stuck {
            in_stuck[i] = true;
        }
        // Links among the stuck nodes both ways: `feeds[src]` are its users, `reads[u]` its sources.
        let mut feeds: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut reads: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut self_loop = vec![false; n];
        for &u in stuck {
            let Some((_, node)) = self.nodes.get_index(u) else { continue };
            for input in node.inputs.values() {
                if let Input::Link(link) = input {
                    if let Some(src) = self.nodes.get_index_of(&link.node).filter(|&s| in_stuck[s]) {
                        feeds[src].push(u);
                        reads[u].push(src);
                        self_loop[u] |= src == u;
                    }
                }
            }
        }
        // Pass 1: finishing order of a depth-first walk along `feeds`.
        let mut visited = vec![false; n];
        let mut finished = Vec::with_capacity(stuck.len());
        for &start in stuck {
            if visited[start] {
                continue;
            }
            visited[start] = true;
            let mut stack = vec![(start, 0usize)];
            while let Some(top) = stack.last_mut() {
                let (v, next) = *top;
                if let Some(&w) = feeds[v].get(next) {
                    top.1 += 1;
                    if !visited[w] {
                        visited[w] = true;
                        stack.push((w, 0));
                    }
                } else {
                    finished.push(v);
                    stack.pop();
                }
            }
        }
        // Pass 2: along `reads`, latest finisher first; each walk collects one component.
        let mut component = vec![usize::MAX; n];
        let mut sizes = Vec::new();
        for &start in finished.iter().rev() {
            if component[start] != usize::MAX {
                continue;
            }
            let c = sizes.len();
            sizes.push(0usize);
            component[start] = c;
            let mut stack = vec![start];
            while let Some(v) = stack.pop() {
                sizes[c] += 1;
                for &w in &reads[v] {
                    if component[w] == usize::MAX {
                        component[w] = c;
                        stack.push(w);
                    }
                }
            }
        }
        let mut members: Vec<usize> = stuck
            .iter()
            .copied()
            .filter(|&i| self_loop[i] || sizes.get(component[i]).is_some_and(|&s| s > 1))
            .collect();
        members.sort_unstable();
        members
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

    #[test]
    fn a_cycle_error_leaves_out_nodes_downstream_of_it() {
        // 2 <-> 3 is a cycle; 4 reads from it and 5 from 4, so both are stuck but on no cycle;
        // 6 links to itself.
        let w = Workflow::from_json_str(
            r#"{"1":{"classType":"A","inputs":{}},
                "5":{"classType":"E","inputs":{"x":["4",0]}},
                "4":{"classType":"D","inputs":{"x":["3",0],"y":["1",0]}},
                "3":{"classType":"C","inputs":{"x":["2",0]}},
                "2":{"classType":"B","inputs":{"x":["3",0],"y":["1",0]}},
                "6":{"classType":"F","inputs":{"x":["6",0]}}}"#,
        )
        .unwrap()
        .workflow;
        let err = w.execution_order().unwrap_err();
        assert_eq!(err.to_string(), "the graph has a cycle through nodes 3 -> 2 -> 6");
    }
}
