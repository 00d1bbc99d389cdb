//! Model files and ids from a terminal: `easel check` for Tensor.Art lists every model input that
//! names a file; `easel models map` stores a mapping (looked up on the backend), after which the
//! same check passes and `easel run` sends the ids; `easel run --map` maps for one run only; an
//! unmapped file stops `easel run` with exit 2 before anything is sent.

use std::path::Path;
use std::process::{Command, Output};

use easel_workflow::Schemas;

use crate::{pngs_under, shared};

const SDXL_BASE: &str = "757279507095956705";
const SD15: &str = "600423083519508503";
const LORA: &str = "648628718430054626";
const LORA_2: &str = "631627137633337321";

fn easel(args: &[&str], library: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_easel")).args(args).arg("--library").arg(library).output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Model inputs of a corpus file that hold file names, as (node, input, value).
fn file_inputs(file: &Path) -> Vec<(String, String, String)> {
    let imported = Schemas::bundled().import_bytes(&std::fs::read(file).unwrap()).unwrap();
    let inputs = Schemas::bundled().model_inputs(&imported.workflow);
    inputs.into_iter().filter(|m| !m.is_id()).map(|m| (m.node_id, m.input, m.value)).collect()
}

/// The `prompt` chunk of every PNG saved under `library`.
fn prompts(library: &Path) -> Vec<String> {
    pngs_under(library)
        .into_iter()
        .map(|p| {
            let text = easel_workflow::png_text_chunks(&std::fs::read(p).unwrap()).unwrap();
            text.into_iter().find(|(k, _)| k == "prompt").unwrap().1
        })
        .collect()
}

#[test]
fn check_lists_every_unmapped_model_and_passes_once_they_are_mapped() {
    let library = tempfile::tempdir().unwrap();
    let sdxl = shared().join("corpus/workflows/ui/examples_sdxl_simple_primitives_notes_png.json");
    let sd15 = shared().join("corpus/workflows/api/sd15_txt2img.json");
    for (file, ids) in [(&sdxl, [SDXL_BASE, SDXL_BASE]), (&sd15, [SD15, SD15])] {
        let expected = file_inputs(file);
        assert!(!expected.is_empty(), "{} names model files", file.display());
        let check = easel(&["check", file.to_str().unwrap(), "--backend", "tams"], library.path());
        assert_eq!(check.status.code(), Some(1), "{}", stdout(&check));
        let printed = stdout(&check);
        let unmapped: Vec<&str> = printed.lines().filter(|l| l.contains("error[unmappedModel]")).collect();
        assert_eq!(unmapped.len(), expected.len(), "{}", stdout(&check));
        for (node, input, value) in &expected {
            assert!(
                unmapped.iter().any(|l| l.contains(&format!("node {node} "))
                    && l.contains(&format!("input `{input}`"))
                    && l.contains(value.as_str())),
                "{node}.{input} = {value} is listed: {unmapped:?}"
            );
        }
        // Schemas only: the same file has no error.
        let any = easel(&["check", file.to_str().unwrap(), "--backend", "any"], library.path());
        assert_eq!(any.status.code(), Some(0), "{}", stdout(&any));

        for ((_, _, value), id) in expected.iter().zip(ids) {
            let map = easel(&["models", "map", value, id], library.path());
            assert!(map.status.success(), "{}", stderr(&map));
            assert!(stdout(&map).contains(id) && stdout(&map).contains("CHECKPOINT"), "{}", stdout(&map));
        }
        let check = easel(&["check", file.to_str().unwrap(), "--backend", "tams"], library.path());
        assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
        assert!(!stdout(&check).contains("unmappedModel"));
    }

    let list = easel(&["models", "list", "--json"], library.path());
    assert!(list.status.success(), "{}", stderr(&list));
    let listed: serde_json::Value = serde_json::from_str(&stdout(&list)).unwrap();
    let files: Vec<&str> = listed.as_array().unwrap().iter().map(|m| m["file"].as_str().unwrap()).collect();
    assert_eq!(
        files,
        ["sd_xl_base_1.0.safetensors", "sd_xl_refiner_1.0.safetensors", "v1-5-pruned-emaonly.safetensors"]
    );
    assert!(listed[2]["info"]["name"].as_str().is_some_and(|n| !n.is_empty()), "names come with the list");

    // The run sends the ids: the saved PNG's `prompt` holds them, not the file names.
    let run = easel(&["run", sd15.to_str().unwrap(), "--yes"], library.path());
    assert!(run.status.success(), "{}", stderr(&run));
    let sent = prompts(library.path());
    assert_eq!(sent.len(), 1);
    assert!(sent[0].contains(SD15) && !sent[0].contains("v1-5-pruned-emaonly"), "{}", sent[0]);

    // `unmap` forgets a mapping; a second one finds nothing to forget.
    let unmap = easel(&["models", "unmap", "v1-5-pruned-emaonly.safetensors"], library.path());
    assert!(unmap.status.success(), "{}", stderr(&unmap));
    let again = easel(&["models", "unmap", "v1-5-pruned-emaonly.safetensors"], library.path());
    assert_eq!(again.status.code(), Some(1));
}

#[test]
fn an_unmapped_file_stops_the_run_and_a_one_off_map_runs_it() {
    let library = tempfile::tempdir().unwrap();
    let png = shared().join("corpus/png/comfy_lora_multiple.png");
    let refused = easel(&["run", png.to_str().unwrap(), "--yes"], library.path());
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("ckpt_name") && stderr(&refused).contains("v1-5-pruned-emaonly.ckpt"),
        "{}",
        stderr(&refused)
    );
    assert!(prompts(library.path()).is_empty(), "nothing saved");

    let misfit = easel(
        &[
            "run",
            png.to_str().unwrap(),
            "--yes",
            "--map",
            &format!("v1-5-pruned-emaonly.ckpt={LORA}"),
            "--map",
            &format!("epiNoiseoffset_v2.safetensors={LORA}"),
            "--map",
            &format!("theovercomer8sContrastFix_sd15.safetensors={LORA_2}"),
        ],
        library.path(),
    );
    assert_eq!(misfit.status.code(), Some(2), "a LoRA id for a checkpoint: {}", stderr(&misfit));
    assert!(stderr(&misfit).contains("LORA") && stderr(&misfit).contains("checkpoint"), "{}", stderr(&misfit));

    let url = format!("https://tensor.art/models/{SD15}/some-checkpoint");
    let run = easel(
        &[
            "run",
            png.to_str().unwrap(),
            "--yes",
            "--map",
            &format!("v1-5-pruned-emaonly.ckpt={url}"),
            "--map",
            &format!("epiNoiseoffset_v2.safetensors={LORA}"),
            "--map",
            &format!("theovercomer8sContrastFix_sd15.safetensors={LORA_2}"),
        ],
        library.path(),
    );
    assert!(run.status.success(), "{}", stderr(&run));
    let sent = prompts(library.path());
    assert_eq!(sent.len(), 1);
    assert!(sent[0].contains(SD15) && sent[0].contains(LORA) && sent[0].contains(LORA_2), "{}", sent[0]);
    let list = easel(&["models", "list"], library.path());
    assert!(stdout(&list).contains("no model mappings"), "--map stores nothing: {}", stdout(&list));

    let bad = easel(&["run", png.to_str().unwrap(), "--map", "x.safetensors=abc"], library.path());
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("--map x.safetensors=abc"), "{}", stderr(&bad));
}
