//! The terminal progress display of `easel run` / `easel resume`: one redrawn bar on a terminal
//! (the mean progress of every run in the batch), one line per milestone when stderr is a pipe
//! (logs, CI). It only reads events; it never polls.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};

use easel_engine::{JobChange, JobEvent, NodeState};
use easel_workflow::Workflow;

const WIDTH: usize = 30;

pub(crate) struct ProgressLine {
    names: HashMap<String, String>,
    runs: HashMap<String, f64>,
    total: usize,
    ended: usize,
    tty: bool,
    drawn: bool,
}

impl ProgressLine {
    pub(crate) fn new(workflow: Option<&Workflow>, total: usize) -> ProgressLine {
        let names = workflow
            .map(|w| w.nodes.iter().map(|(id, n)| (id.clone(), n.display_name().to_string())).collect())
            .unwrap_or_default();
        ProgressLine {
            names,
            runs: HashMap::new(),
            total,
            ended: 0,
            tty: std::io::stderr().is_terminal(),
            drawn: false,
        }
    }

    pub(crate) fn show(&mut self, event: &JobEvent) {
        let tag =
            if self.total > 1 { format!("[{}] ", &event.run_id[..8.min(event.run_id.len())]) } else { String::new() };
        match &event.change {
            JobChange::Queued { nodes } => {
                self.runs.insert(event.run_id.clone(), 0.0);
                self.say(&format!("{tag}queued ({} nodes)", nodes.len()));
            }
            JobChange::Submitted { job_id } => self.say(&format!("{tag}job {job_id} created")),
            JobChange::Waiting { queue_rank, queue_len } => self.say(&format!(
                "{tag}waiting in the service's queue: {}/{}",
                queue_rank.map(|r| r.to_string()).unwrap_or_else(|| "?".into()),
                queue_len.map(|r| r.to_string()).unwrap_or_else(|| "?".into())
            )),
            JobChange::Node { node_id, status, progress, overall } => {
                self.runs.insert(event.run_id.clone(), *overall);
                let name = self.names.get(node_id).map(String::as_str).unwrap_or("");
                let label = format!("{tag}node {node_id} {name}").trim_end().to_string();
                if self.tty {
                    self.bar(&format!("{label} {:.0}%", progress * 100.0));
                } else if matches!(status, NodeState::Done | NodeState::Failed) {
                    let state = if *status == NodeState::Done { "done" } else { "failed" };
                    self.say(&format!("[{:>3.0}%] {label} {state}", overall * 100.0));
                }
            }
            JobChange::ImageSaved { image } => {
                self.say(&format!("{tag}saved {}x{} from node {}", image.width, image.height, image.node_id))
            }
            JobChange::Succeeded { credits, images } => {
                self.ended += 1;
                let credits = credits.map(|c| format!(", {c} credits")).unwrap_or_default();
                self.say(&format!("{tag}done: {images} image(s){credits}"));
            }
            JobChange::Failed { code, message } => {
                self.ended += 1;
                self.say(&format!("{tag}failed ({code}): {message}"));
            }
            JobChange::Canceled => {
                self.ended += 1;
                self.say(&format!("{tag}canceled"));
            }
            JobChange::SweepGrid { image, .. } => {
                self.say(&format!("sweep grid saved: {}x{} {}", image.width, image.height, image.path))
            }
            // A terminal shows no pictures; `--json` passes them on.
            JobChange::Preview { .. } => {}
        }
    }

    pub(crate) fn finish(&mut self) {
        if self.drawn {
            eprintln!();
            self.drawn = false;
        }
    }

    fn bar(&mut self, label: &str) {
        let overall =
            if self.runs.is_empty() { 0.0 } else { self.runs.values().sum::<f64>() / self.total.max(1) as f64 };
        let filled = (overall.clamp(0.0, 1.0) * WIDTH as f64).round() as usize;
        let bar = format!("{}{}", "#".repeat(filled), "-".repeat(WIDTH - filled));
        let batch =
            if self.total > 1 { format!(" {}/{} runs ended ·", self.ended, self.total) } else { String::new() };
        let mut err = std::io::stderr().lock();
        // A failed write to the terminal is not worth stopping the run for.
        let _ = write!(err, "\r\x1b[2K[{bar}] {:>3.0}%{batch} {label}", overall * 100.0);
        let _ = err.flush();
        self.drawn = true;
    }

    fn say(&mut self, text: &str) {
        self.finish();
        eprintln!("{text}");
    }
}
