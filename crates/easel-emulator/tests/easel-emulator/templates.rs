//! Templates: the docs' example template, its check and create, and the documented errors; its
//! image field takes an upload (or an http(s) URL), as raw graphs' loaders do.

use serde_json::{json, Value};

use crate::{download, finish, get, png_of, png_size, post, start, upload, upload_slot};

const TEMPLATE: &str = "676018193025756628";

fn fields(image: Value, text: &str) -> Value {
    json!({"fieldAttrs": [
        {"nodeId": "25", "fieldName": "image", "fieldValue": image},
        {"nodeId": "27", "fieldName": "text", "fieldValue": text}
    ]})
}

#[tokio::test]
async fn example_template_is_served_with_its_fields() {
    let emu = start().await;
    let (status, body) = get(&emu, &format!("/v1/workflows/{TEMPLATE}")).await;
    assert_eq!(status, 200);
    assert_eq!(body["templateId"], TEMPLATE);
    let attrs = body["fields"]["fieldAttrs"].as_array().unwrap();
    let names: Vec<(&str, &str)> =
        attrs.iter().map(|a| (a["nodeId"].as_str().unwrap(), a["fieldName"].as_str().unwrap())).collect();
    assert_eq!(names, [("25", "image"), ("27", "text")]);
    let (status, body) = get(&emu, "/v1/workflows/1").await;
    assert_eq!((status, body["code"].clone()), (404, json!(5)));
    emu.shutdown().await;
}

#[tokio::test]
async fn missing_field_is_code_2_http_500_with_the_documented_message() {
    let emu = start().await;
    let body = json!({"templateId": TEMPLATE, "fields": {"fieldAttrs": [{"nodeId": "27", "fieldName": "text", "fieldValue": "x"}]}});
    for path in ["/v1/workflows/template/check", "/v1/jobs/workflow/template"] {
        let (status, reply) =
            post(&emu, path, &json!({"requestId": "m", "templateId": TEMPLATE, "fields": body["fields"]})).await;
        assert_eq!(status, 500, "{path}");
        assert_eq!(reply, json!({"code": 2, "message": "can't find [nodeId:fieldName] 25:image in fields parameter"}));
    }
    emu.shutdown().await;
}

#[tokio::test]
async fn null_image_is_code_3_with_the_documented_argument_error() {
    let emu = start().await;
    let body = json!({"template_id": TEMPLATE, "fields": {"field_attrs": [
        {"node_id": "25", "field_name": "image", "field_value": null},
        {"node_id": "27", "field_name": "text", "field_value": "1 girl"}
    ]}});
    let (status, reply) = post(&emu, "/v1/workflows/template/check", &body).await;
    assert_eq!(status, 400);
    assert_eq!(
        reply,
        json!({"code": 3, "message": "Params Valid", "details": [{
            "@type": "type.googleapis.com/tams_api.ArgumentError",
            "field": "workflow",
            "message": "node id: 25\nclass type: LoadImage\nimage: 字段必填\n"
        }]})
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn check_estimates_and_create_runs_the_template() {
    let emu = start().await;
    let resource = upload(&emu, png_of(640, 384)).await;
    let filled = fields(json!(resource), "1 girl, amber_eyes");
    let (status, check) =
        post(&emu, "/v1/workflows/template/check", &json!({"templateId": TEMPLATE, "fields": filled})).await;
    assert_eq!(status, 200);
    assert_eq!(check["valid"], true);
    assert!(check["credits"].as_f64().unwrap() > 0.0);
    let numeric_id = json!({"requestId": "t1", "templateId": 676018193025756628u64, "fields": filled});
    let (status, created) = post(&emu, "/v1/jobs/workflow/template", &numeric_id).await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["job"]["status"], "CREATED");
    let job = finish(&emu, created["job"]["id"].as_str().unwrap()).await;
    assert_eq!(job["credits"], check["credits"]);
    let (status, bytes) = download(job["successInfo"]["images"][0]["url"].as_str().unwrap()).await;
    assert_eq!((status, png_size(&bytes)), (200, (640, 384)), "the uploaded picture's size");
    emu.shutdown().await;
}

#[tokio::test]
async fn image_field_must_name_an_upload_or_a_url() {
    let emu = start().await;
    let slot = upload_slot(&emu).await;
    let never_put = slot["resourceId"].as_str().unwrap();
    for (image, reason) in [
        ("C:/Users/me/cat.png", "\"C:/Users/me/cat.png\" is not an uploaded resource id or an http(s) URL"),
        ("f29036b4-ff7b-4394-8c26-aabc1bdae008", "is not an uploaded resource id or an http(s) URL"),
        (never_put, "whose bytes were never PUT"),
    ] {
        for path in ["/v1/workflows/template/check", "/v1/jobs/workflow/template"] {
            let body = json!({"requestId": image, "templateId": TEMPLATE, "fields": fields(json!(image), "a cat")});
            let (status, reply) = post(&emu, path, &body).await;
            assert_eq!((status, reply["code"].clone()), (400, json!(3)), "{path} {image}: {reply}");
            let message = reply["details"][0]["message"].as_str().unwrap();
            assert!(message.starts_with("node id: 25\nclass type: LoadImage\nimage: "), "{message}");
            assert!(message.contains(reason), "{message}");
        }
    }
    let url = fields(json!("https://example.com/cat.jpg"), "a cat");
    let (status, check) =
        post(&emu, "/v1/workflows/template/check", &json!({"templateId": TEMPLATE, "fields": url})).await;
    assert_eq!((status, check["valid"].clone()), (200, json!(true)), "{check}");
    emu.shutdown().await;
}
