//! `easel check <file>`: imports a workflow and validates it against node schemas, printing
//! every import warning and problem, one per line, located by node, title, class and input.
//! Exit 0 when there is no error (warnings allowed), 1 when there are errors, 2 when the file
//! cannot be read or imported.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::convert::{import_file, load_schemas};

/// Arguments of `easel check`.
#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Workflow file in any format `easel convert` reads.
    pub file: PathBuf,
    /// Node schemas in ComfyUI object_info JSON, used over the bundled ones.
    #[arg(long)]
    pub schemas: Option<PathBuf>,
}

/// Runs `easel check`.
pub fn run(args: CheckArgs) -> ExitCode {
    ExitCode::from(check(&args))
}

/// The check itself, returning the exit status.
fn check(args: &CheckArgs) -> u8 {
    let imported = match load_schemas(args.schemas.as_ref()).and_then(|s| Ok((import_file(&args.file, &s)?, s))) {
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
    let problems = schemas.validate(&imported.workflow);
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
        }
    }

    #[test]
    fn exit_status_follows_the_findings() {
        assert_eq!(check(&args("workflows/api/sd15_txt2img.json")), 0);
        assert_eq!(check(&args("workflows/api/area_composition_32_nodes_png.json")), 1);
        assert_eq!(check(&args("png/neg_comfy_input_no_metadata.png")), 2);
        assert_eq!(check(&args("no/such/file.json")), 2);
    }
}
