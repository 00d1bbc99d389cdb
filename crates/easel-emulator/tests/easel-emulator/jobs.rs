//! Creating and polling workflow jobs: auth, idempotency, validation errors, life cycle, JSON shape.

use serde_json::{json, Value};

use crate::{client, get, poll_until, post, reference_body, run_reference, start, KEY};

#[tokio::test]
async fn create_answers_created_with_a_string_id() {
    let emu = start().await;
    let (status, body) = post(&emu, "/v1/jobs/workflow", &reference_body("r1")).await;
    assert_eq!(status, 200);
    let id = body["job"]["id"].as_str().unwrap();
    assert!(id.len() == 18 && id.parse::<u64>().is_ok(), "{id}");
    assert_eq!(body, json!({"job": {"id": id, "status": "CREATED"}}));
    emu.shutdown().await;
}

#[tokio::test]
async fn snake_case_fields_and_class_type_are_accepted() {
    let emu = start().await;
    let body = json!({"request_id": "snake", "params": {
        "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 32, "batch_size": 2}},
        "9": {"class_type": "PreviewImage", "inputs": {"images": ["5", 0]}}
    }});
    let (status, created) = post(&emu, "/v1/jobs/workflow", &body).await;
    assert_eq!(status, 200, "{created}");
    let (_, again) = post(&emu, "/v1/jobs/workflow", &json!({"requestId": "snake", "params": body["params"]})).await;
    assert_eq!(again["job"]["id"], created["job"]["id"]);
    let id = created["job"]["id"].as_str().unwrap();
    let last = poll_until(&emu, id, |job| job["status"] == "SUCCESS").await.pop().unwrap();
    let images = last["successInfo"]["images"].as_array().unwrap();
    assert_eq!(images.len(), 2);
    assert_eq!(images[0]["meta"], json!({"image": {"format": "png", "width": 64, "height": 32}}));
    emu.shutdown().await;
}

#[tokio::test]
async fn repeated_request_id_returns_the_same_job() {
    let emu = start().await;
    let (_, a) = post(&emu, "/v1/jobs/workflow", &reference_body("same")).await;
    let (_, b) = post(&emu, "/v1/jobs/workflow", &reference_body("same")).await;
    let (_, c) = post(&emu, "/v1/jobs/workflow", &reference_body("other")).await;
    assert_eq!(a["job"]["id"], b["job"]["id"]);
    assert_ne!(a["job"]["id"], c["job"]["id"]);
    emu.shutdown().await;
}

#[tokio::test]
async fn wrong_or_missing_key_is_401_unauthenticated() {
    let emu = start().await;
    let url = format!("{}/v1/jobs/workflow", emu.base_url());
    let body = reference_body("auth");
    for request in [client().post(&url).json(&body), client().post(&url).bearer_auth("nope").json(&body)] {
        let reply = request.send().await.unwrap();
        assert_eq!(reply.status().as_u16(), 401);
        assert_eq!(reply.json::<Value>().await.unwrap(), json!({"code": 16, "message": "unauthenticated"}));
    }
    let reply = client().get(format!("{}/v1/jobs/1", emu.base_url())).header("Authorization", KEY).send().await;
    assert_eq!(reply.unwrap().status().as_u16(), 401);
    emu.shutdown().await;
}

#[tokio::test]
async fn invalid_graphs_are_400_with_an_argument_error() {
    let emu = start().await;
    let dangling = json!({"requestId": "d", "params": {
        "18": {"classType": "VAEDecode", "inputs": {"samples": ["17", 0]}},
        "9": {"classType": "SaveImage", "inputs": {"images": ["18", 0]}}
    }});
    let (status, body) = post(&emu, "/v1/jobs/workflow", &dangling).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"code": 3, "message": "Params Valid", "details": [{
            "@type": "type.googleapis.com/tams_api.ArgumentError",
            "field": "workflow",
            "message": "node id: 18\nclass type: VAEDecode\nsamples: links to node 17, which does not exist\n"
        }]})
    );
    let no_output = json!({"params": {"4": {"classType": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "1"}}}});
    let (status, body) = post(&emu, "/v1/jobs/workflow", &no_output).await;
    assert_eq!((status, body["code"].clone()), (400, json!(3)));
    let reply = client()
        .post(format!("{}/v1/jobs/workflow", emu.base_url()))
        .bearer_auth(KEY)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status().as_u16(), 400);
    emu.shutdown().await;
}

/// The ArgumentError message of a refused create and check of the reference graph with `node`'s
/// `input` set to `value`.
async fn refused_model(emu: &easel_emulator::Emulator, node: &str, input: &str, value: &str) -> [String; 2] {
    let mut body = reference_body("m");
    body["params"][node]["inputs"][input] = json!(value);
    let mut messages = Vec::new();
    for (path, body) in
        [("/v1/jobs/workflow", body.clone()), ("/v1/jobs/workflow/params/check", json!({"params": body["params"]}))]
    {
        let (status, reply) = post(emu, path, &body).await;
        assert_eq!((status, reply["code"].clone()), (400, json!(3)), "{path}: {reply}");
        messages.push(reply["details"][0]["message"].as_str().unwrap_or_default().to_string());
    }
    [messages[0].clone(), messages[1].clone()]
}

#[tokio::test]
async fn model_inputs_take_known_model_ids_of_a_fitting_type() {
    let emu = start().await;
    for message in refused_model(&emu, "4", "ckpt_name", "v1-5-pruned-emaonly.safetensors").await {
        assert_eq!(
            message,
            "node id: 4\nclass type: CheckpointLoaderSimple\nckpt_name: \"v1-5-pruned-emaonly.safetensors\" is not a model id: Tensor.Art takes the id of a checkpoint here, not a file name\n"
        );
    }
    let [created, _] = refused_model(&emu, "10", "lora_name", "123456789012345678").await;
    assert!(
        created.contains("node id: 10\n") && created.contains("lora_name: model 123456789012345678 not found"),
        "{created}"
    );
    // The reference example's LoRA where its checkpoint goes.
    let [created, _] = refused_model(&emu, "4", "ckpt_name", "648628718430054626").await;
    assert!(created.contains("is a LORA model, which does not fit a checkpoint input"), "{created}");
    let created = emu.requests().iter().filter(|r| r.path == "/v1/jobs/workflow" && r.status == 200).count();
    assert_eq!(created, 0, "no job was made");
    emu.shutdown().await;
}

#[tokio::test]
async fn unknown_job_is_404_code_5() {
    let emu = start().await;
    let (status, body) = get(&emu, "/v1/jobs/123456789012345678").await;
    assert_eq!((status, body["code"].clone()), (404, json!(5)));
    let (status, body) = get(&emu, "/v1/no/such/route").await;
    assert_eq!((status, body["code"].clone()), (404, json!(5)));
    emu.shutdown().await;
}

#[tokio::test]
async fn reference_job_runs_to_success_in_order() {
    let emu = start().await;
    let (_, created) = post(&emu, "/v1/jobs/workflow", &reference_body("life")).await;
    let id = created["job"]["id"].as_str().unwrap().to_string();
    let seen = poll_until(&emu, &id, |job| job["status"] == "SUCCESS").await;
    // WAITING is the default queue's brief phase (one job ahead, a few 2 ms ticks): a poll lands
    // in it only now and then, so it may or may not be seen, but never out of this order.
    let order = ["CREATED", "WAITING", "RUNNING", "SUCCESS"];
    let rank = |s: &str| order.iter().position(|x| *x == s).unwrap_or_else(|| panic!("unexpected status {s}"));
    let ranks: Vec<usize> = seen.iter().map(|j| rank(j["status"].as_str().unwrap())).collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "status went backwards: {ranks:?}");
    for job in seen.iter().filter(|j| j["status"] == "RUNNING") {
        assert_eq!(job["credits"], json!(2.4));
        for node in job["runningInfo"]["workflowFinishItem"]["nodes"].as_object().unwrap().values() {
            if let Some(p) = node.get("process") {
                assert!(p.as_f64().unwrap() > 0.0 && p.as_f64().unwrap() <= 1.0, "{node}");
            }
        }
    }
    let last = seen.last().unwrap();
    assert_eq!(last["credits"], json!(2.4));
    let item = &last["successInfo"]["workflowFinishItem"];
    assert_eq!(item["status"], "SUCCESS");
    assert_eq!(item["nodes"]["3"], json!({"id": "3", "status": "SUCCESS", "process": 1}));
    assert_eq!(item["nodes"]["16"], json!({"id": "16", "status": "SUCCESS"}));
    assert_eq!(item["finishedNodes"].as_object().unwrap().len(), 11);
    let out = &item["nodes"]["9"]["outputUi"]["images"][0];
    assert_eq!(
        (out["type"].clone(), out["width"].clone(), out["height"].clone()),
        (json!("output"), json!(1024), json!(1536))
    );
    let image = &last["successInfo"]["images"][0];
    assert_eq!(image["id"], out["imageResourceId"]);
    assert_eq!(image["expiredIn"], "3600");
    assert!(image["url"].as_str().unwrap().contains("?Expires="));
    emu.shutdown().await;
}

#[tokio::test]
async fn cancel_before_the_end_gives_canceled() {
    let slow = easel_emulator::EmulatorConfig { step_delay: std::time::Duration::from_secs(5), ..Default::default() };
    let emu = crate::start_with(slow).await;
    let (_, created) = post(&emu, "/v1/jobs/workflow", &reference_body("c")).await;
    let id = created["job"]["id"].as_str().unwrap().to_string();
    let reply = client().delete(format!("{}/v1/jobs/{id}", emu.base_url())).bearer_auth(KEY).send().await.unwrap();
    assert_eq!(reply.status().as_u16(), 200);
    assert_eq!(reply.json::<Value>().await.unwrap(), json!({"jobId": id}));
    let (_, body) = get(&emu, &format!("/v1/jobs/{id}")).await;
    assert_eq!(body, json!({"job": {"id": id, "status": "CANCELED"}}));
    emu.shutdown().await;
}

#[tokio::test]
async fn cancel_after_success_keeps_success() {
    let emu = start().await;
    let done = run_reference(&emu, "late").await;
    let id = done["id"].as_str().unwrap();
    let reply = client().delete(format!("{}/v1/jobs/{id}", emu.base_url())).bearer_auth(KEY).send().await.unwrap();
    assert_eq!(reply.status().as_u16(), 200);
    let (_, body) = get(&emu, &format!("/v1/jobs/{id}")).await;
    assert_eq!(body["job"]["status"], "SUCCESS");
    emu.shutdown().await;
}

#[tokio::test]
async fn settling_window_shows_every_node_done_while_the_job_still_runs() {
    let config = easel_emulator::EmulatorConfig {
        step_delay: std::time::Duration::from_millis(2),
        settle: std::time::Duration::from_secs(3),
        ..Default::default()
    };
    let emu = crate::start_with(config).await;
    let (_, created) = post(&emu, "/v1/jobs/workflow", &reference_body("settle")).await;
    let id = created["job"]["id"].as_str().unwrap().to_string();
    let settling =
        |job: &Value| job["status"] == "RUNNING" && job["runningInfo"]["workflowFinishItem"]["status"] == "SUCCESS";
    let seen = poll_until(&emu, &id, |job| settling(job) || job["status"] == "SUCCESS").await;
    let first = seen.last().unwrap();
    assert!(settling(first), "the job reached SUCCESS without a poll seeing it settle: {first}");
    let item = &first["runningInfo"]["workflowFinishItem"];
    let nodes = item["nodes"].as_object().unwrap();
    assert_eq!(nodes.len(), 11);
    assert!(nodes.values().all(|n| n["status"] == "SUCCESS"), "{item}");
    assert_eq!(item["finishedNodes"].as_object().unwrap().len(), 11);
    assert_eq!((first["credits"].clone(), first.get("successInfo")), (json!(2.4), None));
    let early = item["nodes"]["9"]["outputUi"]["images"][0]["filename"].as_str().unwrap();
    let (status, early_png) = crate::download(early).await;
    assert_eq!((status, crate::png_size(&early_png)), (200, (1024, 1536)), "outputs are there before SUCCESS");

    let done = poll_until(&emu, &id, |job| job["status"] != "RUNNING").await.pop().unwrap();
    assert_eq!(done["status"], "SUCCESS");
    let (_, final_png) = crate::download(done["successInfo"]["images"][0]["url"].as_str().unwrap()).await;
    assert_eq!(final_png, early_png);
    emu.shutdown().await;
}
