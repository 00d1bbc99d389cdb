//! `easel run` and `easel emulator` end to end.

use std::process::{Command, Stdio};

use crate::{files_under, pngs_under, reference_file, EmulatorProcess};

#[test]
fn run_without_endpoint_uses_the_offline_emulator_and_prints_the_path() {
    let library = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_easel"))
        .arg("run")
        .arg(reference_file())
        .arg("--library")
        .arg(library.path())
        .args(["--set", "6.text=a lighthouse at dusk", "--set", "3.seed=7"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let printed: Vec<&str> = stdout.lines().collect();
    assert_eq!(printed.len(), 1, "{stdout}");
    assert!(printed[0].ends_with(".png") && std::path::Path::new(printed[0]).exists());
    assert!(stderr.contains("done: 1 image(s)"), "{stderr}");
    let pngs = pngs_under(library.path());
    assert_eq!(pngs.len(), 1);
    let bytes = std::fs::read(&pngs[0]).unwrap();
    let text = easel_workflow::png_text_chunks(&bytes).unwrap();
    let prompt = &text.iter().find(|(k, _)| k == "prompt").unwrap().1;
    assert!(prompt.contains("a lighthouse at dusk"), "--set reached the graph");
}

#[test]
fn invalid_files_and_edits_exit_2_with_a_located_message() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken.json");
    std::fs::write(&bad, r#"{"1": {"classType": "VAEDecode", "inputs": {"samples": ["7", 0]}}}"#).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_easel")).arg("run").arg(&bad).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("broken.json") && stderr.contains("node 1 (VAEDecode)") && stderr.contains("samples"),
        "{stderr}"
    );

    let output = Command::new(env!("CARGO_BIN_EXE_easel"))
        .arg("run")
        .arg(reference_file())
        .args(["--set", "99.seed=1"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("there is no node 99"));
}

#[test]
fn emulator_command_announces_its_address() {
    let tams = EmulatorProcess::start(&["--port", "0", "--api-key", "k", "--faults", "queue=0"]);
    assert!(tams.url.starts_with("http://127.0.0.1:"), "{}", tams.url);

    let output = Command::new(env!("CARGO_BIN_EXE_easel")).args(["emulator", "--faults", "5xx=3"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("5xx=3"));

    let comfy = EmulatorProcess::start(&["--flavor", "comfyui", "--port", "0", "--faults", "wsdrop=0.5"]);
    assert!(comfy.url.starts_with("http://127.0.0.1:"), "{}", comfy.url);
    let output = Command::new(env!("CARGO_BIN_EXE_easel")).args(["emulator", "--flavor", "a1111"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "clap refuses an unknown flavour");
}

#[test]
fn a_batch_above_the_credit_threshold_needs_yes() {
    let library = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_easel"))
        .arg("run")
        .arg(reference_file())
        .arg("--library")
        .arg(library.path())
        .args(["--count", "3", "--confirm-above", "5"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("estimated 2.4 credits per run"), "{stderr}");
    assert!(files_under(library.path()).iter().all(|p| p.extension().is_none_or(|e| e != "png")), "nothing ran");
}

#[test]
fn local_load_image_files_are_uploaded_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input.png");
    std::fs::copy(crate::shared().join("corpus/png/comfy_img2img.png"), &input).unwrap();
    let file = crate::load_image_graph(dir.path(), &input);
    let output = Command::new(env!("CARGO_BIN_EXE_easel"))
        .arg("run")
        .arg(&file)
        .arg("--library")
        .arg(dir.path().join("lib"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains(&format!("uploading {}", input.display())), "each upload is announced: {stderr}");
    let saved = String::from_utf8_lossy(&output.stdout).trim().to_string();
    let text = easel_workflow::png_text_chunks(&std::fs::read(saved).unwrap()).unwrap();
    let prompt = &text.iter().find(|(k, _)| k == "prompt").unwrap().1;
    assert!(!prompt.contains("input.png"), "the local path was replaced by a resource id: {prompt}");
}

#[test]
fn a_template_runs_by_id_with_its_fields_set_and_a_local_image_uploaded() {
    let dir = tempfile::tempdir().unwrap();
    let input = crate::shared().join("corpus/png/comfy_img2img.png");
    let output = Command::new(env!("CARGO_BIN_EXE_easel"))
        .args(["run", "--template", "676018193025756628"])
        .arg("--set")
        .arg(format!("25.image={}", input.canonicalize().unwrap().display()))
        .args(["--set", "27.text=1 girl, amber eyes"])
        .arg("--library")
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("uploading "), "{stderr}");
    let saved = String::from_utf8_lossy(&output.stdout).trim().to_string();
    assert!(image::load_from_memory(&std::fs::read(&saved).unwrap()).is_ok(), "{saved}");

    // A field the template does not have is refused before anything is sent.
    let output = Command::new(env!("CARGO_BIN_EXE_easel"))
        .args(["run", "--template", "676018193025756628", "--set", "99.seed=1"])
        .arg("--library")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("has no field 99.seed (it has 25.image, 27.text)"));
}

#[test]
fn a_comfyui_png_runs_and_its_editor_workflow_is_embedded_again() {
    let dir = tempfile::tempdir().unwrap();
    let shared = crate::shared();
    let output = Command::new(env!("CARGO_BIN_EXE_easel"))
        .arg("run")
        .arg(shared.join("corpus/png/comfy_lora_multiple.png"))
        .arg("--library")
        .arg(dir.path())
        // Its models are file names; Tensor.Art takes ids (see `models`).
        .args(["--map", "v1-5-pruned-emaonly.ckpt=600423083519508503"])
        .args(["--map", "epiNoiseoffset_v2.safetensors=648628718430054626"])
        .args(["--map", "theovercomer8sContrastFix_sd15.safetensors=631627137633337321"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let saved = String::from_utf8_lossy(&output.stdout).lines().next().unwrap_or_default().to_string();
    let text = easel_workflow::png_text_chunks(&std::fs::read(&saved).unwrap()).unwrap();
    let keys: Vec<&str> = text.iter().map(|(k, _)| k.as_str()).collect();
    assert!(keys.contains(&"prompt") && keys.contains(&"workflow") && keys.contains(&"easel"), "{keys:?}");
}

#[test]
fn a_load_image_naming_a_missing_file_is_a_located_error_before_anything_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let emulator = runtime
        .block_on(easel_emulator::Emulator::start(easel_emulator::EmulatorConfig {
            api_key: "cli-key".into(),
            ..easel_emulator::EmulatorConfig::default()
        }))
        .unwrap();
    let missing = dir.path().join("nowhere.png");
    let file = crate::load_image_graph(dir.path(), &missing);
    let output = Command::new(env!("CARGO_BIN_EXE_easel"))
        .arg("run")
        .arg(&file)
        .args(["--endpoint", &emulator.base_url()])
        .arg("--library")
        .arg(dir.path().join("lib"))
        .env("EASEL_API_KEY", "cli-key")
        .env("EASEL_BUDGET_DIR", dir.path().join("budget"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("node 1 (LoadImage) input image:") && stderr.contains("does not exist"), "{stderr}");
    assert!(emulator.requests().is_empty(), "nothing was sent: {:?}", emulator.requests());
}
