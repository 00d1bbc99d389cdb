//! The one way work starts. `Engine::start` takes a front door's `RunRequest` and, in order:
//! validates it (nothing is sent for an invalid document; wildcards are parsed and their files
//! read, and each run's text drawn), sends every model input as a model
//! id (stored and one-off mappings; a file name left over stops the run), uploads the local pictures the front
//! door allows (content-addressed, once per backend), prices the batch with the service's check
//! endpoint, checks the library's spend caps (a batch that would pass one needs the front door's
//! `over_cap` answer), asks the front door's `confirm` hook with the estimate, then records every
//! run in the journal (re-checking the caps inside the write lock) and queues it. Window runs, favourites, "run again", retries, the CLI and template
//! runs all come through here; `resume` is the only other way a run task starts, and it starts
//! only runs this function recorded.

use easel_workflow::{Schemas, Severity, Workflow};

use crate::plan::{PlannedWork, RunPlan};
use crate::request::{Estimate, Hooks, LocalFiles, RunRequest, Upload, Work};
use crate::seeds::with_seeds;
use crate::store;
use crate::wildcards::{fnv1a, Prompts, WildcardMode};
use crate::{apply_seeds, seeds_used, Cell, Engine, EngineError, RunHandle};

/// Runs one request may ask for at once.
pub const MAX_BATCH: u32 = 1000;

/// A batch that has started.
#[derive(Debug)]
pub struct Started {
    /// One handle per run, in batch order.
    pub runs: Vec<RunHandle>,
    /// What the service expects the batch to cost.
    pub estimate: Estimate,
    /// Local files uploaded (or found already uploaded) for it.
    pub uploads: Vec<Upload>,
    /// The sweep the batch is, when it is one (its grid is composed when the last cell ends).
    pub sweep_id: Option<String>,
}

/// A request after validation and uploads: what gets priced and recorded.
struct Prepared {
    work: Work,
    uploads: Vec<Upload>,
    /// Graph work: one graph per run as it will be sent (seeds applied, wildcards drawn, a
    /// sweep cell's values written in).
    graphs: Vec<Workflow>,
    /// Each run's sweep cell (parallel to `graphs`; empty without a sweep).
    cells: Vec<Cell>,
}

impl Engine {
    /// Validates, uploads, prices, asks `hooks.confirm`, records and queues `request`. An error
    /// means no job was created (uploads may have happened: they cost nothing and are reused).
    pub async fn start(&self, request: RunRequest, hooks: &Hooks<'_>) -> Result<Started, EngineError> {
        let count = request.count.clamp(1, MAX_BATCH);
        let prepared = self.prepare(request.work, count, &request.local_files, &request.models, hooks).await?;
        let runs = match prepared.work {
            Work::Graph { .. } => prepared.graphs.len() as u32,
            Work::Template { .. } => count,
        };
        let prices = self.prices(&prepared, runs).await?;
        let total: f64 = prices.iter().sum();
        let estimate = Estimate { each: total / f64::from(runs.max(1)), runs, total };
        let breach = self.inner.with_store(|s| s.cap_breach(estimate.total))?;
        if let Some(breach) = breach {
            if !(hooks.over_cap)(&breach) {
                return Err(EngineError::OverSpendCap(breach));
            }
        }
        if !(hooks.confirm)(&estimate) {
            return Err(EngineError::NotApproved { total: estimate.total, each: estimate.each });
        }
        // A breach the front door agreed to is not checked again; otherwise the journal checks
        // the caps once more while it holds the write lock (another process may have spent).
        let within_cap = breach.is_none().then_some(estimate.total);
        let (plans, sweep_id) =
            self.plan(&request.name, runs, &prepared, &prices, within_cap, hooks.events.as_ref())?;
        let runs = plans.into_iter().map(|plan| self.spawn(plan)).collect();
        Ok(Started { runs, estimate, uploads: prepared.uploads, sweep_id })
    }

    /// What `request` would cost as `start` would run it (every cell of a sweep, every wildcard
    /// combination), after the same validation and uploads; nothing is recorded or run. The
    /// sweep editor's total before Run.
    pub async fn quote(&self, request: RunRequest, hooks: &Hooks<'_>) -> Result<Estimate, EngineError> {
        let count = request.count.clamp(1, MAX_BATCH);
        let prepared = self.prepare(request.work, count, &request.local_files, &request.models, hooks).await?;
        let runs = match prepared.work {
            Work::Graph { .. } => prepared.graphs.len() as u32,
            Work::Template { .. } => count,
        };
        let total: f64 = self.prices(&prepared, runs).await?.iter().sum();
        Ok(Estimate { each: total / f64::from(runs.max(1)), runs, total })
    }

    /// What one run of `work` is expected to cost, after the same validation and uploads as
    /// `start` (the form's live estimate). Nothing is recorded or run.
    pub async fn estimate(&self, work: Work, local_files: &LocalFiles, hooks: &Hooks<'_>) -> Result<f64, EngineError> {
        let prepared = self.prepare(work, 1, local_files, &[], hooks).await?;
        Ok(self.prices(&prepared, 1).await?.first().copied().unwrap_or(0.0))
    }

    /// Runs a recorded run's document again as a new run (same values, seeds included, same
    /// resources: nothing is uploaded again).
    pub async fn retry(&self, run_id: &str, hooks: &Hooks<'_>) -> Result<RunHandle, EngineError> {
        let record = self.run_record(run_id)?.ok_or_else(|| EngineError::UnknownRun(run_id.to_string()))?;
        let plan = RunPlan::from_record(record)?;
        let work = match plan.work {
            PlannedWork::Template { template_id, fields } => Work::Template { template_id, fields },
            PlannedWork::Graph { params, editor_chunk, .. } => Work::Graph {
                workflow: Workflow::from_stored_params(params)?,
                seeds: Vec::new(),
                editor: editor_chunk.and_then(|e| serde_json::from_str(&e).ok()),
                // The recorded text was drawn already; literal braces in it stay literal.
                wildcards: WildcardMode::Off,
                sweep: None,
            },
        };
        let request = RunRequest { name: plan.name, count: 1, work, local_files: LocalFiles::None, models: Vec::new() };
        let mut started = self.start(request, hooks).await?;
        started.runs.pop().ok_or_else(|| EngineError::Store("the retried run was not recorded".into()))
    }

    /// Validates (wildcards included: every file they name is read now; a sweep's every cell),
    /// maps models, uploads, then makes the graph of each run: of each of `count` runs (or of
    /// each wildcard combination), for every cell of a sweep.
    async fn prepare(
        &self,
        work: Work,
        count: u32,
        local: &LocalFiles,
        models: &[(String, String)],
        hooks: &Hooks<'_>,
    ) -> Result<Prepared, EngineError> {
        match work {
            Work::Graph { workflow, seeds, editor, wildcards, mut sweep } => {
                let schemas = self.schemas().await?;
                let schemas = schemas.as_ref();
                validate(&workflow, schemas)?;
                for axis in sweep.iter_mut().flat_map(|s| s.axes.iter_mut()) {
                    self.name_models(axis).await;
                }
                let bases = match &sweep {
                    None => vec![(None, workflow)],
                    Some(sweep) => {
                        sweep.check(&workflow, count)?;
                        sweep.cells().into_iter().map(|c| (Some(c), sweep.apply(&workflow, c))).collect()
                    }
                };
                // Every run's text is made before anything is uploaded or sent: an expansion that
                // cannot be made stops the batch here, not half way.
                let mut shapes = Vec::new();
                let mut prompts = Vec::with_capacity(bases.len());
                for (i, (cell, graph)) in bases.iter().enumerate() {
                    if cell.is_some() {
                        validate(graph, schemas)?;
                    }
                    let parsed = match wildcards {
                        WildcardMode::Off => Prompts::default(),
                        _ => Prompts::parse(graph, &self.inner.library)?,
                    };
                    shapes.extend(run_texts(graph, &seeds, &parsed, wildcards, count)?.into_iter().map(|s| (i, s)));
                    prompts.push(parsed);
                }
                if shapes.len() > MAX_BATCH as usize {
                    return Err(EngineError::BadSweep(format!(
                        "the sweep's cells and wildcards make {} runs; one batch holds at most {MAX_BATCH}",
                        shapes.len()
                    )));
                }
                // Model ids and uploaded resources per cell (a cell may choose another model);
                // the same picture is uploaded once, later cells find it by its digest.
                let mut uploads = Vec::new();
                let mut sent = Vec::with_capacity(bases.len());
                for (i, (cell, mut graph)) in bases.into_iter().enumerate() {
                    // A ComfyUI server loads model files by name: nothing to map.
                    if matches!(self.inner.server, crate::Backend::Tams(_)) {
                        self.apply_models(&mut graph, models).await?;
                    }
                    let uploaded = self.upload_graph_images(&mut graph, local, hooks).await?;
                    if i == 0 {
                        uploads = uploaded;
                    }
                    sent.push((cell, graph));
                }
                let (graphs, cells): (Vec<Workflow>, Vec<Option<Cell>>) = shapes
                    .iter()
                    .map(|(i, (used, texts))| {
                        let (cell, base) = &sent[*i];
                        let mut graph = with_seeds(base, used);
                        prompts[*i].apply(&mut graph, texts);
                        (graph, *cell)
                    })
                    .unzip();
                let workflow = sent.swap_remove(0).1;
                let cells = cells.into_iter().flatten().collect();
                Ok(Prepared { work: Work::Graph { workflow, seeds, editor, wildcards, sweep }, uploads, graphs, cells })
            }
            Work::Template { template_id, mut fields } => {
                let uploads = self.upload_template_images(&mut fields, local, hooks).await?;
                let work = Work::Template { template_id, fields };
                Ok(Prepared { work, uploads, graphs: Vec::new(), cells: Vec::new() })
            }
        }
    }

    /// The credits of each of `runs` runs. Seeds and prompts do not change a price, so a batch
    /// is priced once; a sweep once per cell whose values may (see `Sweep::price_groups`).
    async fn prices(&self, prepared: &Prepared, runs: u32) -> Result<Vec<f64>, EngineError> {
        let sweep = match &prepared.work {
            Work::Graph { sweep: Some(sweep), workflow, .. } => Some((sweep, workflow)),
            _ => None,
        };
        let Some((sweep, base)) = sweep else {
            let each = self.price(&prepared.work, prepared.graphs.first()).await?;
            return Ok(vec![each; runs as usize]);
        };
        let groups = sweep.price_groups(base, &prepared.cells);
        let mut priced: std::collections::HashMap<usize, f64> = std::collections::HashMap::new();
        let mut out = Vec::with_capacity(groups.len());
        for (i, group) in groups.iter().enumerate() {
            let credits = match priced.get(group) {
                Some(c) => *c,
                None => {
                    let c = self.price(&prepared.work, prepared.graphs.get(i)).await?;
                    priced.insert(*group, c);
                    c
                }
            };
            out.push(credits);
        }
        Ok(out)
    }

    /// Credits of one run, from the service's check endpoint (which also validates the document
    /// as the service sees it). Seeds vary across a batch but not the price, so one check prices
    /// every run. A graph is priced as its first run sends it (wildcards drawn), when known.
    async fn price(&self, work: &Work, first: Option<&Workflow>) -> Result<f64, EngineError> {
        if !self.inner.server.capabilities().credits {
            return Ok(0.0);
        }
        let check = match work {
            Work::Graph { workflow, .. } => {
                let sent = first.unwrap_or(workflow);
                self.inner.server.tams("pricing")?.check_workflow(&sent.to_tams_params()).await?
            }
            Work::Template { template_id, fields } => {
                self.inner.server.tams("a template")?.check_template(template_id, fields).await?
            }
        };
        Ok(check.credits.unwrap_or(0.0))
    }

    /// One journal row per run, written before anything is sent; then the plans to spawn.
    fn plan(
        &self,
        name: &str,
        runs: u32,
        prepared: &Prepared,
        prices: &[f64],
        within_cap: Option<f64>,
        events: Option<&crate::EventSink>,
    ) -> Result<(Vec<RunPlan>, Option<String>), EngineError> {
        let uploads = if prepared.uploads.is_empty() {
            None
        } else {
            Some(serde_json::to_string(&prepared.uploads).map_err(|e| EngineError::Store(e.to_string()))?)
        };
        let mut plans = Vec::new();
        for index in 0..runs as usize {
            let work = match &prepared.work {
                Work::Graph { editor, .. } => PlannedWork::graph(&prepared.graphs[index], editor.as_ref())?,
                Work::Template { template_id, fields } => {
                    PlannedWork::Template { template_id: template_id.clone(), fields: fields.clone() }
                }
            };
            let plan = RunPlan {
                run_id: uuid::Uuid::new_v4().to_string(),
                name: name.to_string(),
                request_id: uuid::Uuid::new_v4().simple().to_string(),
                job_id: None,
                created_at: store::unix_now(),
                work,
                uploads: prepared.uploads.clone(),
                events: events.cloned(),
                resumed: false,
            };
            plans.push(plan);
        }
        // Stored columns of each run, then one transaction: a batch is recorded whole or not at all.
        let columns: Vec<(String, String, Option<String>)> = plans
            .iter()
            .map(|plan| match &plan.work {
                PlannedWork::Graph { seeds, editor_chunk, .. } => {
                    (plan.work.stored(), seeds.to_string(), editor_chunk.clone())
                }
                PlannedWork::Template { .. } => (plan.work.stored(), "{}".to_string(), None),
            })
            .collect();
        let rows: Vec<store::NewRun<'_>> = plans
            .iter()
            .zip(&columns)
            .enumerate()
            .map(|(i, (plan, (workflow, seeds, editor)))| store::NewRun {
                run_id: &plan.run_id,
                request_id: &plan.request_id,
                name,
                backend: &self.inner.backend,
                workflow,
                seeds,
                editor: editor.as_deref(),
                kind: plan.work.kind(),
                uploads: uploads.as_deref(),
                estimate: prices.get(i).copied(),
            })
            .collect();
        let Work::Graph { sweep: Some(sweep), workflow, editor, .. } = &prepared.work else {
            self.inner.with_store(|s| s.insert_runs(&rows, within_cap))?;
            return Ok((plans, None));
        };
        let sweep_id = uuid::Uuid::new_v4().to_string();
        let definition = serde_json::to_string(sweep).map_err(|e| EngineError::Store(e.to_string()))?;
        let base = workflow.to_tams_params().to_string();
        let editor = editor.as_ref().map(|e| e.to_string());
        let record = store::NewSweep {
            sweep_id: &sweep_id,
            name,
            definition: &definition,
            workflow: &base,
            editor: editor.as_deref(),
            cells: &prepared.cells,
        };
        self.inner.with_store(|s| s.insert_batch(&rows, within_cap, Some(&record)))?;
        Ok((plans, Some(sweep_id)))
    }
}

/// Each run's seeds (`seeds_used` form) and wildcard texts: run i of a batch has its seeds moved
/// on i steps (drawn once: a randomized seed is the one its text came from) and its text drawn
/// from those seeds (`Seeded`: the same seeds give the same text), or, for `Every`, each
/// combination once per batch index, combinations slowest.
fn run_texts(
    workflow: &Workflow,
    seeds: &[crate::SeedControl],
    prompts: &Prompts,
    mode: WildcardMode,
    count: u32,
) -> Result<Vec<(serde_json::Value, Vec<String>)>, EngineError> {
    let seeds_of = |i: u32| seeds_used(&apply_seeds(workflow, seeds, i));
    if prompts.is_empty() {
        return Ok((0..count).map(|i| (seeds_of(i), Vec::new())).collect());
    }
    if mode == WildcardMode::Every {
        let combinations = prompts.every(workflow, (MAX_BATCH / count) as usize)?;
        return Ok(combinations.into_iter().flat_map(|c| (0..count).map(move |i| (seeds_of(i), c.clone()))).collect());
    }
    (0..count)
        .map(|i| {
            let used = seeds_of(i);
            let seeded = used.as_object().is_some_and(|m| !m.is_empty());
            let seed = if seeded { fnv1a(&used.to_string()) } else { u64::from(i) };
            Ok((used, prompts.draw(workflow, seed)?))
        })
        .collect()
}

/// What must hold before a graph is sent: it runs in some order, it makes an image, and the node
/// schemas find no error in it.
fn validate(workflow: &Workflow, schemas: &Schemas) -> Result<(), EngineError> {
    workflow.execution_order()?;
    if workflow.image_plans().is_empty() {
        return Err(EngineError::Workflow(easel_workflow::WorkflowError::UnknownFormat(
            "the workflow has no output node (SaveImage or PreviewImage), so it would produce nothing".into(),
        )));
    }
    if let Some(problem) = schemas.validate(workflow).into_iter().find(|p| p.severity == Severity::Error) {
        return Err(EngineError::Invalid(Box::new(problem)));
    }
    Ok(())
}
