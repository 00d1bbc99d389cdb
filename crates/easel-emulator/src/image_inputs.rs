//! What an image input may name. The `image` input of an image loader (`LoadImage`,
//! `LoadImageMask`, `TensorArt_LoadImage`), and a template's image field, take a resource id from
//! `POST /v1/resource/image` (reference section 6); third-party graphs also send http(s) URLs.
//! Anything else, a local file path above all, means the client forgot to upload: the service
//! cannot read the caller's disk. Such values are refused as the service refuses other bad
//! inputs (code 3, located at the node and input), and so is a slot whose bytes never arrived.
//! For an upload whose header gives its size, the size is returned so outputs can follow it.

use std::collections::BTreeMap;

use easel_workflow::{Input, Workflow};
use serde_json::Value;

use crate::rpc::Status;
use crate::state::Uploaded;
use crate::validate::node_message;

/// Node classes whose `image` input names an uploaded picture.
pub const IMAGE_LOADERS: &[&str] = &["LoadImage", "LoadImageMask", "TensorArt_LoadImage"];
/// The input of those classes that names the picture.
pub const IMAGE_INPUT: &str = "image";
/// Characters of a refused value quoted back in the message (values can be megabytes long).
const QUOTED_CHARS: usize = 120;

/// Whether input `input` of a `class_type` node names an uploaded picture.
pub fn is_image_input(class_type: &str, input: &str) -> bool {
    input == IMAGE_INPUT && IMAGE_LOADERS.contains(&class_type)
}

/// Every (node id, input) of `workflow` that names an uploaded picture, in file order.
pub fn image_inputs(workflow: &Workflow) -> Vec<(String, String)> {
    workflow
        .nodes
        .iter()
        .filter(|(_, node)| IMAGE_LOADERS.contains(&node.class_type.as_str()))
        .map(|(id, _)| (id.clone(), IMAGE_INPUT.to_string()))
        .collect()
}

/// Checks the values at `inputs` (node id, input name) against what `uploaded` knows; returns
/// the picture size of every input naming an upload whose size is known, by node id. Linked or
/// absent inputs are left to the graph checks. The first bad value is the error, as TAMS
/// reports only the first problem.
pub fn check_image_inputs(
    workflow: &Workflow,
    inputs: &[(String, String)],
    uploaded: impl Fn(&str) -> Uploaded,
) -> Result<BTreeMap<String, (u32, u32)>, Status> {
    let mut sizes = BTreeMap::new();
    for (node_id, input) in inputs {
        let Some(node) = workflow.nodes.get(node_id) else { continue };
        let Some(Input::Value(value)) = node.inputs.get(input) else { continue };
        match named_size(value, &uploaded) {
            Ok(Some(size)) => {
                sizes.insert(node_id.clone(), size);
            }
            Ok(None) => {}
            Err(reason) => {
                return Err(Status::invalid_argument(
                    "workflow",
                    node_message(node_id, &node.class_type, Some(input), &reason),
                ))
            }
        }
    }
    Ok(sizes)
}

/// `Ok(size)` for an acceptable value (the size of an upload with a readable header, else
/// `None`), `Err(reason)` for one the service could not load.
fn named_size(value: &Value, uploaded: &impl Fn(&str) -> Uploaded) -> Result<Option<(u32, u32)>, String> {
    let Some(text) = value.as_str() else {
        return Err(format!("{} is not an uploaded resource id or an http(s) URL", quoted(value)));
    };
    if is_http_url(text) {
        return Ok(None);
    }
    match uploaded(text) {
        Uploaded::Put(size) => Ok(size),
        Uploaded::NotPut => {
            Err(format!("{} is an upload slot from POST /v1/resource/image whose bytes were never PUT", quoted(value)))
        }
        Uploaded::Unknown => Err(format!("{} is not an uploaded resource id or an http(s) URL", quoted(value))),
    }
}

/// `http://` or `https://` (any case) followed by something.
fn is_http_url(text: &str) -> bool {
    ["http://", "https://"].iter().any(|scheme| {
        text.len() > scheme.len() && text.get(..scheme.len()).is_some_and(|s| s.eq_ignore_ascii_case(scheme))
    })
}

/// The value as JSON, cut short when long.
fn quoted(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(QUOTED_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn graph(class_type: &str, image: Value) -> Workflow {
        let params = json!({
            "12": {"classType": class_type, "inputs": {"image": image, "upload": "image"}},
            "9": {"classType": "PreviewImage", "inputs": {"images": ["12", 0]}}
        });
        Workflow::from_json(json!({ "params": params })).unwrap().workflow
    }

    fn lookup(id: &str) -> Uploaded {
        match id {
            "put-png" => Uploaded::Put(Some((640, 480))),
            "put-other" => Uploaded::Put(None),
            "slot" => Uploaded::NotPut,
            _ => Uploaded::Unknown,
        }
    }

    fn message(class_type: &str, image: Value) -> String {
        let workflow = graph(class_type, image);
        let status = check_image_inputs(&workflow, &image_inputs(&workflow), lookup).unwrap_err();
        assert_eq!((status.code, status.message.as_str()), (3, "Params Valid"));
        status.details[0]["message"].as_str().unwrap().to_string()
    }

    #[test]
    fn local_paths_and_unknown_ids_are_refused_at_the_node_and_input() {
        assert_eq!(
            message("LoadImage", json!("C:/x.png")),
            "node id: 12\nclass type: LoadImage\nimage: \"C:/x.png\" is not an uploaded resource id or an http(s) URL\n"
        );
        for class_type in IMAGE_LOADERS {
            assert!(message(class_type, json!("/home/me/in.png")).contains(&format!("class type: {class_type}\n")));
        }
        assert!(message("LoadImage", json!("file:///tmp/a.png")).contains("is not an uploaded resource id"));
        assert!(message("LoadImage", json!("")).contains("\"\" is not"));
        assert!(message("LoadImage", json!("http://")).contains("is not"));
        assert!(message("LoadImage", json!(5)).contains("image: 5 is not"));
        assert!(message("LoadImage", json!("slot")).contains("whose bytes were never PUT"));
        let long = message("LoadImage", json!("x".repeat(5000)));
        assert!(long.len() < 300 && long.contains('…'), "{long}");
    }

    #[test]
    fn uploads_and_urls_are_accepted_and_known_sizes_returned() {
        for (value, size) in [
            ("put-png", Some((640, 480))),
            ("put-other", None),
            ("https://example.com/in.png", None),
            ("HTTP://example.com/in.png", None),
        ] {
            let workflow = graph("LoadImage", json!(value));
            let sizes = check_image_inputs(&workflow, &image_inputs(&workflow), lookup).unwrap();
            assert_eq!(sizes.get("12").copied(), size, "{value}");
        }
        // Only loader classes are looked at: another node's `image` input is not a resource.
        let workflow = graph("ImageInvert", json!("C:/x.png"));
        assert!(image_inputs(&workflow).is_empty());
        assert!(is_image_input("LoadImageMask", "image") && !is_image_input("LoadImage", "upload"));
    }
}
