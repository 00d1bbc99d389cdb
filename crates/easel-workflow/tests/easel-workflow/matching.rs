//! Editor -> API conversion checked against ComfyUI itself: PNGs that carry both `workflow` and
//! `prompt` hold the frontend's own conversion, so converting `workflow` must reproduce
//! `prompt` for every node the bundled schemas cover (same id, class, and inputs the schema
//! declares; numbers compared by value). The match rate per file is printed and held to a floor.

use easel_workflow::{editor_to_workflow, png_text_chunks, Input, Schemas, Workflow};
use serde_json::Value;

fn png(name: &str) -> Vec<(String, String)> {
    let path = std::env::var_os("EASEL_SHARED")
        .map(std::path::PathBuf::from)
        .filter(|p| p.is_dir())
        .unwrap_or_else(|| std::path::PathBuf::from("/work/shared"))
        .join("corpus/png")
        .join(name);
    png_text_chunks(&std::fs::read(path).unwrap()).unwrap()
}

fn same(a: &Input, b: &Input) -> bool {
    match (a, b) {
        (Input::Value(Value::Number(x)), Input::Value(Value::Number(y))) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// (nodes compared, nodes matching, mismatch descriptions).
fn compare(name: &str) -> (usize, usize, Vec<String>) {
    let chunks = png(name);
    let get = |k: &str| chunks.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone()).unwrap();
    let schemas = Schemas::bundled();
    let expected = Workflow::from_json_str(&get("prompt")).unwrap().workflow;
    let editor: Value = serde_json::from_str(&get("workflow")).unwrap();
    let (got, _warnings) = editor_to_workflow(&editor, schemas).unwrap();
    let (mut total, mut ok, mut diffs) = (0, 0, Vec::new());
    for (id, want) in &expected.nodes {
        let Some(schema) = schemas.get(&want.class_type) else { continue };
        total += 1;
        let Some(have) = got.nodes.get(id) else {
            diffs.push(format!("{id} ({}) missing", want.class_type));
            continue;
        };
        let mut good = have.class_type == want.class_type;
        for spec in &schema.inputs {
            match (want.inputs.get(&spec.name), have.inputs.get(&spec.name)) {
                (None, None) => {}
                (Some(a), Some(b)) if same(a, b) => {}
                (a, b) => {
                    good = false;
                    diffs.push(format!(
                        "{id} ({}).{}: want {:?}, got {:?}",
                        want.class_type,
                        spec.name,
                        a.map(Input::to_json),
                        b.map(Input::to_json)
                    ));
                }
            }
        }
        ok += usize::from(good);
    }
    (total, ok, diffs)
}

#[test]
fn converted_editor_graphs_match_embedded_prompts() {
    // (file, floor of matching nodes in percent)
    let files: &[(&str, u32)] = &[
        ("comfy_controlnet_example.png", 100),
        ("comfy_esrgan_upscale.png", 100),
        ("comfy_flux2_meta_titles.png", 100),
        ("comfy_flux_dev_primitives_groupnodes.png", 100),
        ("comfy_groupnode_colon_ids.png", 100),
        ("comfy_hiresfix_latent.png", 100),
        ("comfy_img2img.png", 100),
        ("comfy_inpaint_example.png", 100),
        ("comfy_lora_multiple.png", 100),
        ("comfy_sdxl_primitives_notes.png", 100),
        ("sdparsers_comfy_img2img_cropped.png", 100),
        ("user_flux_gguf_110_nodes.png", 100),
        ("user_sdxl_prompt_workflow_and_a1111_parameters.png", 100),
    ];
    let mut failures = Vec::new();
    for (name, floor) in files {
        let (total, ok, diffs) = compare(name);
        let rate = (ok * 100).checked_div(total).unwrap_or(100) as u32;
        println!("{name}: {ok}/{total} schema-covered nodes match ({rate}%)");
        for d in &diffs {
            println!("    {d}");
        }
        if rate < *floor {
            failures.push(format!("{name}: {rate}% < {floor}%"));
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
}
