//! Image loader inputs: a value must be a resource id this emulator handed out and received the
//! bytes for, or an http(s) URL. Local paths and never-filled slots are refused with code 3 at
//! create and at check alike; an upload's real size is what the job plans.

use easel_emulator::Emulator;
use serde_json::{json, Value};

use crate::{download, finish, png_of, png_size, post, start, upload, upload_slot};

/// LoadImage 12 straight into PreviewImage 9.
fn graph(image: &str) -> Value {
    json!({"requestId": image, "params": {
        "12": {"classType": "LoadImage", "inputs": {"image": image, "upload": "image"}},
        "9": {"classType": "PreviewImage", "inputs": {"images": ["12", 0]}}
    }})
}

/// Create and check both refuse `image` with code 3; returns the located message.
async fn refused_at_create_and_check(emu: &Emulator, image: &str) -> String {
    let mut messages = Vec::new();
    for path in ["/v1/jobs/workflow", "/v1/jobs/workflow/params/check"] {
        let (status, body) = post(emu, path, &graph(image)).await;
        assert_eq!((status, body["code"].clone(), body["message"].clone()), (400, json!(3), json!("Params Valid")));
        assert_eq!(body["details"][0]["field"], "workflow", "{path}: {body}");
        messages.push(body["details"][0]["message"].as_str().unwrap().to_string());
    }
    assert_eq!(messages[0], messages[1], "create and check say the same");
    messages.remove(0)
}

/// Create and check both accept `image`; returns the finished job.
async fn accepted(emu: &Emulator, image: &str) -> Value {
    let (status, check) = post(emu, "/v1/jobs/workflow/params/check", &graph(image)).await;
    assert_eq!((status, check["valid"].clone()), (200, json!(true)), "{check}");
    let (status, created) = post(emu, "/v1/jobs/workflow", &graph(image)).await;
    assert_eq!(status, 200, "{created}");
    finish(emu, created["job"]["id"].as_str().unwrap()).await
}

#[tokio::test]
async fn a_local_path_is_refused_at_create_and_check_naming_the_node_and_input() {
    let emu = start().await;
    for path in ["C:/x.png", "/home/me/Pictures/in.png", "file:///tmp/in.png", "in.png"] {
        let message = refused_at_create_and_check(&emu, path).await;
        assert_eq!(
            message,
            format!("node id: 12\nclass type: LoadImage\nimage: \"{path}\" is not an uploaded resource id or an http(s) URL\n")
        );
    }
    emu.shutdown().await;
}

#[tokio::test]
async fn an_uploaded_resource_id_is_accepted_and_its_size_planned() {
    let emu = start().await;
    let resource = upload(&emu, png_of(320, 200)).await;
    let job = accepted(&emu, &resource).await;
    let image = &job["successInfo"]["images"][0];
    assert_eq!(image["meta"]["image"], json!({"format": "png", "width": 320, "height": 200}));
    let (status, bytes) = download(image["url"].as_str().unwrap()).await;
    assert_eq!((status, png_size(&bytes)), (200, (320, 200)));
    // Bytes whose header says nothing (not a PNG or JPEG) are accepted; the size stays 512x512.
    let opaque = upload(&emu, vec![1, 2, 3]).await;
    let job = accepted(&emu, &opaque).await;
    assert_eq!(job["successInfo"]["images"][0]["meta"]["image"]["width"], 512);
    emu.shutdown().await;
}

#[tokio::test]
async fn a_slot_whose_bytes_were_never_put_is_refused() {
    let emu = start().await;
    let slot = upload_slot(&emu).await;
    let resource = slot["resourceId"].as_str().unwrap();
    let message = refused_at_create_and_check(&emu, resource).await;
    assert_eq!(
        message,
        format!(
            "node id: 12\nclass type: LoadImage\nimage: \"{resource}\" is an upload slot from POST /v1/resource/image whose bytes were never PUT\n"
        )
    );
    // Another instance's resource id is unknown here.
    let other = start().await;
    let foreign = upload(&other, png_of(8, 8)).await;
    assert!(refused_at_create_and_check(&emu, &foreign).await.contains("is not an uploaded resource id"));
    other.shutdown().await;
    emu.shutdown().await;
}

#[tokio::test]
async fn an_https_url_is_accepted() {
    let emu = start().await;
    let job = accepted(&emu, "https://example.com/inputs/cat.png").await;
    assert_eq!(job["status"], "SUCCESS");
    assert_eq!(job["successInfo"]["images"][0]["meta"]["image"]["width"], 512, "a URL's size is not fetched");
    emu.shutdown().await;
}
