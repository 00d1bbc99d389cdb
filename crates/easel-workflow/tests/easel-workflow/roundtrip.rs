//! Round-trip properties on generated graphs (a tiny seeded generator instead of a property
//! testing crate): API and TAMS JSON, the UI document, and PNG text chunks give back exactly what
//! went in; validation and form listing never panic on whatever the generator makes.

use easel_workflow::{png_text_chunks, png_with_text, Input, Link, Node, Schemas, Workflow, WorkflowDoc};
use indexmap::IndexMap;
use serde_json::{json, Map, Value};

/// xorshift64*: deterministic, good enough to vary shapes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const CLASSES: &[&str] = &[
    "KSampler",
    "CLIPTextEncode",
    "SaveImage",
    "LoraLoader",
    "Custom Node // x",
    "EmptyLatentImage",
    "ShowText|pysssss",
];
const WORDS: &[&str] =
    &["a cat", "雪の日", "line\nbreak", "quote\"d", "", "NaN", "{\"json\": 1}", "🎨 emoji", "back\\slash"];

fn value(rng: &mut Rng, depth: u32) -> Value {
    match rng.below(if depth > 1 { 5 } else { 7 }) {
        0 => json!(rng.next() >> rng.below(64)),
        1 => json!((rng.next() as i64) >> 20),
        2 => json!((rng.next() % 100_000) as f64 / 7.0),
        3 => json!(rng.below(2) == 0),
        4 => json!(rng.pick(WORDS)),
        5 => {
            let mut m = Map::new();
            for i in 0..rng.below(3) {
                m.insert(format!("k{i}"), value(rng, depth + 1));
            }
            Value::Object(m)
        }
        _ => json!([value(rng, depth + 1), value(rng, depth + 1), value(rng, depth + 1)]),
    }
}

fn workflow(rng: &mut Rng) -> Workflow {
    let mut w = Workflow::default();
    let count = 1 + rng.below(12);
    for i in 0..count {
        let id = if rng.below(4) == 0 {
            format!("{}:{}", 30 + i, rng.below(9))
        } else {
            format!("{}", i * 3 + rng.below(3))
        };
        let mut inputs = IndexMap::new();
        for j in 0..rng.below(6) {
            let name = format!("{}{j}", rng.pick(&["seed", "text", "model", "➕ Add Lora", "class"]));
            let input = if i > 0 && rng.below(3) == 0 {
                let ids: Vec<String> = w.nodes.keys().cloned().collect();
                Input::Link(Link { node: rng.pick(&ids).clone(), output: rng.below(4) as u32 })
            } else {
                Input::Value(value(rng, 0))
            };
            inputs.insert(name, input);
        }
        let mut extra = Map::new();
        if rng.below(2) == 0 {
            extra.insert("properties".into(), json!({"Node name for S&R": rng.pick(CLASSES)}));
        }
        let title = (rng.below(2) == 0).then(|| rng.pick(WORDS).to_string());
        w.nodes.insert(id, Node { class_type: rng.pick(CLASSES).to_string(), inputs, title, extra });
    }
    w
}

#[test]
fn generated_graphs_survive_every_round_trip() {
    let mut rng = Rng(0x5eed_cafe_f00d_1234);
    for case in 0..400 {
        let w = workflow(&mut rng);
        let api = Workflow::from_json_str(&w.to_comfy_api().to_string()).unwrap_or_else(|e| panic!("case {case}: {e}"));
        assert_eq!(api.workflow, w, "case {case}: ComfyUI API round trip");
        let tams = Workflow::from_json(json!({"requestId": "x", "params": w.to_tams_params()})).unwrap();
        let titled = |w: &Workflow| {
            w.nodes.values().map(|n| (n.class_type.clone(), n.inputs.clone(), n.extra.clone())).collect::<Vec<_>>()
        };
        assert_eq!(titled(&tams.workflow), titled(&w), "case {case}: TAMS round trip (titles are not TAMS fields)");
        let doc = WorkflowDoc::from_workflow("g", &w);
        let doc: WorkflowDoc = serde_json::from_str(&serde_json::to_string(&doc).unwrap()).unwrap();
        assert_eq!(doc.to_workflow().unwrap(), w, "case {case}: UI document round trip");
        let schemas = Schemas::bundled();
        let _problems = schemas.validate(&w);
        let _fields = schemas.form_fields(&w);
    }
}

#[test]
fn png_text_round_trips_any_text() {
    let base = png_with_text(&crate::png(&[]), &[]).unwrap();
    let mut rng = Rng(42);
    for case in 0..200 {
        let text: String =
            (0..rng.below(300)).map(|_| *rng.pick(&['a', 'é', '雪', '\n', '"', '{', '🎨', 'ÿ', ' '])).collect();
        let png = png_with_text(&base, &[("prompt", &text), ("workflow", "x")]).unwrap();
        let chunks = png_text_chunks(&png).unwrap();
        assert!(chunks.contains(&("prompt".to_string(), text.clone())), "case {case}");
    }
}
