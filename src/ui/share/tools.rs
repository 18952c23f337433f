//! The page's side of sharing: the address bar (the scenario's link is always in the
//! fragment; opening another scenario adds a history entry, so back and forward move between
//! scenarios), the "Copy link" and "Copy embed code" buttons (the clipboard, or a field to
//! copy from by hand where the clipboard is refused), "Export" / "Import" of scenario
//! files (a file picker, or a file dropped on the canvas), and the buttons of "Export
//! AsyncAPI" / "Import AsyncAPI" (`asyncapi.rs`).

use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use std::rc::Rc;

use crate::state::{AppState, MadeLink, OpenAction, PanelAction};
use crate::ui::icons;

/// The largest file Import reads.
const MAX_FILE_BYTES: f64 = broker::scenario::MAX_SCENARIO_BYTES as f64;

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The page's address without its fragment or query: where the app lives.
fn app_address() -> String {
    let Some(loc) = window().map(|w| w.location()) else { return String::new() };
    format!("{}{}", loc.origin().unwrap_or_default(), loc.pathname().unwrap_or_default())
}

/// The address that opens this scenario in the full editor. Until its link is made (a moment
/// after a change), the address the page is at.
pub fn share_address(state: &AppState) -> String {
    match state.link() {
        Some(link) => share_address_with(link),
        None => window().and_then(|w| w.location().href().ok()).unwrap_or_default(),
    }
}

fn share_address_with(link: &str) -> String {
    format!("{}#{link}", app_address())
}

/// Hands `use_link` the document's link: now if it is made, else once the browser has made it.
fn with_link(state: &AppState, use_link: Box<dyn FnOnce(String)>) {
    match state.link() {
        Some(link) => use_link(link.to_string()),
        None => {
            let envelope = crate::model::share::link_envelope(&state.doc, state.link_preset);
            super::zlib::link_then(envelope, use_link);
        }
    }
}

/// The `<iframe>` snippet for course pages.
pub fn embed_code(state: &AppState, link: &str) -> String {
    let title = state.doc.get("title").and_then(|t| t.as_str()).unwrap_or("a scenario");
    let src = format!("{}?embed=1#{link}", app_address());
    format!(
        "<iframe src=\"{}\" title=\"Brokerlab: {}\" width=\"960\" height=\"540\" loading=\"lazy\" style=\"border:1px solid #ccc;max-width:100%\"></iframe>",
        html_attr(&src),
        html_attr(title)
    )
}

/// Text made safe for an HTML attribute value in double quotes.
pub fn html_attr(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Keeps the address bar and the document in step: reads the fragment when the page opens
/// and when the browser goes back or forward; writes it whenever the document changes (with
/// `entries`, a new history entry when another scenario was opened; else in place).
#[hook]
pub fn use_address(state: &UseReducerHandle<AppState>, entries: bool) {
    // On load, and on back and forward.
    {
        let d = state.dispatcher();
        crate::ui::use_on_mount(Box::new(move || {
            let read = {
                let d = d.clone();
                move || {
                    let hash = window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
                    let text = hash.trim_start_matches('#').to_string();
                    if text.is_empty() {
                        d.dispatch(PanelAction::AddressRead.into());
                    } else {
                        super::zlib::open(d.clone(), text, true);
                    }
                }
            };
            read();
            let listener = window().map(|w| gloo::events::EventListener::new(&w, "popstate", move |_| read()));
            Box::new(move || drop(listener))
        }));
    }
    // After every change of document, once the browser has compressed its link (a link made
    // for a document that has changed again meanwhile is dropped).
    let last_nav = use_mut_ref(|| None::<u64>);
    let latest = use_mut_ref(|| 0u64);
    let doc = state.doc.clone();
    let link_preset = state.link_preset;
    let nav = state.nav;
    let d = state.dispatcher();
    crate::ui::use_effect_on(
        (doc, link_preset, nav, state.refused_links),
        Box::new(move |(doc, preset, nav, _)| {
            let ticket = {
                let mut latest = latest.borrow_mut();
                *latest += 1;
                *latest
            };
            let envelope = crate::model::share::link_envelope(doc, *preset);
            let (doc, preset, nav) = (doc.clone(), *preset, *nav);
            super::zlib::link_then(
                envelope,
                Box::new(move |link| {
                    if *latest.borrow() != ticket {
                        return;
                    }
                    let current = window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
                    if current.trim_start_matches('#') != link {
                        if let Some(history) = window().and_then(|w| w.history().ok()) {
                            let search = window().and_then(|w| w.location().search().ok()).unwrap_or_default();
                            let url = format!("{search}#{link}");
                            let new_entry = entries && last_nav.borrow().is_some_and(|n| n != nav);
                            let _ = if new_entry {
                                history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
                            } else {
                                history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
                            };
                        }
                    }
                    *last_nav.borrow_mut() = Some(nav);
                    d.dispatch(PanelAction::LinkMade(Rc::new(MadeLink { doc, preset, link })).into());
                }),
            );
        }),
    );
}

/// Copies `text` to the clipboard and says so; where the clipboard is refused, shows it in a
/// field to copy by hand.
fn copy(d: UseReducerDispatcher<AppState>, label: &'static str, text: String) {
    let Some(w) = window() else { return };
    let promise = w.navigator().clipboard().write_text(&text);
    wasm_bindgen_futures::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(_) => d.dispatch(
                PanelAction::Notify(format!("{label} copied to the clipboard ({} characters).", text.len())).into(),
            ),
            Err(_) => d.dispatch(PanelAction::ShowCopyText(Some((label.to_string(), text))).into()),
        }
    });
}

/// Reads a picked or dropped file and opens it (too large a file is refused unread).
pub fn import_file(d: UseReducerDispatcher<AppState>, file: web_sys::File) {
    let name = file.name();
    let open = d.clone();
    read_text(d, file, MAX_FILE_BYTES, Box::new(move |text| open.dispatch(OpenAction::Import { name, text }.into())));
}

/// Reads a file's text and hands it to `then`; a file over `most` bytes is refused unread,
/// and one that cannot be read is said to be so.
pub fn read_text(d: UseReducerDispatcher<AppState>, file: web_sys::File, most: f64, then: Box<dyn FnOnce(String)>) {
    let name = file.name();
    if file.size() > most {
        d.dispatch(
            PanelAction::Notify(format!(
                "{name} was not opened, and nothing here changed: it is {} bytes; the most Brokerlab reads is {}.",
                broker::decimal::Plain(file.size()),
                broker::decimal::Plain(most)
            ))
            .into(),
        );
        return;
    }
    let promise = file.text();
    wasm_bindgen_futures::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(promise).await.ok().and_then(|v| v.as_string()) {
            Some(text) => then(text),
            None => {
                d.dispatch(PanelAction::Notify(format!("{name} could not be read, and nothing here changed.")).into())
            }
        }
    });
}

/// Saves the document as a JSON file.
fn export(state: &AppState) {
    let text = crate::model::share::file_text(&state.doc);
    download(&text, "application/json", &format!("{}.json", file_name(state)));
}

/// The name a saved file starts with: the lesson's, or "scenario".
pub fn file_name(state: &AppState) -> String {
    crate::model::presets::PRESETS
        .get(state.lesson)
        .filter(|_| state.link_preset.is_some())
        .map_or("scenario".to_string(), |p| p.slug.to_string())
}

/// Hands `text` to the browser as a file download called `name`.
pub fn download(text: &str, mime: &str, name: &str) {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Some(a) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Opens a hidden file input's picker, emptied first so that the same file may be picked again.
fn open_picker(input: Option<HtmlInputElement>) {
    if let Some(input) = input {
        input.set_value("");
        input.click();
    }
}

/// A file input's change: the picked file goes to `open`.
fn on_file(
    state: &UseReducerHandle<AppState>,
    open: fn(UseReducerDispatcher<AppState>, web_sys::File),
) -> Callback<Event> {
    let d = state.dispatcher();
    Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            open(d.clone(), file);
        }
    })
}

/// The toolbar group: Copy link, Copy embed code, Export, Import. `picker` is the hidden
/// file input's ref (the toolbar's hook: this is a function, not a component, since each
/// component costs the wasm its own copy of Yew's lifecycle code).
pub fn share_tools(state: &UseReducerHandle<AppState>, picker: NodeRef) -> Html {
    let on_link = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            let d = state.dispatcher();
            with_link(&state, Box::new(move |link| copy(d, "Link", share_address_with(&link))))
        })
    };
    let on_embed = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            let (d, shown) = (state.dispatcher(), state.clone());
            with_link(&state, Box::new(move |link| copy(d, "Embed code", embed_code(&shown, &link))))
        })
    };
    let on_export = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| export(&state))
    };
    let on_import = {
        let picker = picker.clone();
        Callback::from(move |_: MouseEvent| open_picker(picker.cast::<HtmlInputElement>()))
    };
    let on_pick = on_file(state, import_file);
    let on_export_asyncapi = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| super::asyncapi::export(&state, state.dispatcher()))
    };
    // Its file input is found by id: a second ref would be a second hook in the toolbar.
    let on_import_asyncapi = Callback::from(move |_: MouseEvent| {
        open_picker(
            window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("asyncapi-picker"))
                .and_then(|e| e.dyn_into::<HtmlInputElement>().ok()),
        )
    });
    let on_pick_asyncapi = on_file(state, super::asyncapi::import);
    // A short visible label inside the full name, so the toolbar fits one row.
    let button = |name: &'static str, short: &'static str, icon: &'static str, onclick: Callback<MouseEvent>| {
        html! {
            <button type="button" class="tool" aria-label={name} title={name} onclick={onclick}>
                { icons::icon_label(icon, short) }
            </button>
        }
    };
    html! {
        <div class="tools" role="group" aria-label="Share">
            { button("Copy link", "Link", "link", on_link) }
            { button("Copy embed code", "Embed", "embed", on_embed) }
            { button("Export", "Export", "export", on_export) }
            { button("Import", "Import", "import", on_import) }
            { button("Export AsyncAPI", "Export AsyncAPI", "export", on_export_asyncapi) }
            { button("Import AsyncAPI", "Import AsyncAPI", "import", on_import_asyncapi) }
            <input type="file" accept=".json,application/json" class="visually-hidden" tabindex="-1" aria-hidden="true"
                   ref={picker} onchange={on_pick} />
            <input type="file" id="asyncapi-picker" accept=".yaml,.yml,.json" class="visually-hidden" tabindex="-1" aria-hidden="true"
                   onchange={on_pick_asyncapi} />
        </div>
    }
}

/// The field of [`copy_by_hand`], focused and its text selected whenever the text changes.
#[hook]
pub fn use_copy_field(state: &UseReducerHandle<AppState>) -> NodeRef {
    let field = crate::ui::use_element_ref();
    {
        let field = field.clone();
        crate::ui::use_effect_on(
            state.copy_text.clone(),
            Box::new(move |_| {
                if let Some(input) = field.cast::<HtmlInputElement>() {
                    let _ = input.focus();
                    input.select();
                }
            }),
        );
    }
    field
}

/// Where the clipboard is refused: the text in a field, selected, to copy by hand. `field`
/// comes from [`use_copy_field`] (the app's hook: this is a function, not a component).
pub fn copy_by_hand(state: &UseReducerHandle<AppState>, field: NodeRef) -> Html {
    let Some((label, text)) = state.copy_text.clone() else { return html! {} };
    let d = state.dispatcher();
    let close = Callback::from(move |_: MouseEvent| d.dispatch(PanelAction::ShowCopyText(None).into()));
    html! {
        <div class="copy-by-hand" role="group" aria-label={format!("{label} to copy")}>
            <label for="copy-field">{ format!("The clipboard is not available here. Copy the {} by hand (Ctrl+C):", label.to_ascii_lowercase()) }</label>
            <div class="row">
                <input id="copy-field" type="text" readonly=true value={text} ref={field} />
                <button type="button" onclick={close}>{ "Done" }</button>
            </div>
        </div>
    }
}
