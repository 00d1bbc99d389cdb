//! `easel convert <file> [--to api|tams] [--out FILE]`: reads a workflow in any format Easel
//! knows (detected by content) and prints it as ComfyUI API JSON or a TAMS params map. Import
//! warnings go to stderr; a file that cannot be read or converted exits 2 with a located error.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use easel_workflow::{Imported, Schemas, WorkflowError};

/// Output dialects.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Target {
    /// ComfyUI API graph (`class_type`, `_meta.title`).
    Api,
    /// TAMS `params` map (`classType`).
    Tams,
}

/// Arguments of `easel convert`.
#[derive(Args, Debug)]
pub struct ConvertArgs {
    /// Workflow file: ComfyUI API or editor JSON, TAMS params/request, PNG with metadata, A1111 text.
    pub file: PathBuf,
    /// Output dialect.
    #[arg(long, value_enum, default_value_t = Target::Api)]
    pub to: Target,
    /// Write here instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Node schemas in ComfyUI object_info JSON, used over the bundled ones.
    #[arg(long, conflicts_with = "schemas_from")]
    pub schemas: Option<PathBuf>,
    /// A ComfyUI server whose /object_info (its custom nodes included) is used over the bundled
    /// schemas, e.g. http://127.0.0.1:8188 (a proxy header comes from EASEL_COMFYUI_HEADER).
    #[arg(long, value_name = "URL")]
    pub schemas_from: Option<String>,
}

/// Loads the bundled schemas, merged with an object_info file or a ComfyUI server's when one
/// is given (theirs win: they describe what will run the graph).
pub fn load_schemas(path: Option<&PathBuf>, server: Option<&str>) -> Result<Schemas, WorkflowError> {
    let bundled = Schemas::bundled().clone();
    let mut extra = match (path, server) {
        (Some(path), _) => {
            let shown = path.display().to_string();
            let text = std::fs::read_to_string(path)
                .map_err(|e| WorkflowError::Io { path: shown.clone(), reason: e.to_string() })?;
            Schemas::from_object_info_str(&text).map_err(|e| e.in_file(shown))?
        }
        (None, Some(url)) => server_schemas(url)?,
        (None, None) => return Ok(bundled),
    };
    extra.authoritative = true;
    Ok(bundled.merged(extra))
}

/// A ComfyUI server's `/object_info`, asked once.
fn server_schemas(url: &str) -> Result<Schemas, WorkflowError> {
    let failed = |reason: String| WorkflowError::Io { path: format!("{url}/object_info"), reason };
    let comfy = crate::backend::comfy(url).map_err(failed)?;
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| failed(e.to_string()))?;
    runtime.block_on(comfy.object_info()).map_err(|e| failed(e.to_string()))
}

/// Reads and imports `path`, errors located in the file.
pub fn import_file(path: &std::path::Path, schemas: &Schemas) -> Result<Imported, WorkflowError> {
    let shown = path.display().to_string();
    let bytes = easel_workflow::read_workflow_file(path)?;
    schemas.import_bytes(&bytes).map_err(|e| e.in_file(shown))
}

/// Runs `easel convert`.
pub fn run(args: ConvertArgs) -> ExitCode {
    match convert(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("easel convert: {e}");
            ExitCode::from(2)
        }
    }
}

fn convert(args: &ConvertArgs) -> Result<(), WorkflowError> {
    let schemas = load_schemas(args.schemas.as_ref(), args.schemas_from.as_deref())?;
    let imported = import_file(&args.file, &schemas)?;
    for w in &imported.warnings {
        eprintln!("warning: {w}");
    }
    let value = match args.to {
        Target::Api => imported.workflow.to_comfy_api(),
        Target::Tams => imported.workflow.to_tams_params(),
    };
    // Serialising a serde_json::Value cannot fail; the fallback keeps this total anyway.
    let text = serde_json::to_string_pretty(&value).unwrap_or_else(|_| value.to_string());
    match &args.out {
        Some(out) => std::fs::write(out, text + "\n")
            .map_err(|e| WorkflowError::Io { path: out.display().to_string(), reason: e.to_string() }),
        None => {
            use std::io::Write;
            // A closed pipe (`easel convert x | head`) is not an error worth a panic.
            match writeln!(std::io::stdout().lock(), "{text}") {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(WorkflowError::Io { path: "<stdout>".into(), reason: e.to_string() })
                }
                _ => Ok(()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus(rel: &str) -> PathBuf {
        std::env::var_os("EASEL_SHARED")
            .map(std::path::PathBuf::from)
            .filter(|p| p.is_dir())
            .unwrap_or_else(|| std::path::PathBuf::from("/work/shared"))
            .join("corpus")
            .join(rel)
    }

    #[test]
    fn converts_an_editor_png_to_tams_params_and_refuses_a_jpeg() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.json");
        let args = ConvertArgs {
            file: corpus("png/comfy_lora_multiple.png"),
            to: Target::Tams,
            out: Some(out.clone()),
            schemas: None,
            schemas_from: None,
        };
        convert(&args).unwrap();
        let written: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        assert_eq!(written["3"]["classType"], "KSampler");
        let args = ConvertArgs {
            file: corpus("png/neg_jpeg_with_png_extension.png"),
            to: Target::Api,
            out: None,
            schemas: None,
            schemas_from: None,
        };
        let err = convert(&args).unwrap_err().to_string();
        assert!(err.contains("neg_jpeg_with_png_extension.png: not a workflow: a JPEG image"), "{err}");
    }
}
