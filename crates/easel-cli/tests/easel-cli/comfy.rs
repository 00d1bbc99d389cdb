//! `easel run --backend comfyui` and `easel resume` against `easel emulator --flavor comfyui`,
//! each a process: the reference example with ComfyUI model names saved as a 1024×1536 PNG whose
//! `prompt` chunk is the graph sent, also when the websocket drops mid-run (saved once).

use std::process::Command;

use serde_json::Value;

use crate::{pngs_under, reference_file, EmulatorProcess};

fn server(faults: &str) -> EmulatorProcess {
    server_with(&["--faults", faults])
}

fn server_with(args: &[&str]) -> EmulatorProcess {
    EmulatorProcess::start(&[&["--flavor", "comfyui", "--port", "0"], args].concat())
}

/// `easel run` of the reference example with ComfyUI model names.
fn run_reference(server: &EmulatorProcess, library: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_easel"))
        .arg("run")
        .arg(reference_file())
        .args(["--backend", "comfyui", "--endpoint", &server.url, "--library"])
        .arg(library)
        .args(["--set", "4.ckpt_name=v1-5-pruned-emaonly.safetensors"])
        .args(["--set", "10.lora_name=add_detail.safetensors", "--set", "14.lora_name=add_detail.safetensors"])
        .output()
        .unwrap()
}

fn saved_png(library: &std::path::Path) -> Vec<u8> {
    let pngs = pngs_under(library);
    assert_eq!(pngs.len(), 1, "saved once: {pngs:?}");
    std::fs::read(&pngs[0]).unwrap()
}

fn prompt_of(png: &[u8]) -> Value {
    let text = easel_workflow::png_text_chunks(png).unwrap();
    serde_json::from_str(&text.iter().find(|(k, _)| k == "prompt").unwrap().1).unwrap()
}

#[test]
fn the_reference_example_runs_on_a_comfyui_server_and_its_png_holds_the_graph_sent() {
    let server = server("");
    let library = tempfile::tempdir().unwrap();
    let output = run_reference(&server, library.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let png = saved_png(library.path());
    let image = image::load_from_memory(&png).unwrap();
    assert_eq!((image.width(), image.height()), (1024, 1536));
    let prompt = prompt_of(&png);
    assert_eq!(prompt["4"]["inputs"]["ckpt_name"], "v1-5-pruned-emaonly.safetensors", "the graph sent");
    assert_eq!(prompt["10"]["inputs"]["lora_name"], "add_detail.safetensors");
    // The same graph the server recorded for the prompt.
    let history = server_history(&server);
    let entry = history.as_object().unwrap().values().next().expect("one prompt in the history");
    assert_eq!(entry["prompt"][2], prompt, "the prompt chunk is what the server ran");

    let missing = Command::new(env!("CARGO_BIN_EXE_easel"))
        .args(["run", "--backend", "comfyui"])
        .arg(reference_file())
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("needs --endpoint"));
}

#[test]
fn a_websocket_dropped_mid_run_still_saves_the_image_once() {
    let server = server("wsdrop=1");
    let library = tempfile::tempdir().unwrap();
    let output = run_reference(&server, library.path());
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let png = saved_png(library.path());
    assert_eq!(prompt_of(&png)["4"]["inputs"]["ckpt_name"], "v1-5-pruned-emaonly.safetensors");
}

/// Three custom nodes of the corpus's 110-node Flux PNG as their packages declare them (names,
/// types and widget order from the PNG's own `prompt` chunk and the packages' sources).
const CUSTOM_NODES: &str = r#"{
 "JWInteger": {"input": {"required": {"value": ["INT", {"default": 0, "min": -9007199254740991, "max": 9007199254740991}]}},
   "input_order": {"required": ["value"]}, "output": ["INT"], "output_is_list": [false], "output_name": ["INT"],
   "name": "JWInteger", "display_name": "Integer", "description": "", "python_module": "custom_nodes.comfyui-various",
   "category": "jamesWalker55", "output_node": false},
 "UnetLoaderGGUF": {"input": {"required": {"unet_name": [["FLUX1\\flux-hyp8-Q5_1.gguf"], {}]}},
   "input_order": {"required": ["unet_name"]}, "output": ["MODEL"], "output_is_list": [false], "output_name": ["MODEL"],
   "name": "UnetLoaderGGUF", "display_name": "Unet Loader (GGUF)", "description": "", "python_module": "custom_nodes.ComfyUI-GGUF",
   "category": "bootleg", "output_node": false},
 "JWDatetimeString": {"input": {"required": {"format": ["STRING", {"default": "%Y-%m-%dT%H:%M:%S"}]}},
   "input_order": {"required": ["format"]}, "output": ["STRING"], "output_is_list": [false], "output_name": ["STRING"],
   "name": "JWDatetimeString", "display_name": "Datetime String", "description": "", "python_module": "custom_nodes.comfyui-various",
   "category": "jamesWalker55", "output_node": false}
}"#;

#[test]
fn convert_and_check_name_a_custom_node_s_widgets_from_the_server_s_object_info() {
    let dir = tempfile::tempdir().unwrap();
    let png = std::fs::read(crate::shared().join("corpus/png/user_flux_gguf_110_nodes.png")).unwrap();
    let text = easel_workflow::png_text_chunks(&png).unwrap();
    let chunk = |key: &str| text.iter().find(|(k, _)| k == key).unwrap().1.clone();
    // The chunk holds NaN literals, as ComfyUI writes them: read it as the importer does.
    let own: Value = easel_workflow::parse_json_lenient(&chunk("prompt")).unwrap();
    // The editor graph alone, as a person saves it: widget values by position, no names.
    let editor = dir.path().join("flux_gguf.json");
    std::fs::write(&editor, chunk("workflow")).unwrap();
    let nodes = dir.path().join("custom_nodes.json");
    std::fs::write(&nodes, CUSTOM_NODES).unwrap();
    let server = server_with(&["--custom-nodes", nodes.to_str().unwrap()]);
    let convert = |extra: &[&str]| -> Value {
        let output =
            Command::new(env!("CARGO_BIN_EXE_easel")).arg("convert").arg(&editor).args(extra).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        serde_json::from_slice(&output.stdout).unwrap()
    };
    let custom: Vec<(&String, &Value)> = own
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, n)| {
            ["JWInteger", "UnetLoaderGGUF", "JWDatetimeString"].contains(&n["class_type"].as_str().unwrap())
        })
        .collect();
    assert_eq!(custom.len(), 22, "the PNG's instances of the three classes");
    let bundled = convert(&[]);
    assert!(
        custom.iter().all(|(id, _)| bundled[id.as_str()]["inputs"].as_object().unwrap().is_empty()),
        "unnamed without schemas"
    );
    let named = convert(&["--schemas-from", &server.url]);
    for (id, node) in &custom {
        assert_eq!(named[id.as_str()]["inputs"], node["inputs"], "node {id} named as the PNG's own prompt names it");
    }
    // `check` asks the same server: these classes are known there, so none is reported unknown.
    let output = Command::new(env!("CARGO_BIN_EXE_easel"))
        .arg("check")
        .arg(&editor)
        .args(["--backend", "any", "--schemas-from", &server.url])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(report.contains("unknownClass"), "other custom nodes stay unknown: {report}");
    for class in ["JWInteger", "UnetLoaderGGUF", "JWDatetimeString"] {
        let named = format!("no schema for class `{class}`");
        assert!(!report.lines().any(|l| l.contains(&named)), "{class} is known to the server: {report}");
    }
}

/// The server's `/history` as it answers it.
fn server_history(server: &EmulatorProcess) -> Value {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let reply = reqwest::get(format!("{}/history", server.url)).await.unwrap();
        reply.json().await.unwrap()
    })
}
