//! The AsyncAPI worker: a Web Worker with a wasm of its own, which the page starts the first
//! time someone presses "Export AsyncAPI" or "Import AsyncAPI" (`ui/share/asyncapi.rs`). It
//! carries the core's AsyncAPI mapping and a YAML reader and writer, which the page's own wasm
//! does not: a gesture few people make costs the first download nothing.
//!
//! Once it listens it says "ready"; then one request in, one answer out, each a JSON text:
//!
//! ```text
//!   ["export", "<scenario file>", "yaml"|"json"]
//!   ["import", "<document>", "shop.yaml"]
//!   ──▶ {"ok": true, "text": "<document or scenario file>", "unmapped": ["path: why", ...],
//!        "summary": "Opened shop.yaml from AsyncAPI: 5 nodes, 4 wires. ..." (an import's)}
//!     | {"ok": false, "error": "what was wrong"}
//! ```

#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

use serde_json::{json, Value};

/// The answer to one request.
#[cfg_attr(not(target_family = "wasm"), allow(dead_code))]
fn answer(request: &str) -> String {
    let r = broker::scenario::json::read(request).unwrap_or(Value::Null);
    let part = |i: usize| r.get(i).and_then(Value::as_str).unwrap_or("");
    let problems = |p: &[broker::Problem]| p.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
    let out = match part(0) {
        "export" => match broker::asyncapi::export_text(part(1), part(2) == "yaml") {
            Ok(doc) => json!({"ok": true, "text": doc}),
            Err(p) => failed(&format!("the scenario does not check: {}", problems(&p))),
        },
        "import" => match broker::asyncapi::import_text(part(1), part(2)) {
            Ok(d) if d.problems.is_empty() => {
                let unmapped: Vec<String> = d.unmapped.iter().map(ToString::to_string).collect();
                json!({
                    "ok": true,
                    "text": d.text,
                    "nodes": d.nodes,
                    "wires": d.wires,
                    "summary": summary(part(2), d.nodes, d.wires, &unmapped),
                    "unmapped": unmapped,
                })
            }
            Ok(d) => failed(&format!(
                "the scenario made from it does not check (were its x-brokerlab extensions edited?): {}",
                problems(&d.problems)
            )),
            Err(why) => failed(&why),
        },
        other => failed(&format!("the worker does not know the request {}", broker::quote(other))),
    };
    broker::link::write_json(&out, false)
}

/// The answer to a request that could not be carried out.
fn failed(why: &str) -> Value {
    json!({"ok": false, "error": why})
}

/// How many unmapped parts the summary names.
const NAMED: usize = 6;

/// What the page says once it has opened an imported document: "Opened shop.yaml from
/// AsyncAPI: 5 nodes, 4 wires. 2 parts not mapped: ...".
fn summary(name: &str, nodes: usize, wires: usize, unmapped: &[String]) -> String {
    let mut out = format!(
        "Opened {name} from AsyncAPI: {}, {}.",
        broker::plural(nodes as u64, "node", "nodes"),
        broker::plural(wires as u64, "wire", "wires")
    );
    if unmapped.is_empty() {
        out.push_str(" Every part of it was mapped.");
    } else {
        let parts = broker::plural(unmapped.len() as u64, "part", "parts");
        out.push_str(&format!(" {parts} not mapped: {}", unmapped[..unmapped.len().min(NAMED)].join("; ")));
        if unmapped.len() > NAMED {
            out.push_str(&format!("; and {} more", unmapped.len() - NAMED));
        }
        out.push('.');
    }
    out
}

#[cfg(target_family = "wasm")]
fn main() {
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply = scope.clone();
    let on_message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
        let request = e.data().as_string().unwrap_or_default();
        let _ = reply.post_message(&JsValue::from_str(&answer(&request)));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // A message the page sent while this wasm was still loading found no listener: the page
    // waits for this word before it sends its request.
    let _ = scope.post_message(&JsValue::from_str(READY));
}

/// What the worker says once it listens.
#[cfg(target_family = "wasm")]
const READY: &str = "ready";

/// Native builds of the workspace compile the worker too; only the browser runs it.
#[cfg(not(target_family = "wasm"))]
fn main() {}

// Native only: the tests read the lesson files from disk.
#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;

    fn ask(request: Value) -> Value {
        broker::scenario::json::read(&answer(&request.to_string())).unwrap()
    }

    #[test]
    fn a_lesson_goes_out_as_yaml_and_comes_back_as_the_same_nodes() {
        let scenario =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/schema-deploy-breaks.json"))
                .unwrap();
        let out = ask(json!(["export", scenario, "yaml"]));
        assert_eq!(out["ok"], true, "{out}");
        let doc = out["text"].as_str().unwrap();
        assert!(doc.starts_with("asyncapi: \"3.0.0\""), "{doc}");
        let back = ask(json!(["import", doc, "orders.yaml"]));
        assert_eq!(back["ok"], true, "{back}");
        assert_eq!((back["nodes"].as_u64(), back["wires"].as_u64()), (Some(4), Some(2)));
        assert!(back["summary"].as_str().unwrap().starts_with("Opened orders.yaml from AsyncAPI: 4 nodes, 2 wires."));
        // The same scenario, as the reader reads it (defaults written out or left out alike).
        let s = broker::Scenario::from_json(back["text"].as_str().unwrap()).unwrap();
        let original = broker::Scenario::from_json(&scenario).unwrap();
        assert_eq!(s.nodes, original.nodes);
        assert_eq!(s.schemas, original.schemas);
        assert_eq!(s.actions, original.actions);
    }

    #[test]
    fn bad_requests_and_documents_get_an_error_in_words() {
        for (request, part) in [
            (json!(["import", "not: [yaml", "x.yaml"]), "not valid YAML"),
            (json!(["import", "{\"openapi\": \"3.0.0\"}", "x.json"]), "not an AsyncAPI document"),
            (json!(["export", "{\"version\": 1}", "json"]), "does not check"),
            (json!(["dance"]), "does not know the request"),
        ] {
            let out = ask(request.clone());
            assert_eq!(out["ok"], false, "{request}");
            assert!(out["error"].as_str().unwrap().contains(part), "{request}: {out}");
        }
        assert_eq!(ask(json!("not an object"))["ok"], false);
    }
}
