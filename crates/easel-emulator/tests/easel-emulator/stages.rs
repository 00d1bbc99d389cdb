//! Classic stages jobs: a txt2img job runs to SUCCESS with the requested size and count.

use serde_json::{json, Value};

use crate::{download, finish, png_size, post, start};

fn txt2img(request_id: Option<&str>) -> Value {
    let mut body = json!({"stages": [
        {"type": "INPUT_INITIALIZE", "inputInitialize": {"seed": 7, "count": 2}},
        {"type": "DIFFUSION", "diffusion": {"width": 512, "height": 768, "prompts": [{"text": "a lighthouse"}],
         "negativePrompts": [{"text": "blurry"}], "sdModel": "600423083519508503", "sdVae": "Automatic",
         "sampler": "Euler a", "steps": 10, "cfgScale": 7}}
    ]});
    if let Some(r) = request_id {
        body["requestId"] = json!(r);
    }
    body
}

#[tokio::test]
async fn txt2img_stage_job_runs_to_success() {
    let emu = start().await;
    let (status, estimate) = post(&emu, "/v1/jobs/credits", &txt2img(None)).await;
    assert_eq!(status, 200);
    let (status, created) = post(&emu, "/v1/jobs", &txt2img(Some("s1"))).await;
    assert_eq!(status, 200, "{created}");
    let job = finish(&emu, created["job"]["id"].as_str().unwrap()).await;
    assert_eq!(job["credits"], estimate["credits"]);
    assert!(job["successInfo"].get("workflowFinishItem").is_none());
    let images = job["successInfo"]["images"].as_array().unwrap();
    assert_eq!(images.len(), 2);
    let (status, bytes) = download(images[1]["url"].as_str().unwrap()).await;
    assert_eq!((status, png_size(&bytes)), (200, (512, 768)));
    emu.shutdown().await;
}

#[tokio::test]
async fn stages_job_needs_a_request_id_and_valid_sizes() {
    let emu = start().await;
    let (status, body) = post(&emu, "/v1/jobs", &txt2img(None)).await;
    assert_eq!((status, body["code"].clone()), (400, json!(3)));
    let mut bad = txt2img(Some("s2"));
    bad["stages"][1]["diffusion"]["width"] = json!(500);
    let (status, body) = post(&emu, "/v1/jobs", &bad).await;
    assert_eq!((status, body["details"][0]["field"].clone()), (400, json!("stages[1].diffusion.width")));
    emu.shutdown().await;
}
