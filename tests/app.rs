//! Component tests of the editor and player in headless Chromium: mount the whole app, act
//! as a user would (press a palette item, type into an inspector field, press Step, choose a
//! lesson, press keys), flush Yew's scheduler and read the DOM by accessible names.
//! `cargo test --target wasm32-unknown-unknown --test app`.
#![cfg(target_arch = "wasm32")]

use brokerlab_app::model::presets::{self, PRESETS};
use brokerlab_app::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, HtmlButtonElement, HtmlInputElement, HtmlSelectElement, InputEvent};
use yew::AppHandle;

wasm_bindgen_test_configure!(run_in_browser);

struct Mounted {
    root: Element,
    handle: Option<AppHandle<App>>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            h.destroy();
        }
        self.root.remove();
    }
}

/// Mounts a fresh app in its own `<div>`, at an address without a scenario link (the app
/// writes its link into the address, and the next test would open it).
async fn mount() -> Mounted {
    let window = gloo::utils::window();
    let path = window.location().pathname().unwrap();
    window.history().unwrap().replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path)).unwrap();
    let document = gloo::utils::document();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let handle = yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    Mounted { root, handle: Some(handle) }
}

fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector).unwrap().unwrap_or_else(|| panic!("no element matches {selector}"))
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length()).map(|i| list.item(i).unwrap().dyn_into().unwrap()).collect()
}

/// A button by its visible text or its aria-label.
fn button(root: &Element, name: &str) -> HtmlButtonElement {
    all(root, "button")
        .into_iter()
        .find(|b| b.get_attribute("aria-label").as_deref() == Some(name) || b.text_content().unwrap().trim() == name)
        .unwrap_or_else(|| {
            let names: Vec<String> = all(root, "button").iter().map(|b| b.text_content().unwrap()).collect();
            panic!("no button named {name} among {names:?}")
        })
        .dyn_into()
        .unwrap()
}

fn labelled_control(root: &Element, label_text: &str) -> Element {
    // A label reads "Prefetch (messages)" when the field has a unit.
    for label in all(root, "label") {
        let text = label.text_content().unwrap();
        let text = text.trim();
        if text == label_text || text.strip_prefix(label_text).is_some_and(|rest| rest.starts_with(" (")) {
            let id = label.get_attribute("for").expect("label has a for attribute");
            return find(root, &format!("#{id}"));
        }
    }
    panic!("no control labelled {label_text}");
}

fn region(root: &Element, name: &str) -> Element {
    if let Some(r) =
        all(root, "[role=region]").into_iter().find(|r| r.get_attribute("aria-label").as_deref() == Some(name))
    {
        return r;
    }
    // A <section> named by its heading.
    for s in all(root, "section[aria-labelledby]") {
        let id = s.get_attribute("aria-labelledby").unwrap();
        if find(root, &format!("#{id}")).text_content().unwrap().trim() == name {
            return s;
        }
    }
    panic!("no region named {name}");
}

/// Canvas nodes' accessible names, in document order.
fn node_names(root: &Element) -> Vec<String> {
    all(&region(root, "Canvas"), "[data-node]").iter().map(|n| n.get_attribute("aria-label").unwrap()).collect()
}

fn clock(root: &Element) -> String {
    find(root, ".clock").text_content().unwrap()
}

fn bubbling(kind: &str) -> Event {
    let init = EventInit::new();
    init.set_bubbles(true);
    Event::new_with_event_init_dict(kind, &init).unwrap()
}

async fn click(b: &HtmlButtonElement) {
    b.click();
    yew::scheduler::flush().await;
}

async fn type_into(el: &Element, text: &str) {
    let input: HtmlInputElement = el.clone().dyn_into().unwrap();
    input.set_value(text);
    let init = web_sys::InputEventInit::new();
    init.set_bubbles(true);
    input.dispatch_event(&InputEvent::new_with_event_init_dict("input", &init).unwrap()).unwrap();
    yew::scheduler::flush().await;
}

async fn key(k: &str, ctrl: bool, shift: bool) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(k);
    init.set_ctrl_key(ctrl);
    init.set_shift_key(shift);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let e = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    gloo::utils::document().body().unwrap().dispatch_event(&e).unwrap();
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn opens_on_a_working_lesson_with_every_named_control() {
    let m = mount().await;
    let root = &m.root;
    for name in ["Producer", "Exchange", "Queue", "Topic", "Consumer", "Dead-letter queue", "Play", "Step", "Reset"] {
        button(root, name);
    }
    for label in ["Speed", "Timeline", "Lesson"] {
        labelled_control(root, label);
    }
    let lesson: HtmlSelectElement = labelled_control(root, "Lesson").dyn_into().unwrap();
    assert_eq!(lesson.value(), presets::DEFAULT_PRESET);
    assert_eq!(lesson.options().length() as usize, PRESETS.len());
    let names = node_names(root);
    assert!(names.iter().any(|n| n.starts_with("Queue work")), "{names:?}");
    assert!(names.iter().any(|n| n.starts_with("Producer orders")), "{names:?}");
    // Every focusable canvas element has a name.
    for el in all(&region(root, "Canvas"), "[tabindex]") {
        assert!(el.get_attribute("aria-label").is_some_and(|l| !l.is_empty()));
    }
    let outcome = region(root, "Outcome");
    assert!(outcome.text_content().unwrap().contains("Processed once"));
    assert_eq!(clock(root), "0.00 s / 30.00 s");
}

#[wasm_bindgen_test]
async fn a_palette_item_adds_a_node_that_the_inspector_edits_and_undo_removes() {
    let m = mount().await;
    let root = &m.root;
    let before = node_names(root).len();
    click(&button(root, "Queue")).await;
    let names = node_names(root);
    assert_eq!(names.len(), before + 1);
    assert!(names.iter().any(|n| n.starts_with("Queue queue")), "{names:?}");
    // The new node is selected: the inspector shows its settings in the field's words.
    let prefetch = labelled_control(root, "Prefetch");
    type_into(&prefetch, "-3").await;
    let prefetch = labelled_control(root, "Prefetch");
    assert_eq!(prefetch.get_attribute("aria-invalid").as_deref(), Some("true"));
    let help = find(root, &format!("#{}", prefetch.get_attribute("aria-describedby").unwrap()));
    assert_eq!(help.get_attribute("role").as_deref(), Some("alert"));
    assert!(help.text_content().unwrap().contains("at least 1"), "{:?}", help.text_content());
    assert_eq!(prefetch.dyn_ref::<HtmlInputElement>().unwrap().value(), "-3", "what was typed stays");
    type_into(&labelled_control(root, "Prefetch"), "4").await;
    assert_eq!(labelled_control(root, "Prefetch").get_attribute("aria-invalid").as_deref(), Some("false"));
    // Undo the prefetch edits, then the node.
    click(&button(root, "Undo")).await;
    click(&button(root, "Undo")).await;
    assert_eq!(node_names(root).len(), before);
    click(&button(root, "Redo")).await;
    assert_eq!(node_names(root).len(), before + 1);
}

#[wasm_bindgen_test]
async fn step_moves_the_clock_and_reset_brings_it_back() {
    let m = mount().await;
    let root = &m.root;
    click(&button(root, "Step")).await;
    let after_step = clock(root);
    assert_ne!(after_step, "0.00 s / 30.00 s");
    let timeline = labelled_control(root, "Timeline");
    type_into(&timeline, "15000").await;
    assert_eq!(clock(root), "15.00 s / 30.00 s");
    assert!(region(root, "Outcome").text_content().unwrap().contains("Paused at 15.00 s"));
    click(&button(root, "Reset")).await;
    assert_eq!(clock(root), "0.00 s / 30.00 s");
}

#[wasm_bindgen_test]
async fn choosing_a_lesson_loads_its_topology() {
    let m = mount().await;
    let root = &m.root;
    let select: HtmlSelectElement = labelled_control(root, "Lesson").dyn_into().unwrap();
    select.set_value("poison-with-dlq");
    select.dispatch_event(&bubbling("change")).unwrap();
    yew::scheduler::flush().await;
    let names = node_names(root);
    assert!(names.iter().any(|n| n.starts_with("Dead-letter queue")), "{names:?}");
    // Seek to the end: the outcome is the lesson's own run.
    let end = labelled_control(root, "Timeline").get_attribute("max").unwrap();
    type_into(&labelled_control(root, "Timeline"), &end).await;
    let text = region(root, "Outcome").text_content().unwrap();
    assert!(text.contains("Finished"), "{text}");
}

#[wasm_bindgen_test]
async fn keyboard_shortcuts_play_step_reset_help_and_undo() {
    let m = mount().await;
    let root = &m.root;
    key("ArrowRight", false, false).await;
    assert_ne!(clock(root), "0.00 s / 30.00 s");
    key("r", false, false).await;
    assert_eq!(clock(root), "0.00 s / 30.00 s");
    key(" ", false, false).await;
    button(root, "Pause");
    key(" ", false, false).await;
    button(root, "Play");
    key("?", false, false).await;
    let dialog = find(root, "[role=dialog]");
    assert!(dialog.text_content().unwrap().contains("Space"));
    key("Escape", false, false).await;
    assert!(root.query_selector("[role=dialog]").unwrap().is_none());
    click(&button(root, "Consumer")).await;
    let n = node_names(root).len();
    key("Delete", false, false).await;
    assert_eq!(node_names(root).len(), n - 1);
    key("z", true, false).await;
    assert_eq!(node_names(root).len(), n);
    key("z", true, true).await;
    assert_eq!(node_names(root).len(), n - 1);
}

#[wasm_bindgen_test]
async fn a_refused_wire_says_why_in_an_alert() {
    let m = mount().await;
    let root = &m.root;
    // Keyboard wiring from the inspector offers only targets that make sense...
    click(&button(root, "Producer")).await;
    let targets: HtmlSelectElement = labelled_control(root, "Wire to").dyn_into().unwrap();
    let options: Vec<String> =
        (0..targets.length()).map(|i| targets.item(i).unwrap().get_attribute("value").unwrap()).collect();
    assert!(options.contains(&"work".to_owned()) && !options.iter().any(|o| o.starts_with("worker")), "{options:?}");
    click(&button(root, "Add wire")).await;
    assert!(all(root, "[data-wire]")
        .iter()
        .any(|w| w.get_attribute("aria-label").unwrap() == "Wire from producer to work"));
    // ...and the same wire twice is refused with a reason in a live region.
    click(&button(root, "Add wire")).await;
    let alerts: Vec<String> =
        all(root, "[role=alert], [role=status]").iter().map(|a| a.text_content().unwrap()).collect();
    assert!(alerts.iter().any(|a| a.contains("already wired")), "{alerts:?}");
}

async fn open_lesson(root: &Element, slug: &str) {
    let select: HtmlSelectElement = labelled_control(root, "Lesson").dyn_into().unwrap();
    select.set_value(slug);
    select.dispatch_event(&bubbling("change")).unwrap();
    yew::scheduler::flush().await;
}

async fn seek_to_end(root: &Element) {
    let end = labelled_control(root, "Timeline").get_attribute("max").unwrap();
    type_into(&labelled_control(root, "Timeline"), &end).await;
}

fn tab(root: &Element, name: &str) -> HtmlButtonElement {
    all(root, "[role=tab]")
        .into_iter()
        .find(|t| t.text_content().unwrap().trim().starts_with(name))
        .unwrap_or_else(|| panic!("no tab {name}"))
        .dyn_into()
        .unwrap()
}

fn selected_tab(root: &Element) -> String {
    find(root, "[role=tab][aria-selected=true]").text_content().unwrap()
}

/// A region named by its aria-label (the panels are sections with one).
fn named(root: &Element, name: &str) -> Element {
    all(root, "[aria-label]")
        .into_iter()
        .find(|e| e.get_attribute("aria-label").as_deref() == Some(name))
        .unwrap_or_else(|| panic!("nothing named {name}"))
}

#[wasm_bindgen_test]
async fn a_verdict_line_opens_its_message_passport_and_the_log_filters_events() {
    let m = mount().await;
    let root = &m.root;
    open_lesson(root, "poison-with-dlq").await;
    assert_eq!(selected_tab(root), "Lesson", "a lesson opens on its narration");
    seek_to_end(root).await;
    click(&button(root, "Follow order-10 (orders-10) in the passport")).await;
    assert_eq!(selected_tab(root), "Passport");
    let passport = named(root, "Message passport");
    let text = passport.text_content().unwrap();
    assert!(text.contains("order-10 (orders-10)") && text.contains("dead-lettered from work to dlq"), "{text}");
    assert_eq!(all(&passport, "[aria-current=step]").len(), 1, "the last stop is the current one at the end");

    click(&tab(root, "Event log")).await;
    let log = named(root, "Event log");
    assert_eq!(all(&log, "li").len(), 200, "a page of rows");
    let kind: HtmlSelectElement = find(&log, "select").dyn_into().unwrap();
    kind.set_value("Dead letters");
    kind.dispatch_event(&bubbling("change")).unwrap();
    yew::scheduler::flush().await;
    let rows = all(&named(root, "Event log"), "li");
    assert_eq!(rows.len(), 15);
    // A row selects its message and moves the timeline to it.
    let first: HtmlButtonElement = find(&rows[0], "button").dyn_into().unwrap();
    let at = find(&rows[0], ".log-time").text_content().unwrap();
    click(&first).await;
    assert_eq!(clock(root), format!("{at} / 10.00 s"));
}

#[wasm_bindgen_test]
async fn panel_tabs_move_with_the_arrow_keys_without_stepping_the_run() {
    let m = mount().await;
    let root = &m.root;
    let lesson = tab(root, "Lesson");
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("ArrowRight");
    init.set_bubbles(true);
    init.set_cancelable(true);
    let e = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    lesson.dispatch_event(&e).unwrap();
    yew::scheduler::flush().await;
    assert_eq!(selected_tab(root), "Inspector");
    assert_eq!(clock(root), "0.00 s / 30.00 s", "the arrow key moved the tab, not the run");
    // Selecting a node shows the inspector; the charts and checks render from the scout.
    click(&tab(root, "Charts")).await;
    assert!(named(root, "Charts").text_content().unwrap().len() > 10);
    click(&tab(root, "Checks")).await;
    let checks = named(root, "Checks").text_content().unwrap();
    assert!(checks.contains("Conservation") && checks.contains("worker-a"), "{checks}");
}

#[wasm_bindgen_test]
async fn predict_then_run_checks_the_answer_against_the_outcome() {
    let m = mount().await;
    let root = &m.root;
    open_lesson(root, "crash-at-most-once").await;
    type_into(&find(root, "#prediction"), "11").await;
    click(&button(root, "Lock in my answer")).await;
    assert!(named(root, "Predict, then run").text_content().unwrap().contains("Your answer: 11"));
    seek_to_end(root).await;
    let text = named(root, "Predict, then run").text_content().unwrap();
    assert!(text.contains("Right. You said 11. The run's answer: 11 orders."), "{text}");
}

#[wasm_bindgen_test]
async fn compare_runs_the_other_variant_beside_this_one_and_closes() {
    let m = mount().await;
    let root = &m.root;
    open_lesson(root, "crash-at-most-once").await;
    click(&button(root, "Compare with At-least-once")).await;
    let b = named(root, "Compare: B, At-least-once");
    assert!(b.text_content().unwrap().contains("(same seed, read-only)"));
    assert!(named(root, "Difference between A and B").text_content().unwrap().contains("B against A"));
    click(&button(root, "Close compare")).await;
    assert!(all(root, "[aria-label]")
        .iter()
        .all(|e| e.get_attribute("aria-label").as_deref() != Some("Compare: B, At-least-once")));
}

#[wasm_bindgen_test]
fn only_well_formed_api_messages_become_requests() {
    use brokerlab_app::state::{Action, TransportAction};
    use brokerlab_app::ui::share::embed::{request_for, Request};
    use wasm_bindgen::JsValue;
    let msg = |pairs: &[(&str, JsValue)]| {
        let o = js_sys::Object::new();
        for (k, v) in pairs {
            js_sys::Reflect::set(&o, &(*k).into(), v).unwrap();
        }
        JsValue::from(o)
    };
    assert!(matches!(
        request_for(&msg(&[("type", "brokerlab:play".into())])),
        Some(Request::Act(Action::Transport(TransportAction::Play)))
    ));
    assert!(matches!(
        request_for(&msg(&[("type", "brokerlab:pause".into())])),
        Some(Request::Act(Action::Transport(TransportAction::Pause)))
    ));
    assert!(matches!(
        request_for(&msg(&[("type", "brokerlab:seek".into()), ("t_ms", 2500.into())])),
        Some(Request::Act(Action::Transport(TransportAction::Seek(2_500_000))))
    ));
    assert!(matches!(
        request_for(&msg(&[("type", "brokerlab:load".into()), ("link", "1.abc".into())])),
        Some(Request::Load(link)) if link == "1.abc"
    ));
    for bad in [
        JsValue::from_str("brokerlab:play"),
        JsValue::NULL,
        JsValue::from(42),
        msg(&[("type", "play".into())]),
        msg(&[("type", 7.into())]),
        msg(&[("type", "brokerlab:seek".into()), ("t_ms", "soon".into())]),
        msg(&[("type", "brokerlab:seek".into()), ("t_ms", (-5).into())]),
        msg(&[("type", "brokerlab:seek".into()), ("t_ms", f64::NAN.into())]),
        msg(&[("type", "brokerlab:load".into()), ("link", 3.into())]),
    ] {
        assert!(request_for(&bad).is_none(), "{bad:?}");
    }
}

/// The page's share links are compressed by the browser and open with the core's reader;
/// without `CompressionStream` they pack the text uncompressed and still open.
#[wasm_bindgen_test]
async fn share_links_made_by_the_browser_open() {
    use brokerlab_app::model::share::{link_envelope, open_link, open_shared};
    use brokerlab_app::ui::share::zlib;

    let doc = brokerlab_app::model::doc::normalise(serde_json::from_str(PRESETS[0].json).unwrap());
    let envelope = link_envelope(&doc, None);
    let link = zlib::link(envelope.clone()).await;
    assert!(link.starts_with("2."), "{link}");
    assert_eq!(open_link(&link).unwrap().doc, doc);
    let stored = broker::link::pack(&broker::link::zlib_stored(envelope.as_bytes()));
    assert!(link.len() * 2 < stored.len(), "compressed: {} characters, stored: {}", link.len(), stored.len());

    let global = js_sys::global();
    let compression = js_sys::Reflect::get(&global, &"CompressionStream".into()).unwrap();
    js_sys::Reflect::delete_property(global.unchecked_ref::<js_sys::Object>(), &"CompressionStream".into()).unwrap();
    let without = zlib::link(envelope).await;
    js_sys::Reflect::set(&global, &"CompressionStream".into(), &compression).unwrap();
    assert_eq!(without, stored);
    assert_eq!(open_link(&without).unwrap().doc, doc);

    // The browser inflates what the page opens, with the core's checks and caps.
    for made in [&link, &stored] {
        let read = zlib::decode(made.clone()).await.unwrap();
        assert_eq!(open_shared(Ok(read)).unwrap().doc, doc);
    }
    let core_made = brokerlab_app::model::share::link_for(&doc, None);
    assert_eq!(zlib::decode(core_made.clone()).await, broker::link::decode(&core_made));
    let mut damaged = link.clone().into_bytes();
    let middle = damaged.len() / 2;
    damaged[middle] = if damaged[middle] == b'A' { b'B' } else { b'A' };
    let damaged = String::from_utf8(damaged).unwrap();
    assert_eq!(zlib::decode(damaged.clone()).await, Err(broker::link::LinkError::Damaged), "{damaged}");
    assert_eq!(zlib::decode(link[..link.len() - 9].to_string()).await, Err(broker::link::LinkError::Damaged));
    assert_eq!(zlib::decode("3.abc".into()).await, Err(broker::link::LinkError::Newer(3)));
    // A megabyte of spaces packs small and unpacks past the cap.
    let bomb = broker::link::encode(&serde_json::json!(" ".repeat(1 << 20)), None);
    assert!(bomb.len() < 4_000, "{}", bomb.len());
    assert_eq!(zlib::decode(bomb).await, Err(broker::link::LinkError::TooBig));
}
