//! The terminal progress display of `easel run`: one redrawn bar on a terminal, one line per
//! milestone when stderr is a pipe (logs, CI). It only reads events; it never polls.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};

use easel_engine::{JobChange, NodeState};
use easel_workflow::Workflow;

const WIDTH: usize = 30;

pub(crate) struct ProgressLine {
    names: HashMap<String, String>,
    tty: bool,
    drawn: bool,
}

impl ProgressLine {
    pub(crate) fn new(workflow: &Workflow) -> ProgressLine {
        let names = workflow.nodes.iter().map(|(id, n)| (id.clone(), n.display_name().to_string())).collect();
        ProgressLine { names, tty: std::io::stderr().is_terminal(), drawn: false }
    }

    pub(crate) fn show(&mut self, change: &JobChange) {
        match change {
            JobChange::Queued { nodes } => self.say(&format!("queued ({} nodes)", nodes.len())),
            JobChange::Submitted { job_id } => self.say(&format!("job {job_id} created")),
            JobChange::Waiting { queue_rank, queue_len } => self.say(&format!(
                "waiting in queue: {}/{}",
                queue_rank.map(|r| r.to_string()).unwrap_or_else(|| "?".into()),
                queue_len.map(|r| r.to_string()).unwrap_or_else(|| "?".into())
            )),
            JobChange::Node { node_id, status, progress, overall } => {
                let name = self.names.get(node_id).map(String::as_str).unwrap_or("?");
                let label = format!("node {node_id} {name}");
                if self.tty {
                    self.bar(*overall, &format!("{label} {:.0}%", progress * 100.0));
                } else if matches!(status, NodeState::Done | NodeState::Failed) {
                    let state = if *status == NodeState::Done { "done" } else { "failed" };
                    self.say(&format!("[{:>3.0}%] {label} {state}", overall * 100.0));
                }
            }
            JobChange::ImageSaved { image } => self.say(&format!("saved {}x{} from node {}", image.width, image.height, image.node_id)),
            JobChange::Succeeded { credits, images } => {
                let credits = credits.map(|c| format!(", {c} credits")).unwrap_or_default();
                self.say(&format!("done: {images} image(s){credits}"));
            }
            JobChange::Failed { code, message } => self.say(&format!("failed ({code}): {message}")),
            JobChange::Canceled => self.say("canceled"),
        }
    }

    pub(crate) fn finish(&mut self) {
        if self.drawn {
            eprintln!();
            self.drawn = false;
        }
    }

    fn bar(&mut self, overall: f64, label: &str) {
        let filled = ((overall.clamp(0.0, 1.0)) * WIDTH as f64).round() as usize;
        let bar = format!("{}{}", "#".repeat(filled), "-".repeat(WIDTH - filled));
        let mut err = std::io::stderr().lock();
        // A failed write to the terminal is not worth stopping the run for.
        let _ = write!(err, "\r\x1b[2K[{bar}] {:>3.0}% {label}", overall * 100.0);
        let _ = err.flush();
        self.drawn = true;
    }

    fn say(&mut self, text: &str) {
        self.finish();
        eprintln!("{text}");
    }
}
