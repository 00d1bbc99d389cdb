//! `easel models`: the library's model mappings, the file names workflows write mapped to the
//! Tensor.Art model ids they are sent as. `map FILE ID` asks the service what the id is (its
//! type must be a model, and it is printed with its name) and stores the mapping; `list` prints
//! every mapping with the model's name; `unmap FILE` forgets one. The rules and storage live in
//! the engine; this file parses arguments and prints.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use easel_engine::{Engine, EventSink, ModelMapping, RunLimits};

#[derive(clap::Args)]
pub(crate) struct ModelsArgs {
    #[command(subcommand)]
    action: Action,
    /// TAMS base URL the ids are looked up on; without it the in-process offline emulator.
    #[arg(long, global = true)]
    endpoint: Option<String>,
    /// Library folder whose mappings these are (default: $EASEL_LIBRARY or ~/Pictures/Easel).
    #[arg(long, global = true)]
    library: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
}

#[derive(clap::Subcommand)]
enum Action {
    /// Map a model file name to a Tensor.Art model id (or model page URL).
    Map {
        /// The file name as workflows write it.
        file: String,
        /// The model id, or its tensor.art model page URL.
        id: String,
    },
    /// List every mapping with the model's name and type.
    List,
    /// Forget the mapping of a file name.
    Unmap {
        /// The file name.
        file: String,
    },
}

pub(crate) async fn run(args: ModelsArgs) -> ExitCode {
    match drive(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, message)) => {
            eprintln!("easel models: {message}");
            ExitCode::from(code)
        }
    }
}

async fn drive(args: ModelsArgs) -> Result<(), (u8, String)> {
    let backend =
        crate::backend::connect(crate::backend::Kind::Tams, args.endpoint.as_deref()).await.map_err(|e| (1, e))?;
    let library = args.library.clone().unwrap_or_else(easel_engine::default_library);
    let sink: EventSink = Arc::new(|_| {});
    let engine = Engine::open(&library, backend.server.engine_backend(), sink, RunLimits::default())
        .map_err(|e| (1, e.to_string()))?;
    match args.action {
        Action::Map { file, id } => {
            let mapping = engine.map_model(&file, &id, None).await.map_err(|e| (2, format!("{file}: {e}")))?;
            print(&[mapping], args.json);
        }
        Action::List => {
            let mut mappings = engine.model_mappings().map_err(|e| (1, e.to_string()))?;
            for m in mappings.iter_mut().filter(|m| m.info.is_none()) {
                // A name the cache lacks is asked for once; an id the service forgot stays unnamed.
                m.info = engine.model_info(&m.model_id).await.ok();
            }
            print(&mappings, args.json);
        }
        Action::Unmap { file } => {
            if !engine.unmap_model(&file).map_err(|e| (1, e.to_string()))? {
                return Err((1, format!("{file} is not mapped")));
            }
            println!("{file}: mapping removed");
        }
    }
    Ok(())
}

fn print(mappings: &[ModelMapping], json: bool) {
    if json {
        match serde_json::to_string_pretty(mappings) {
            Ok(text) => println!("{text}"),
            Err(e) => eprintln!("easel models: cannot encode the mappings: {e}"),
        }
        return;
    }
    for m in mappings {
        let name = m.info.as_ref().and_then(|i| i.name.as_deref()).unwrap_or("(name unknown)");
        let base = m.info.as_ref().and_then(|i| i.base_model.as_deref()).unwrap_or("-");
        println!("{} -> {} {} [{}, {}]", m.file, m.model_id, name, m.model_type, base);
    }
    if mappings.is_empty() {
        println!("no model mappings in this library");
    }
}
