//! `easel sweep`: a workflow run over up to three axes, one run per cell, through the same
//! pipeline as `easel run` (every `run` option applies: --set, --count, --seed-mode,
//! --wildcards, --yes); prints each cell's image and then the composed grid's path.

use std::process::ExitCode;

use easel_engine::{Axis, Sweep, Work};
use easel_workflow::Workflow;

use crate::run::{drive, graph_request, RunArgs, Start};

#[derive(clap::Args)]
pub(crate) struct SweepArgs {
    /// The X axis: NODE.INPUT=VALUES (`3.cfg=6,7`, `3.steps=20-40 step 5`,
    /// `3.sampler_name=euler,dpmpp_2m`), `seed=1,2,3`, or a prompt search-and-replace
    /// (`"S/R: cat, dog, fox"`: the first term replaced by each).
    #[arg(long, value_name = "AXIS")]
    x: String,
    /// The Y axis (same forms as --x).
    #[arg(long, value_name = "AXIS")]
    y: Option<String>,
    /// The Z axis: one grid per value, stacked in the picture.
    #[arg(long, value_name = "AXIS")]
    z: Option<String>,
    #[command(flatten)]
    run: RunArgs,
}

pub(crate) async fn run(args: SweepArgs) -> ExitCode {
    let (Some(file), None) = (&args.run.workflow, &args.run.template) else {
        eprintln!("easel: a sweep runs a workflow file (templates cannot be swept)");
        return ExitCode::from(2);
    };
    let (mut request, workflow, shown) = match graph_request(&args.run, file) {
        Ok(built) => built,
        Err(code) => return code,
    };
    let specs = [("--x", Some(&args.x)), ("--y", args.y.as_ref()), ("--z", args.z.as_ref())];
    let mut axes = Vec::new();
    for (flag, spec) in specs {
        let Some(spec) = spec else { continue };
        match axis(&workflow, spec) {
            Ok(axis) => axes.push(axis),
            Err(e) => {
                eprintln!("easel: {flag} {spec}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if let Work::Graph { sweep, .. } = &mut request.work {
        *sweep = Some(Sweep { axes });
    }
    let start =
        Start::Batch { request: Box::new(request), shown, confirm_above: args.run.confirm_above, yes: args.run.yes };
    drive(&args.run.target, Some(&workflow), start).await
}

/// One axis as written on the command line.
fn axis(workflow: &Workflow, spec: &str) -> Result<Axis, String> {
    let trimmed = spec.trim_start();
    if trimmed.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("s/r:")) {
        return Axis::parse(workflow, "", &format!("S/R:{}", &trimmed[4..]));
    }
    let (target, values) = spec.split_once('=').ok_or("expected NODE.INPUT=VALUES, seed=VALUES or \"S/R: a, b\"")?;
    Axis::parse(workflow, target, values)
}
