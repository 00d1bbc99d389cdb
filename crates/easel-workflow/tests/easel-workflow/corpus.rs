//! Every corpus file, with the specific outcome expected of it: the format detected, the node
//! count after conversion and the number of validation errors against the bundled schemas, or
//! the words of the located error that refuses it. A new corpus file fails the test until it is
//! listed here.

use std::path::PathBuf;

use easel_workflow::{Format, Schemas};

pub(crate) fn corpus() -> PathBuf {
    std::env::var_os("EASEL_SHARED")
        .map(std::path::PathBuf::from)
        .filter(|p| p.is_dir())
        .unwrap_or_else(|| std::path::PathBuf::from("/work/shared"))
        .join("corpus")
}

/// What importing one file must give.
enum Expect {
    /// Imports in this format with this many nodes and this many validation errors.
    Ok(Format, usize, usize),
    /// Fails with an error whose text contains this.
    Err(&'static str),
}

#[test]
fn every_corpus_file_has_its_expected_outcome() {
    use Expect::{Err, Ok};
    use Format::*;
    let cases: &[(&str, &str, Expect)] = &[
        ("workflows/api", "all_controlnet_preprocessors_79_nodes.json", Ok(ComfyApi, 79, 0)),
        ("workflows/api", "animatediff_legacy_ipadapterapply.json", Ok(ComfyApi, 18, 0)),
        ("workflows/api", "area_composition_32_nodes_png.json", Ok(ComfyApi, 32, 1)),
        ("workflows/api", "automated_influencer_37_nodes.json", Ok(ComfyApi, 37, 0)),
        ("workflows/api", "base64_loadimage_etn.json", Ok(ComfyApi, 9, 0)),
        ("workflows/api", "controlnet_pose_two_pass_png.json", Ok(ComfyApi, 20, 0)),
        ("workflows/api", "controlnet_scribble_sd15.json", Ok(ComfyApi, 11, 0)),
        ("workflows/api", "efficiency_loader_lora.json", Ok(ComfyApi, 4, 0)),
        ("workflows/api", "flux_dev_unet_dualclip_samplercustom_png.json", Ok(ComfyApi, 14, 0)),
        ("workflows/api", "flux_inpaint_alimama_controlnet_rgthree.json", Ok(ComfyApi, 25, 0)),
        ("workflows/api", "flux_pulid_unet_dualclip.json", Ok(ComfyApi, 18, 0)),
        ("workflows/api", "groupnode_expanded_colon_ids_png.json", Ok(ComfyApi, 12, 0)),
        ("workflows/api", "hiresfix_esrgan_upscale_model.json", Ok(ComfyApi, 15, 0)),
        ("workflows/api", "hiresfix_latent_upscale.json", Ok(ComfyApi, 11, 0)),
        ("workflows/api", "img2img_sd15_loadimage.json", Ok(ComfyApi, 8, 0)),
        ("workflows/api", "inpaint_sd15_vaeencodeforinpaint.json", Ok(ComfyApi, 8, 0)),
        ("workflows/api", "lora_chain_two_loraloaders_png.json", Ok(ComfyApi, 9, 0)),
        ("workflows/api", "outpaint_imagepad_png.json", Ok(ComfyApi, 9, 0)),
        ("workflows/api", "partner_api_node_ideogram.json", Ok(ComfyApi, 2, 0)),
        ("workflows/api", "pydn_rgthree_power_lora_dict_inputs.json", Ok(ComfyApi, 3, 0)),
        ("workflows/api", "pydn_subgraph_colon_node_ids.json", Ok(ComfyApi, 2, 0)),
        ("workflows/api", "pydn_unsafe_input_names.json", Ok(ComfyApi, 1, 0)),
        ("workflows/api", "sd15_three_parallel_pipelines_21_nodes.json", Ok(ComfyApi, 21, 0)),
        ("workflows/api", "sd15_txt2img.json", Ok(ComfyApi, 7, 0)),
        ("workflows/api", "sdxl_base_refiner_ksampleradvanced.json", Ok(ComfyApi, 11, 0)),
        ("workflows/api", "stable_restyle_extra_toplevel_key.json", Ok(ComfyApi, 12, 0)),
        ("workflows/api", "swarmui_basic_sdxl_wrapped_ui_plus_api_placeholders.json", Ok(ComfyApi, 9, 7)),
        ("workflows/api", "ultimatesdupscale_controlnet_no_meta.json", Ok(ComfyApi, 9, 0)),
        ("workflows/api", "upscale_esrgan_after_txt2img.json", Ok(ComfyApi, 9, 0)),
        ("workflows/api", "user_flux_gguf_dynprompts_67_nodes_png.json", Ok(ComfyApi, 67, 5)),
        ("workflows/api", "user_sdxl_rvtools_wildcards_57_nodes_png.json", Ok(ComfyApi, 57, 0)),
        ("workflows/api", "vid2vid_controlnet_dwpose_22_nodes.json", Ok(ComfyApi, 22, 0)),
        ("workflows/api", "vid2vid_img2img_example_api.json", Ok(ComfyApi, 8, 0)),
        ("workflows/api", "wrapper_prompt_request_body.json", Ok(ComfyApi, 7, 0)),
        ("workflows/api", "wrapper_runpod_input_flux1_dev.json", Ok(ComfyApi, 12, 0)),
        ("workflows/ui", "cog_sd15_ui_file_in_api_folder.json", Ok(ComfyUi, 7, 0)),
        ("workflows/ui", "cog_supir_setnode_getnode_reroute.json", Ok(ComfyUi, 12, 0)),
        ("workflows/ui", "examples_flux_dev_primitives_groupnodes_png.json", Ok(ComfyUi, 14, 0)),
        ("workflows/ui", "examples_groupnode_gt_separator_png.json", Ok(ComfyUi, 15, 0)),
        ("workflows/ui", "examples_groupnode_slash_separator_png.json", Ok(ComfyUi, 12, 0)),
        ("workflows/ui", "examples_hunyuan_i2v_models_key_empty_groupnodes.json", Ok(ComfyUi, 18, 0)),
        ("workflows/ui", "examples_sdxl_simple_primitives_notes_png.json", Ok(ComfyUi, 11, 0)),
        ("workflows/ui", "examples_svd_txt2img2vid_groups.json", Ok(ComfyUi, 13, 0)),
        ("workflows/ui", "examples_wan22_i2v_14b_two_ksampleradvanced.json", Ok(ComfyUi, 15, 0)),
        ("workflows/ui", "impact_detailer_pipe_test_52_nodes.json", Ok(ComfyUi, 50, 0)),
        ("workflows/ui", "ipadapter_cosxl_edit_groupnode.json", Ok(ComfyUi, 17, 0)),
        ("workflows/ui", "ipadapter_weights_primitivenode.json", Ok(ComfyUi, 12, 0)),
        ("workflows/ui", "litegraph_floating_link_only.json", Ok(ComfyUi, 1, 3)),
        ("workflows/ui", "litegraph_native_reroutes_floating_links.json", Ok(ComfyUi, 9, 4)),
        ("workflows/ui", "tensorart_aitools_node_300_widget_values.json", Ok(ComfyUi, 3, 0)),
        ("workflows/ui", "user_flux_gguf_110_nodes_png.json", Ok(ComfyUi, 67, 5)),
        ("workflows/ui", "user_wan21_2pass_116_nodes_workflow_only_png.json", Ok(ComfyUi, 52, 0)),
        ("workflows/ui", "vid2vid_img2img_example_ui.json", Ok(ComfyUi, 8, 0)),
        ("workflows/tams", "tams_go_demo_txt2img_stages_job_printf_placeholder.json", Err("TAMS stages job")),
        (
            "workflows/tams",
            "tams_go_demo_workflow_template_check_null_fieldvalue.json",
            Err("TAMS template job (templateId"),
        ),
        (
            "workflows/tams",
            "tams_go_demo_workflow_template_job_printf_placeholder.json",
            Err("TAMS template job (templateId"),
        ),
        (
            "workflows/tams",
            "tams_workflow_params_classType_python_excerpt.py.txt",
            Err("not valid JSON at line 1, column 1"),
        ),
        ("png", "a1111_parameters_cropped.png", Ok(A1111, 7, 0)),
        ("png", "a1111_parameters_ztxt_after_idat.png", Ok(A1111, 7, 0)),
        ("png", "comfy_controlnet_example.png", Ok(PngPrompt, 11, 0)),
        ("png", "comfy_esrgan_upscale.png", Ok(PngPrompt, 9, 0)),
        ("png", "comfy_flux2_meta_titles.png", Ok(PngPrompt, 19, 0)),
        ("png", "comfy_flux_dev_primitives_groupnodes.png", Ok(PngPrompt, 14, 0)),
        ("png", "comfy_groupnode_colon_ids.png", Ok(PngPrompt, 12, 0)),
        ("png", "comfy_hiresfix_latent.png", Ok(PngPrompt, 11, 0)),
        ("png", "comfy_img2img.png", Ok(PngPrompt, 8, 0)),
        ("png", "comfy_inpaint_example.png", Ok(PngPrompt, 8, 1)),
        ("png", "comfy_lora_multiple.png", Ok(PngPrompt, 9, 0)),
        ("png", "comfy_sdxl_primitives_notes.png", Ok(PngPrompt, 11, 0)),
        ("png", "fooocus_parameters_json.png", Ok(Fooocus, 8, 0)),
        ("png", "neg_a1111_stealth_alpha_no_text_chunks.png", Err("no text chunks at all")),
        ("png", "neg_comfy_input_no_metadata.png", Err("no text chunks at all")),
        ("png", "neg_jpeg_with_png_extension.png", Err("a JPEG image")),
        ("png", "sdparsers_comfy_img2img_cropped.png", Ok(PngPrompt, 8, 0)),
        ("png", "user_flux_gguf_110_nodes.png", Ok(PngPrompt, 67, 5)),
        ("png", "user_sdxl_prompt_workflow_and_a1111_parameters.png", Ok(PngPrompt, 57, 0)),
        ("png", "user_wan21_workflow_only.png", Ok(PngWorkflow, 52, 0)),
    ];
    let schemas = Schemas::bundled();
    let mut listed = std::collections::HashSet::new();
    for (dir, name, expect) in cases {
        listed.insert(format!("{dir}/{name}"));
        let bytes = std::fs::read(corpus().join(dir).join(name)).unwrap_or_else(|e| panic!("{dir}/{name}: {e}"));
        match (expect, schemas.import_bytes(&bytes)) {
            (Ok(format, nodes, errors), std::result::Result::Ok(imported)) => {
                let problems = schemas.validate(&imported.workflow);
                let found = problems.iter().filter(|p| p.is_error()).count();
                println!(
                    "{dir}/{name}: {:?}, {} nodes, {} import warnings, {found} validation errors",
                    imported.format,
                    imported.workflow.nodes.len(),
                    imported.warnings.len()
                );
                for p in problems.iter().filter(|p| p.is_error()) {
                    println!("    {p}");
                }
                assert_eq!(imported.format, *format, "{name}");
                assert_eq!(imported.workflow.nodes.len(), *nodes, "{name}: node count");
                assert_eq!(found, *errors, "{name}: validation errors");
                // Every problem is located or names the whole graph on purpose.
                assert!(problems.iter().all(|p| p.node_id.is_some() || p.code == "noOutput" || p.code == "cycle"));
            }
            (Err(text), std::result::Result::Err(e)) => {
                println!("{dir}/{name}: refused: {e}");
                assert!(e.to_string().contains(text), "{name}: error `{e}` lacks `{text}`");
            }
            (Ok(..), std::result::Result::Err(e)) => panic!("{name}: expected to import, got {e}"),
            (Err(text), std::result::Result::Ok(i)) => {
                panic!("{name}: expected an error with `{text}`, imported {:?}", i.format)
            }
        }
    }
    for dir in ["workflows/api", "workflows/ui", "workflows/tams", "png"] {
        for entry in std::fs::read_dir(corpus().join(dir)).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            assert!(name == "SOURCES.md" || listed.contains(&format!("{dir}/{name}")), "{dir}/{name} is not listed");
        }
    }
}
