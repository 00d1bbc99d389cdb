//! The ComfyUI flavour over real HTTP and websockets on 127.0.0.1: object_info, uploads, every
//! validation rule's 400 (located by node id and input name), a full run of the reference graph
//! watched over the websocket, history/queue/interrupt/delete, and the `wsdrop` fault. Every wait
//! is bounded by a timeout and every loop by a count; nothing asserts on wall-clock time.

use std::time::Duration;

use easel_emulator::{Emulator, EmulatorConfig, FaultSpec, Flavor};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// How long any single wait may take before the test fails.
const WAIT: Duration = Duration::from_secs(20);
/// Most websocket frames read while waiting for one.
const MAX_FRAMES: usize = 2000;

pub async fn start_comfy(step: Duration, faults: FaultSpec) -> Emulator {
    let config = EmulatorConfig { flavor: Flavor::ComfyUi, step_delay: step, faults, ..EmulatorConfig::default() };
    Emulator::start(config).await.expect("emulator starts")
}

/// The reference example as a ComfyUI API graph.
pub fn reference_api() -> Value {
    easel_workflow::Workflow::from_json_str(easel_workflow::REFERENCE_WORKFLOW)
        .expect("reference")
        .workflow
        .to_comfy_api()
}

async fn get(emu: &Emulator, path: &str) -> (u16, Value) {
    let reply = crate::client().get(format!("{}{path}", emu.base_url())).send().await.expect("get");
    let status = reply.status().as_u16();
    let text = reply.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn post(emu: &Emulator, path: &str, body: &Value) -> (u16, Value) {
    let reply = crate::client().post(format!("{}{path}", emu.base_url())).json(body).send().await.expect("post");
    let status = reply.status().as_u16();
    let text = reply.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// A PNG header of `width` x `height` (all the emulator reads of an upload).
pub fn png_header(width: u32, height: u32, salt: u8) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(&13u32.to_be_bytes());
    bytes.extend_from_slice(b"IHDR");
    bytes.extend_from_slice(&width.to_be_bytes());
    bytes.extend_from_slice(&height.to_be_bytes());
    bytes.extend_from_slice(&[8, 2, 0, 0, 0, salt, 0, 0, 0]);
    bytes
}

fn png_size(bytes: &[u8]) -> (u32, u32) {
    let word = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    (word(16), word(20))
}

async fn upload(emu: &Emulator, name: &str, bytes: Vec<u8>, overwrite: bool) -> (u16, Value) {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()).mime_str("image/png").expect("mime");
    let mut form = reqwest::multipart::Form::new().part("image", part).text("type", "input");
    if overwrite {
        form = form.text("overwrite", "true");
    }
    let reply =
        crate::client().post(format!("{}/upload/image", emu.base_url())).multipart(form).send().await.expect("upload");
    let status = reply.status().as_u16();
    (status, reply.json().await.unwrap_or(Value::Null))
}

async fn connect(emu: &Emulator, client_id: &str) -> Socket {
    let url = format!("ws://{}/ws?clientId={client_id}", emu.addr());
    let (socket, _) =
        tokio::time::timeout(WAIT, tokio_tungstenite::connect_async(url)).await.expect("in time").expect("ws");
    socket
}

/// One frame: text as JSON, binary as bytes; `None` once the socket is closed.
enum Frame {
    Text(Value),
    Binary(Vec<u8>),
}

async fn next_frame(socket: &mut Socket) -> Option<Frame> {
    loop {
        match tokio::time::timeout(WAIT, socket.next()).await.expect("a frame in time")? {
            Ok(Message::Text(text)) => return Some(Frame::Text(serde_json::from_str(&text).expect("json frame"))),
            Ok(Message::Binary(bytes)) => return Some(Frame::Binary(bytes.to_vec())),
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// Frames until `executing {node: null}` for `prompt_id` (included), or the socket closes.
async fn frames_until_done(socket: &mut Socket, prompt_id: &str) -> (Vec<Frame>, bool) {
    let mut frames = Vec::new();
    for _ in 0..MAX_FRAMES {
        let Some(frame) = next_frame(socket).await else { return (frames, false) };
        let done = matches!(&frame, Frame::Text(m) if m["type"] == "executing" && m["data"]["node"].is_null()
            && m["data"]["prompt_id"] == prompt_id);
        frames.push(frame);
        if done {
            return (frames, true);
        }
    }
    panic!("no end of prompt {prompt_id} within {MAX_FRAMES} frames");
}

/// Polls `/history/{id}` until the entry is there.
async fn history_entry(emu: &Emulator, prompt_id: &str) -> Value {
    for _ in 0..2000 {
        let (_, history) = get(emu, &format!("/history/{prompt_id}")).await;
        if let Some(entry) = history.get(prompt_id) {
            return entry.clone();
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{prompt_id} never reached the history");
}

fn types(frames: &[Frame]) -> Vec<String> {
    frames
        .iter()
        .map(|f| match f {
            Frame::Text(m) => m["type"].as_str().unwrap_or("?").to_string(),
            Frame::Binary(_) => "<binary>".into(),
        })
        .collect()
}

#[tokio::test]
async fn object_info_models_and_system_stats() {
    let emu = start_comfy(Duration::from_millis(2), FaultSpec::default()).await;
    let (status, all) = get(&emu, "/object_info").await;
    assert_eq!(status, 200);
    assert!(all.as_object().expect("object").len() >= 60);
    let ckpt = &all["CheckpointLoaderSimple"]["input"]["required"]["ckpt_name"];
    assert!(ckpt[0].as_array().expect("list").contains(&json!("664602165660323756")), "{ckpt}");
    assert!(ckpt[1].get("folder").is_none(), "no easel-only keys on the wire");
    assert_eq!(all["SaveImage"]["output_node"], true);
    assert_eq!(all["LoadImage"]["input"]["required"]["image"], json!([[], {"image_upload": true}]));
    let (_, one) = get(&emu, "/api/object_info/KSampler").await;
    assert_eq!(one.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()), Some(vec!["KSampler".to_string()]));
    assert_eq!(get(&emu, "/object_info/NoSuchNode").await, (200, json!({})));
    let (_, folders) = get(&emu, "/models").await;
    assert!(folders.as_array().expect("list").contains(&json!("loras")));
    let (_, loras) = get(&emu, "/models/loras").await;
    assert!(loras.as_array().expect("list").contains(&json!("648628718430054626")));
    assert_eq!(get(&emu, "/models/nope").await.0, 404);
    let (_, stats) = get(&emu, "/system_stats").await;
    assert!(stats["system"]["python_version"].is_string() && stats["devices"][0]["vram_total"].is_number());
    assert_eq!(get(&emu, "/prompt").await.1, json!({"exec_info": {"queue_remaining": 0}}));
    // Without a clientId the server mints a 32-hex sid and says so in the first status.
    let url = format!("ws://{}/ws", emu.addr());
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.expect("ws");
    let Some(Frame::Text(status)) = next_frame(&mut socket).await else { panic!("no status") };
    let sid = status["data"]["sid"].as_str().expect("sid");
    assert!(sid.len() == 32 && sid.chars().all(|c| c.is_ascii_hexdigit()), "{sid}");
    emu.shutdown().await;
}

#[tokio::test]
async fn upload_then_prompt_with_load_image() {
    let emu = start_comfy(Duration::from_millis(2), FaultSpec::default()).await;
    let (status, reply) = upload(&emu, "in.png", png_header(640, 480, 1), false).await;
    assert_eq!((status, reply), (200, json!({"name": "in.png", "subfolder": "", "type": "input"})));
    assert_eq!(upload(&emu, "in.png", png_header(640, 480, 1), false).await.1["name"], "in.png", "same bytes");
    assert_eq!(upload(&emu, "in.png", png_header(640, 480, 2), false).await.1["name"], "in (1).png");
    assert_eq!(upload(&emu, "in.png", png_header(640, 480, 3), true).await.1["name"], "in.png", "overwrite");
    assert_eq!(upload(&emu, "notes.png", b"hello".to_vec(), false).await.0, 400, "not an image");
    let mut huge = png_header(8, 8, 0);
    huge.resize(33 * 1024 * 1024, 0);
    assert_eq!(upload(&emu, "huge.png", huge, false).await.0, 413, "over MAX_UPLOAD_BYTES");
    let (_, info) = get(&emu, "/object_info/LoadImage").await;
    assert_eq!(info["LoadImage"]["input"]["required"]["image"][0], json!(["in (1).png", "in.png"]));
    let graph = json!({
        "1": {"class_type": "LoadImage", "inputs": {"image": "in.png"}},
        "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}
    });
    let (status, queued) = post(&emu, "/prompt", &json!({"prompt": graph})).await;
    assert_eq!(status, 200, "{queued}");
    assert_eq!(queued["node_errors"], json!({}));
    let pid = queued["prompt_id"].as_str().expect("prompt_id");
    let entry = history_entry(&emu, pid).await;
    let image = &entry["outputs"]["2"]["images"][0];
    assert_eq!(image["type"], "temp");
    let name = image["filename"].as_str().expect("filename");
    let url = format!("{}/view?filename={name}&type=temp", emu.base_url());
    let bytes = crate::client().get(url).send().await.expect("view").bytes().await.expect("bytes");
    assert_eq!(png_size(&bytes), (640, 480), "planned at the upload's size");
    emu.shutdown().await;
}

/// POSTs `graph` and returns the 400 body.
async fn refused(emu: &Emulator, graph: Value) -> Value {
    let (status, body) = post(emu, "/prompt", &json!({"prompt": graph})).await;
    assert_eq!(status, 400, "{body}");
    body
}

#[tokio::test]
async fn each_validation_rule_is_a_located_400() {
    let emu = start_comfy(Duration::from_millis(2), FaultSpec::default()).await;
    let base = reference_api();
    let with = |node: &str, input: &str, value: Value| {
        let mut g = base.clone();
        g[node]["inputs"][input] = value;
        g
    };
    let mut unknown = base.clone();
    unknown["3"]["class_type"] = json!("KSamplerX");
    let body = refused(&emu, unknown).await;
    assert_eq!(body["error"]["type"], "missing_node_type");
    assert_eq!(body["error"]["extra_info"]["node_id"], "3");
    assert_eq!(body["error"]["details"], "Node ID '#3'");
    let body = refused(&emu, json!({"4": base["4"].clone()})).await;
    assert_eq!(
        body["error"],
        json!({"type": "prompt_no_outputs", "message": "Prompt has no outputs", "details": "", "extra_info": {}})
    );

    // (graph, node, input, error type)
    let mut missing = base.clone();
    missing["3"]["inputs"].as_object_mut().expect("inputs").remove("cfg");
    let mut no_image = base.clone();
    no_image["25"] = json!({"class_type": "LoadImage", "inputs": {"image": "never-uploaded.png"}});
    no_image["26"] = json!({"class_type": "PreviewImage", "inputs": {"images": ["25", 0]}});
    no_image.as_object_mut().expect("graph").remove("9");
    let cases = [
        (missing, "3", "cfg", "required_input_missing"),
        (with("3", "sampler_name", json!("warp")), "3", "sampler_name", "value_not_in_list"),
        (with("3", "steps", json!(0)), "3", "steps", "value_smaller_than_min"),
        (with("3", "denoise", json!(5)), "3", "denoise", "value_bigger_than_max"),
        (with("3", "steps", json!("abc")), "3", "steps", "invalid_input_type"),
        (with("3", "model", json!(["4"])), "3", "model", "bad_linked_input"),
        (with("3", "model", json!(["99", 0])), "3", "model", "exception_during_inner_validation"),
        (with("3", "model", json!(["5", 0])), "3", "model", "return_type_mismatch"),
        (with("4", "ckpt_name", json!("x.safetensors")), "4", "ckpt_name", "value_not_in_list"),
        (no_image, "25", "image", "custom_validation_failed"),
    ];
    for (graph, node, input, kind) in cases {
        let body = refused(&emu, graph).await;
        assert_eq!(body["error"]["type"], "prompt_outputs_failed_validation", "{kind}: {body}");
        let errors = &body["node_errors"][node];
        assert_eq!(errors["errors"][0]["type"], kind, "{body}");
        assert_eq!(errors["errors"][0]["extra_info"]["input_name"], input, "{body}");
        assert!(errors["dependent_outputs"].as_array().is_some_and(|d| !d.is_empty()), "{body}");
        assert_eq!(body["node_errors"].as_object().map(|o| o.len()), Some(1), "only the bad node: {body}");
    }
    let body = refused(&emu, with("3", "sampler_name", json!("warp"))).await;
    let error = &body["node_errors"]["3"]["errors"][0];
    assert_eq!(error["message"], "Value not in list");
    assert!(error["details"].as_str().expect("details").starts_with("sampler_name: 'warp' not in "), "{error}");
    let body = refused(&emu, with("3", "steps", json!(0))).await;
    assert_eq!(body["node_errors"]["3"]["errors"][0]["message"], "Value 0 smaller than min of 1");

    for bad_id in ["not-a-uuid", "6F9619FF-8B86-D011-B42D-00C04FC964FF"] {
        let (status, body) = post(&emu, "/prompt", &json!({"prompt": base, "prompt_id": bad_id})).await;
        assert_eq!((status, body["error"]["type"].clone()), (400, json!("invalid_prompt_id")), "{bad_id}");
    }
    let id = "6f9619ff-8b86-d011-b42d-00c04fc964ff";
    let (status, body) = post(&emu, "/prompt", &json!({"prompt": base, "prompt_id": id})).await;
    assert_eq!((status, body["prompt_id"].clone()), (200, json!(id)));
    let (status, body) = post(&emu, "/prompt", &json!({"client_id": "x"})).await;
    assert_eq!((status, body["error"]["type"].clone()), (400, json!("no_prompt")));
    let reply = crate::client().post(format!("{}/prompt", emu.base_url())).body("{nope").send().await.expect("post");
    assert_eq!(reply.status().as_u16(), 500, "the server's unguarded request.json()");
    emu.shutdown().await;
}

#[tokio::test]
async fn reference_run_over_the_websocket_in_the_documented_order() {
    let emu = start_comfy(Duration::from_millis(2), FaultSpec::default()).await;
    let mut socket = connect(&emu, "c1").await;
    let Some(Frame::Text(hello)) = next_frame(&mut socket).await else { panic!("no greeting") };
    assert_eq!(
        hello,
        json!({"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 0}}, "sid": "c1"}})
    );
    let graph = reference_api();
    let workflow = json!({"last_node_id": 18, "nodes": [], "links": [], "version": 0.4});
    let body = json!({"prompt": graph, "client_id": "c1", "extra_data": {"extra_pnginfo": {"workflow": workflow}}});
    let (status, queued) = post(&emu, "/prompt", &body).await;
    assert_eq!(status, 200, "{queued}");
    assert_eq!(queued["number"], 0);
    let pid = queued["prompt_id"].as_str().expect("prompt_id").to_string();
    let (frames, done) = frames_until_done(&mut socket, &pid).await;
    assert!(done);
    let kinds = types(&frames);
    let position = |kind: &str| kinds.iter().position(|k| k == kind).unwrap_or_else(|| panic!("no {kind}: {kinds:?}"));
    assert_eq!(&kinds[..2], ["status", "status"], "enqueued, then dequeued");
    assert!(position("execution_start") < position("execution_cached"));
    assert!(position("execution_cached") < position("executing"));
    let last = kinds.len() - 1;
    assert_eq!(&kinds[last - 2..], ["execution_success", "status", "executing"]);
    let texts: Vec<&Value> =
        frames.iter().filter_map(|f| if let Frame::Text(m) = f { Some(m) } else { None }).collect();
    let executing: Vec<&str> = texts
        .iter()
        .filter(|m| m["type"] == "executing" && !m["data"]["node"].is_null())
        .map(|m| m["data"]["node"].as_str().expect("node"))
        .collect();
    let order = easel_workflow::Workflow::from_json_str(easel_workflow::REFERENCE_WORKFLOW)
        .expect("reference")
        .workflow
        .execution_order()
        .expect("order");
    assert_eq!(executing, order.iter().map(String::as_str).collect::<Vec<_>>());
    for m in texts.iter().filter(|m| m["type"] == "executing" && !m["data"]["node"].is_null()) {
        assert_eq!(
            (m["data"]["display_node"].clone(), m["data"]["prompt_id"].clone()),
            (m["data"]["node"].clone(), json!(pid))
        );
    }
    let maxima: Vec<(String, u64)> = texts
        .iter()
        .filter(|m| m["type"] == "progress" && m["data"]["value"] == m["data"]["max"])
        .map(|m| (m["data"]["node"].as_str().unwrap_or("").to_string(), m["data"]["max"].as_u64().unwrap_or(0)))
        .collect();
    assert_eq!(maxima, [("3".to_string(), 26), ("17".to_string(), 30)]);
    let preview = frames.iter().find_map(|f| if let Frame::Binary(b) = f { Some(b) } else { None }).expect("a preview");
    assert_eq!(&preview[..8], &[0, 0, 0, 1, 0, 0, 0, 2], "event 1, format 2 (PNG)");
    assert!(preview[8..].starts_with(b"\x89PNG\r\n\x1a\n"));
    let executed = texts.iter().find(|m| m["type"] == "executed").expect("executed");
    assert_eq!(executed["data"]["node"], "9");
    let image = executed["data"]["output"]["images"][0].clone();
    assert_eq!(image["type"], "output");
    assert_eq!(image["subfolder"], "");
    let filename = image["filename"].as_str().expect("filename");
    assert!(filename.starts_with("TensorArt_") && filename.ends_with("_.png"), "{filename}");

    let url = format!("{}/view?filename={filename}&subfolder=&type=output", emu.base_url());
    let reply = crate::client().get(url).send().await.expect("view");
    assert_eq!(reply.status().as_u16(), 200);
    assert_eq!(reply.headers()["content-type"], "image/png");
    let png = reply.bytes().await.expect("bytes");
    assert_eq!(png_size(&png), (1024, 1536));
    let chunks = easel_workflow::png_text_chunks(&png).expect("text chunks");
    let chunk = |key: &str| -> Value {
        serde_json::from_str(&chunks.iter().find(|(k, _)| k == key).expect("chunk").1).expect("json chunk")
    };
    assert_eq!(chunk("prompt"), graph, "the graph as sent");
    assert_eq!(chunk("workflow"), workflow);
    assert_eq!(get(&emu, "/view?filename=nope.png").await.0, 404);
    assert_eq!(get(&emu, "/view?filename=../x.png").await.0, 400);

    let (_, history) = get(&emu, &format!("/history/{pid}")).await;
    let entry = &history[&pid];
    assert_eq!(entry["prompt"][0], 0);
    assert_eq!(entry["prompt"][1], json!(pid));
    assert_eq!(entry["prompt"][2], graph);
    assert_eq!(entry["prompt"][3]["client_id"], "c1");
    assert_eq!(entry["prompt"][4], json!(["9"]));
    assert_eq!(entry["outputs"]["9"]["images"][0], image);
    assert_eq!(
        (entry["status"]["status_str"].clone(), entry["status"]["completed"].clone()),
        (json!("success"), json!(true))
    );
    let messages: Vec<&str> =
        entry["status"]["messages"].as_array().expect("messages").iter().map(|m| m[0].as_str().unwrap_or("")).collect();
    assert_eq!(messages, ["execution_start", "execution_cached", "execution_success"]);
    emu.shutdown().await;
}

#[tokio::test]
async fn queue_delete_interrupt_and_history() {
    // Slow ticks: the first prompt runs far longer than the test needs, and is interrupted.
    let emu = start_comfy(Duration::from_millis(400), FaultSpec::default()).await;
    let mut socket = connect(&emu, "c3").await;
    let graph = reference_api();
    let (_, first) = post(&emu, "/prompt", &json!({"prompt": graph, "client_id": "c3"})).await;
    let (_, second) = post(&emu, "/prompt", &json!({"prompt": graph, "client_id": "c3"})).await;
    let (first, second) = (first["prompt_id"].as_str().expect("id"), second["prompt_id"].as_str().expect("id"));
    let mut seen_start = false;
    for _ in 0..MAX_FRAMES {
        if let Some(Frame::Text(m)) = next_frame(&mut socket).await {
            if m["type"] == "execution_start" {
                assert_eq!(m["data"]["prompt_id"], first);
                seen_start = true;
                break;
            }
        }
    }
    assert!(seen_start);
    let (_, queue) = get(&emu, "/queue").await;
    assert_eq!(queue["queue_running"][0][1], first);
    assert_eq!(queue["queue_pending"][0][1], second);
    assert_eq!(queue["queue_pending"][0][0], 1);
    assert_eq!(post(&emu, "/queue", &json!({"delete": [second, "unknown"]})).await.0, 200);
    assert_eq!(get(&emu, "/queue").await.1["queue_pending"], json!([]));
    // Interrupting another prompt id is a no-op; a bare interrupt stops the running one.
    assert_eq!(post(&emu, "/interrupt", &json!({"prompt_id": second})).await.0, 200);
    assert_eq!(get(&emu, "/queue").await.1["queue_running"][0][1], first);
    assert_eq!(get(&emu, &format!("/history/{first}")).await.1, json!({}), "running prompts are not history");
    assert_eq!(post(&emu, "/interrupt", &json!({})).await.0, 200);
    let (frames, done) = frames_until_done(&mut socket, first).await;
    assert!(done);
    let kinds = types(&frames);
    assert!(kinds.contains(&"execution_interrupted".to_string()) && !kinds.contains(&"execution_success".to_string()));
    let entry = history_entry(&emu, first).await;
    assert_eq!(
        (entry["status"]["status_str"].clone(), entry["status"]["completed"].clone()),
        (json!("error"), json!(false))
    );
    let last = entry["status"]["messages"].as_array().and_then(|m| m.last()).expect("messages");
    assert_eq!(last[0], "execution_interrupted");
    assert_eq!(get(&emu, "/history?max_items=1").await.1.as_object().map(|h| h.len()), Some(1));
    assert_eq!(get(&emu, "/history/0b6c1f5e-0000-4000-8000-000000000000").await.1, json!({}));
    assert_eq!(post(&emu, "/history", &json!({"delete": [first]})).await.0, 200);
    assert_eq!(get(&emu, "/history").await.1, json!({}));
    emu.shutdown().await;
}

#[tokio::test]
async fn wsdrop_closes_the_socket_mid_run_and_the_prompt_still_finishes() {
    let faults = FaultSpec::parse("wsdrop=1").expect("spec");
    let emu = start_comfy(Duration::from_millis(5), faults).await;
    let mut socket = connect(&emu, "c2").await;
    let (_, queued) = post(&emu, "/prompt", &json!({"prompt": reference_api(), "client_id": "c2"})).await;
    let pid = queued["prompt_id"].as_str().expect("prompt_id").to_string();
    let (frames, done) = frames_until_done(&mut socket, &pid).await;
    assert!(!done, "the socket was closed before the end");
    let kinds = types(&frames);
    assert!(kinds.contains(&"executing".to_string()) && !kinds.contains(&"execution_success".to_string()), "{kinds:?}");
    // The same clientId reconnects and is greeted as itself.
    let mut again = connect(&emu, "c2").await;
    let Some(Frame::Text(hello)) = next_frame(&mut again).await else { panic!("no greeting") };
    assert_eq!(hello["data"]["sid"], "c2");
    let entry = history_entry(&emu, &pid).await;
    assert_eq!(entry["status"]["status_str"], "success");
    assert!(entry["outputs"]["9"]["images"][0]["filename"].is_string());
    let _ = again.send(Message::Close(None)).await;
    emu.shutdown().await;
}

#[tokio::test]
async fn an_injected_failure_is_an_execution_error_and_http_faults_apply() {
    let emu = start_comfy(Duration::from_millis(2), FaultSpec::parse("fail=1").expect("spec")).await;
    let mut socket = connect(&emu, "c4").await;
    let (_, queued) = post(&emu, "/prompt", &json!({"prompt": reference_api(), "client_id": "c4"})).await;
    let pid = queued["prompt_id"].as_str().expect("prompt_id").to_string();
    let (frames, done) = frames_until_done(&mut socket, &pid).await;
    assert!(done);
    let error = frames
        .iter()
        .find_map(|f| match f {
            Frame::Text(m) if m["type"] == "execution_error" => Some(m["data"].clone()),
            _ => None,
        })
        .expect("execution_error");
    let keys: Vec<&str> = error.as_object().expect("data").keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "prompt_id",
            "node_id",
            "node_type",
            "executed",
            "exception_message",
            "exception_type",
            "traceback",
            "current_inputs",
            "current_outputs",
            "timestamp"
        ]
    );
    assert_eq!(error["prompt_id"], json!(pid));
    assert_eq!(error["exception_type"], "torch.OutOfMemoryError");
    assert!(error["exception_message"].as_str().is_some_and(|m| m.ends_with('\n')));
    assert!(!types(&frames).contains(&"execution_success".to_string()));
    let entry = history_entry(&emu, &pid).await;
    assert_eq!(
        (entry["status"]["status_str"].clone(), entry["status"]["completed"].clone()),
        (json!("error"), json!(false))
    );
    let (_, body) = post(&emu, "/prompt", &json!({"prompt": [1, 2]})).await;
    assert_eq!(body["error"]["type"], "invalid_prompt");
    emu.shutdown().await;

    let emu = start_comfy(Duration::from_millis(2), FaultSpec::parse("5xx=1").expect("spec")).await;
    assert_eq!(get(&emu, "/queue").await.0, 503);
    emu.shutdown().await;
}

#[tokio::test]
async fn partial_outputs_front_of_queue_and_preview_metadata() {
    let emu = start_comfy(Duration::from_millis(2), FaultSpec::default()).await;
    let mut socket = connect(&emu, "c5").await;
    let Some(Frame::Text(_status)) = next_frame(&mut socket).await else { panic!("no greeting") };
    let flags = json!({"type": "feature_flags", "data": {"supports_preview_metadata": true}});
    socket.send(Message::Text(flags.to_string().into())).await.expect("send flags");
    let Some(Frame::Text(reply)) = next_frame(&mut socket).await else { panic!("no flags reply") };
    assert_eq!(reply["type"], "feature_flags");
    assert_eq!(reply["data"]["supports_preview_metadata"], true);

    // One output passes, one fails: 200, the failure in node_errors, only the good output runs.
    let mut graph = reference_api();
    graph["25"] = json!({"class_type": "LoadImage", "inputs": {"image": "missing.png"}});
    graph["26"] = json!({"class_type": "PreviewImage", "inputs": {"images": ["25", 0]}});
    let (status, queued) = post(&emu, "/prompt", &json!({"prompt": graph, "client_id": "c5"})).await;
    assert_eq!(status, 200, "{queued}");
    assert_eq!(queued["node_errors"]["25"]["errors"][0]["type"], "custom_validation_failed");
    assert_eq!(queued["node_errors"]["25"]["dependent_outputs"], json!(["26"]));
    let pid = queued["prompt_id"].as_str().expect("prompt_id").to_string();
    let (frames, done) = frames_until_done(&mut socket, &pid).await;
    assert!(done);
    let preview =
        frames.iter().find_map(|f| if let Frame::Binary(b) = f { Some(b.clone()) } else { None }).expect("preview");
    assert_eq!(&preview[..4], &[0, 0, 0, 4], "event 4 for a client that asked for metadata");
    let len = u32::from_be_bytes(preview[4..8].try_into().expect("len")) as usize;
    let metadata: Value = serde_json::from_slice(&preview[8..8 + len]).expect("metadata json");
    assert_eq!((metadata["prompt_id"].clone(), metadata["image_type"].clone()), (json!(pid), json!("image/png")));
    assert!(preview[8 + len..].starts_with(b"\x89PNG"));
    let entry = history_entry(&emu, &pid).await;
    assert_eq!(entry["prompt"][4], json!(["9"]));
    assert!(entry["outputs"].get("26").is_none());

    // `front` queues before the others: number is the negated counter.
    let (_, queued) = post(&emu, "/prompt", &json!({"prompt": reference_api(), "front": true})).await;
    assert_eq!(queued["number"], -1);
    let (_, queued) = post(&emu, "/prompt", &json!({"prompt": reference_api(), "number": 7})).await;
    assert_eq!(queued["number"], 7.0);
    emu.shutdown().await;
}
