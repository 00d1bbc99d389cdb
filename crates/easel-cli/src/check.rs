//! `easel check <file>`: imports a workflow and validates it against node schemas and the rules
//! of the backend it is for, printing every import warning and problem, one per line, located by
//! node, title, class and input. For Tensor.Art (the service, or the offline demo that plays it)
//! every model input must be a model id or a file the library maps to one (`easel models map`);
//! `--backend any` checks the schemas only. Exit 0 when there is no error (warnings allowed), 1
//! when there are errors, 2 when the file or the library's journal cannot be read.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use easel_engine::{model_uses_in, ModelUse, Store};
use easel_workflow::{Problem, Schemas, Workflow};

use crate::convert::{import_file, load_schemas};

/// Arguments of `easel check`.
#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Workflow file in any format `easel convert` reads.
    pub file: PathBuf,
    /// Node schemas in ComfyUI object_info JSON, used over the bundled ones.
    #[arg(long, conflicts_with = "schemas_from")]
    pub schemas: Option<PathBuf>,
    /// A ComfyUI server whose /object_info is used over the bundled schemas.
    #[arg(long, value_name = "URL")]
    pub schemas_from: Option<String>,
    /// The backend the workflow is checked for: `tams` and `demo` take model ids (or mapped
    /// files), `any` checks the node schemas only.
    #[arg(long, value_enum, default_value_t = CheckBackend::Tams)]
    pub backend: CheckBackend,
    /// Library folder whose model mappings apply (default: $EASEL_LIBRARY or ~/Pictures/Easel);
    /// its journal is opened (and brought to the current schema) only when it exists.
    #[arg(long)]
    pub library: Option<PathBuf>,
}

/// What `easel check` checks a workflow for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckBackend {
    /// Tensor.Art: model inputs take model ids.
    Tams,
    /// The offline demo, which follows the service's rules.
    Demo,
    /// Node schemas only.
    Any,
}

/// Runs `easel check`.
pub fn run(args: CheckArgs) -> ExitCode {
    ExitCode::from(check(&args))
}

/// The check itself, returning the exit status.
fn check(args: &CheckArgs) -> u8 {
    let schemas = load_schemas(args.schemas.as_ref(), args.schemas_from.as_deref());
    let imported = match schemas.and_then(|s| Ok((import_file(&args.file, &s)?, s))) {
        Ok(pair) => pair,
        Err(e) => {
            eprintln!("easel check: {e}");
            return 2;
        }
    };
    let (imported, schemas) = imported;
    let shown = args.file.display();
    for w in &imported.warnings {
        println!("{shown}: warning[import]: {w}");
    }
    let mut problems = schemas.validate(&imported.workflow);
    if args.backend != CheckBackend::Any {
        match model_problems(&imported.workflow, args.library.as_deref()) {
            Ok(found) => problems.extend(found),
            Err(e) => {
                eprintln!("easel check: {e}");
                return 2;
            }
        }
    }
    for p in &problems {
        println!("{shown}: {p}");
    }
    let errors = problems.iter().filter(|p| p.is_error()).count();
    let warnings = problems.len() - errors + imported.warnings.len();
    println!(
        "{shown}: {:?}, {} nodes: {errors} error(s), {warnings} warning(s)",
        imported.format,
        imported.workflow.nodes.len()
    );
    u8::from(errors > 0)
}

/// The model inputs Tensor.Art cannot take as they stand, after the library's mappings.
fn model_problems(workflow: &Workflow, library: Option<&Path>) -> Result<Vec<Problem>, String> {
    let library = library.map(Path::to_path_buf).unwrap_or_else(easel_engine::default_library);
    let journal = library.join(easel_engine::DATABASE_FILE);
    // Checking never creates a library: without a journal there are no mappings.
    let store = if journal.is_file() { Some(Store::open(&journal).map_err(|e| e.to_string())?) } else { None };
    let uses = match &store {
        Some(store) => model_uses_in(store, workflow).map_err(|e| e.to_string())?,
        None => {
            Schemas::bundled().model_inputs(workflow).into_iter().map(|m| ModelUse::resolve(m, None, None)).collect()
        }
    };
    Ok(uses.iter().filter_map(ModelUse::problem).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(rel: &str) -> CheckArgs {
        CheckArgs {
            file: std::env::var_os("EASEL_SHARED")
                .map(std::path::PathBuf::from)
                .filter(|p| p.is_dir())
                .unwrap_or_else(|| std::path::PathBuf::from("/work/shared"))
                .join("corpus")
                .join(rel),
            schemas: None,
            schemas_from: None,
            backend: CheckBackend::Any,
            library: Some(std::env::temp_dir().join("easel-check-test-no-library")),
        }
    }

    #[test]
    fn exit_status_follows_the_findings() {
        assert_eq!(check(&args("workflows/api/sd15_txt2img.json")), 0);
        let for_tams = CheckArgs { backend: CheckBackend::Tams, ..args("workflows/api/sd15_txt2img.json") };
        assert_eq!(check(&for_tams), 1, "its checkpoint is a file name");
        assert_eq!(check(&args("workflows/api/area_composition_32_nodes_png.json")), 1);
        assert_eq!(check(&args("png/neg_comfy_input_no_metadata.png")), 2);
        assert_eq!(check(&args("no/such/file.json")), 2);
    }
}
