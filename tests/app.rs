//! Component tests of the app shell in headless Chromium: mount the whole app, act as a
//! user would (choose a preset, type a seed, press Run), flush Yew's scheduler and read the
//! DOM. `cargo test --target wasm32-unknown-unknown --test app`.
#![cfg(target_arch = "wasm32")]

use brokerlab_app::presets::{self, PRESETS};
use brokerlab_app::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, HtmlButtonElement, HtmlInputElement, HtmlSelectElement, InputEvent};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts a fresh app in its own `<div>` and returns that root.
async fn mount() -> Element {
    let document = gloo::utils::document();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    root
}

fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector).unwrap().unwrap_or_else(|| panic!("no element matches {selector}"))
}

fn outcome(root: &Element) -> Element {
    // The region is named by its heading, as a screen reader and Playwright see it.
    let region = find(root, "section[aria-labelledby]");
    let heading_id = region.get_attribute("aria-labelledby").unwrap();
    let heading = find(root, &format!("#{heading_id}"));
    assert_eq!(heading.text_content().unwrap().trim(), "Outcome");
    region
}

fn trace_hash(root: &Element) -> String {
    find(&outcome(root), ".trace-hash").text_content().unwrap()
}

fn count(root: &Element, label: &str) -> String {
    let counts = outcome(root).query_selector_all(".counts > div").unwrap();
    for i in 0..counts.length() {
        let item: Element = counts.item(i).unwrap().dyn_into().unwrap();
        if find(&item, "dt").text_content().unwrap() == label {
            return find(&item, "dd").text_content().unwrap();
        }
    }
    panic!("no count labelled {label}");
}

fn labelled_control(root: &Element, label_text: &str) -> Element {
    let labels = root.query_selector_all("label").unwrap();
    for i in 0..labels.length() {
        let label: Element = labels.item(i).unwrap().dyn_into().unwrap();
        if label.text_content().unwrap().trim() == label_text {
            let id = label.get_attribute("for").expect("label has a for attribute");
            return find(root, &format!("#{id}"));
        }
    }
    panic!("no control labelled {label_text}");
}

fn bubbling(kind: &str) -> Event {
    let init = EventInit::new();
    init.set_bubbles(true);
    Event::new_with_event_init_dict(kind, &init).unwrap()
}

async fn choose(root: &Element, slug: &str) {
    let select: HtmlSelectElement = labelled_control(root, "Scenario").dyn_into().unwrap();
    select.set_value(slug);
    select.dispatch_event(&bubbling("change")).unwrap();
    yew::scheduler::flush().await;
}

async fn type_seed(root: &Element, text: &str) {
    let input: HtmlInputElement = labelled_control(root, "Seed").dyn_into().unwrap();
    input.set_value(text);
    let init = web_sys::InputEventInit::new();
    init.set_bubbles(true);
    input.dispatch_event(&InputEvent::new_with_event_init_dict("input", &init).unwrap()).unwrap();
    yew::scheduler::flush().await;
}

async fn press_run(root: &Element) {
    let buttons = root.query_selector_all("button").unwrap();
    let run = (0..buttons.length())
        .map(|i| buttons.item(i).unwrap().dyn_into::<HtmlButtonElement>().unwrap())
        .find(|b| b.text_content().unwrap().trim() == "Run")
        .expect("a Run button");
    run.click();
    yew::scheduler::flush().await;
}

fn is_hex16(s: &str) -> bool {
    s.len() == 16 && s.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
}

#[wasm_bindgen_test]
async fn opens_on_the_work_queue_with_counts_verdict_and_trace_hash() {
    let root = mount().await;
    let select: HtmlSelectElement = labelled_control(&root, "Scenario").dyn_into().unwrap();
    assert_eq!(select.value(), presets::DEFAULT_PRESET);
    assert_eq!(select.options().length() as usize, PRESETS.len());
    let title = find(&root, "#scenario-title").text_content().unwrap();
    assert_eq!(title, PRESETS[presets::default_index()].info().title);

    let hash = trace_hash(&root);
    assert!(is_hex16(&hash), "trace hash {hash:?}");
    for label in
        ["Published", "Processed once", "Processed more than once", "Dead-lettered", "Dropped", "Lost", "In flight"]
    {
        let n = count(&root, label);
        assert!(n.chars().all(|c| c.is_ascii_digit() || c == ','), "{label}: {n:?}");
    }
    assert_ne!(count(&root, "Published"), "0");
    let verdict = outcome(&root).query_selector_all(".verdict li").unwrap();
    assert!(verdict.length() > 0, "no verdict lines");
    let text = outcome(&root).text_content().unwrap();
    for figure in
        ["Duplicate effects", "Out of order", "Retries", "Latency p50", "Latency p95", "Latency p99", "Max queue depth"]
    {
        assert!(text.contains(figure), "outcome lacks {figure}");
    }
    root.remove();
}

#[wasm_bindgen_test]
async fn choosing_another_preset_changes_title_and_outcome() {
    let root = mount().await;
    let before_hash = trace_hash(&root);
    let before_title = find(&root, "#scenario-title").text_content().unwrap();

    let other = PRESETS.iter().find(|p| p.slug == "poison-no-dlq").unwrap_or(&PRESETS[PRESETS.len() - 1]);
    choose(&root, other.slug).await;

    let title = find(&root, "#scenario-title").text_content().unwrap();
    assert_eq!(title, other.info().title);
    assert_ne!(title, before_title);
    assert_ne!(trace_hash(&root), before_hash);
    // The seed field follows the preset's own seed.
    let seed: HtmlInputElement = labelled_control(&root, "Seed").dyn_into().unwrap();
    assert_eq!(seed.value(), other.info().seed.unwrap().to_string());
    root.remove();
}

#[wasm_bindgen_test]
async fn a_bad_seed_shows_an_alert_and_keeps_the_previous_result() {
    let root = mount().await;
    let before = trace_hash(&root);
    assert!(root.query_selector("[role=alert]").unwrap().is_none());

    type_seed(&root, "twelve").await;
    press_run(&root).await;
    let alert = find(&root, "[role=alert]");
    assert!(alert.text_content().unwrap().contains("not a seed"), "{:?}", alert.text_content());
    assert_eq!(trace_hash(&root), before, "the previous result stays");
    let input = labelled_control(&root, "Seed");
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));

    // A good seed clears the alert and runs again.
    type_seed(&root, "12345").await;
    press_run(&root).await;
    assert!(root.query_selector("[role=alert]").unwrap().is_none());
    assert_ne!(trace_hash(&root), before);
    assert!(find(&root, "[role=status]").text_content().unwrap().contains("Seed 12345"));
    root.remove();
}

#[wasm_bindgen_test]
async fn run_with_the_same_seed_gives_the_same_hash() {
    let root = mount().await;
    let before = trace_hash(&root);
    press_run(&root).await;
    assert_eq!(trace_hash(&root), before);
    root.remove();
}

#[wasm_bindgen_test]
async fn every_preset_runs_in_the_browser() {
    let root = mount().await;
    for p in PRESETS {
        choose(&root, p.slug).await;
        assert!(root.query_selector(".problems").unwrap().is_none(), "{} failed to run", p.slug);
        assert!(is_hex16(&trace_hash(&root)), "{}", p.slug);
    }
    root.remove();
}
