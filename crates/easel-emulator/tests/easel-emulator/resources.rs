//! Uploads (slot, presigned PUT with the returned headers) and model metadata.

use serde_json::{json, Value};

use crate::{client, get, post, start};

async fn slot(emu: &easel_emulator::Emulator, body: Value) -> Value {
    let (status, reply) = post(emu, "/v1/resource/image", &body).await;
    assert_eq!(status, 200, "{reply}");
    reply
}

fn put(slot: &Value, with_headers: bool) -> reqwest::RequestBuilder {
    let mut request = client().put(slot["putUrl"].as_str().unwrap()).body(vec![1u8, 2, 3]);
    if with_headers {
        for (name, value) in slot["headers"].as_object().unwrap() {
            request = request.header(name, value.as_str().unwrap());
        }
    }
    request
}

#[tokio::test]
async fn upload_slot_then_put_with_the_returned_headers() {
    let emu = start().await;
    let slot = slot(&emu, json!({})).await;
    assert!(uuid_like(slot["resourceId"].as_str().unwrap()));
    assert!(slot["putUrl"].as_str().unwrap().starts_with(&emu.base_url()));
    assert!(slot["headers"]["X-Oss-Callback"].is_string());
    let reply = put(&slot, true).send().await.unwrap();
    assert_eq!(reply.status().as_u16(), 200);
    assert_eq!(reply.json::<Value>().await.unwrap(), json!({"Status": "OK"}));
    emu.shutdown().await;
}

#[tokio::test]
async fn upload_put_without_headers_or_with_a_bad_signature_is_not_registered() {
    let emu = start().await;
    let slot = slot(&emu, json!({"expireSec": "7200", "term": 2})).await;
    let reply = put(&slot, false).header("Content-Type", "application/octet-stream").send().await.unwrap();
    assert_eq!(reply.status().as_u16(), 200);
    assert!(reply.bytes().await.unwrap().is_empty(), "no callback, no Status body");
    let callback = slot["headers"]["X-Oss-Callback"].as_str().unwrap();
    let wrong_type =
        put(&slot, false).header("Content-Type", "image/png").header("X-Oss-Callback", callback).send().await.unwrap();
    assert_eq!(wrong_type.status().as_u16(), 403);
    let mut tampered = slot.clone();
    tampered["putUrl"] = json!(slot["putUrl"].as_str().unwrap().replace("Expires=", "Expires=1"));
    assert_eq!(put(&tampered, true).send().await.unwrap().status().as_u16(), 403);
    let (status, reply) = post(&emu, "/v1/resource/image", &json!({"term": 3})).await;
    assert_eq!((status, reply["code"].clone()), (400, json!(3)));
    emu.shutdown().await;
}

#[tokio::test]
async fn models_of_the_reference_example_are_known() {
    let emu = start().await;
    for (id, kind) in
        [("664602165660323756", "CHECKPOINT"), ("648628718430054626", "LORA"), ("631627137633337321", "LORA")]
    {
        let (status, body) = get(&emu, &format!("/v1/models/{id}")).await;
        assert_eq!(status, 200);
        assert_eq!((body["model"]["id"].as_str(), body["model"]["modelType"].as_str()), (Some(id), Some(kind)));
    }
    let (status, body) = get(&emu, "/v1/models/42").await;
    assert_eq!((status, body["code"].clone()), (404, json!(5)));
    emu.shutdown().await;
}

fn uuid_like(s: &str) -> bool {
    s.len() == 36 && s.chars().filter(|c| *c == '-').count() == 4
}
