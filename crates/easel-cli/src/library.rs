//! `easel library`: the gallery index from a terminal. `import` indexes a folder of PNGs into a
//! library (progress on stderr, failures listed at the end); `search` prints the paths of the
//! images matching a query, best first (or JSON with `--json`). Exit codes: 0 done (an import
//! with unreadable files is still done), 1 the library could not be opened or written.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use easel_library::{ImportProgress, Library};

/// `easel library` options.
#[derive(clap::Args)]
pub(crate) struct LibraryArgs {
    #[command(subcommand)]
    command: LibraryCommand,
}

#[derive(clap::Subcommand)]
enum LibraryCommand {
    /// Index every PNG under a folder (ComfyUI, A1111, Fooocus, Tensor.Art, Easel), in place.
    Import {
        /// The folder to import.
        folder: PathBuf,
        /// The library folder holding the index.
        #[arg(long)]
        library: PathBuf,
    },
    /// Print the paths of the images matching a query, best match first.
    Search {
        /// Words to find in prompts, model names, node classes, tags and workflow names.
        query: String,
        /// The library folder holding the index.
        #[arg(long)]
        library: PathBuf,
        /// Print a JSON array of image records instead of one path per line.
        #[arg(long)]
        json: bool,
        /// Most results to print.
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
}

pub(crate) fn run(args: LibraryArgs) -> ExitCode {
    let result = match args.command {
        LibraryCommand::Import { folder, library } => import(&folder, &library),
        LibraryCommand::Search { query, library, json, limit } => search(&query, &library, json, limit),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("easel library: {message}");
            ExitCode::from(1)
        }
    }
}

fn import(folder: &std::path::Path, library: &std::path::Path) -> Result<(), String> {
    let library = open(library, None)?;
    let mut stderr = std::io::stderr();
    let mut show = |p: &ImportProgress| {
        // Progress is best effort: a closed stderr must not stop the import.
        let _ = write!(
            stderr,
            "\rimporting {}/{}: {} new, {} known, {} failed",
            p.done,
            p.total,
            p.added,
            p.known,
            p.failed.len()
        );
    };
    let report = library.import_folder(folder, &mut show).map_err(|e| e.to_string())?;
    eprintln!();
    for failure in &report.failed {
        eprintln!("skipped {failure}");
    }
    eprintln!("{} images indexed in {}", report.added, library.root().display());
    Ok(())
}

fn search(query: &str, library: &std::path::Path, json: bool, limit: u32) -> Result<(), String> {
    let library = open(library, Some(1))?;
    let hits = library.search(query, limit).map_err(|e| e.to_string())?;
    if json {
        println!("{}", serde_json::to_string_pretty(&hits).map_err(|e| e.to_string())?);
    } else {
        for hit in hits {
            println!("{}", hit.path);
        }
    }
    Ok(())
}

/// Opens the library; an index that was unreadable (moved aside and replaced at open) is rebuilt
/// from the folder before the command goes on, so a search never answers from half an index.
fn open(library: &std::path::Path, threads: Option<usize>) -> Result<Library, String> {
    let library = match threads {
        Some(n) => Library::open_with_threads(library, n),
        None => Library::open(library),
    }
    .map_err(|e| e.to_string())?;
    if library.needs_rescan() {
        eprintln!("easel: rebuilding the library index of {} from its images", library.root().display());
        let report = library.rescan(&mut |_| {}).map_err(|e| e.to_string())?;
        eprintln!("easel: {} images indexed again", report.added + report.known);
    }
    Ok(library)
}
