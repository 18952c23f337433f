//! The help overlay (press ?): every keyboard shortcut, and how to build and wire a topology
//! (the text is `model/shortcuts.rs`'s, fetched by the release wasm: `model/texts.rs`).

use yew::prelude::*;

use crate::ui::raw;

/// The ref of a dialog's Close button (the help's, the lesson gallery's): it takes the focus
/// when the dialog opens, and the control that had the focus gets it back when it closes.
#[hook]
pub fn use_dialog_close(open: bool) -> NodeRef {
    let close_ref = crate::ui::use_element_ref();
    let opener = use_mut_ref(|| None::<web_sys::HtmlElement>);
    {
        let close_ref = close_ref.clone();
        crate::ui::use_effect_on(
            open,
            Box::new(move |open| {
                use wasm_bindgen::JsCast;
                if *open {
                    let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
                    // Unchecked: an SVG node (a canvas node has the focus) has `focus()` too.
                    *opener.borrow_mut() = active.map(|a| a.unchecked_into());
                    if let Some(b) = close_ref.cast::<web_sys::HtmlElement>() {
                        let _ = b.focus();
                    }
                } else if let Some(el) = opener.borrow_mut().take() {
                    let _ = el.focus();
                }
            }),
        );
    }
    close_ref
}

/// The overlay; `close_ref` comes from [`use_dialog_close`] (the app's hook: this is a function,
/// not a component, since each component costs the wasm its own copy of Yew's lifecycle code).
pub fn help(on_close: Callback<MouseEvent>, close_ref: NodeRef) -> Html {
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="help-heading">
            <div class="overlay-card">
                <div class="overlay-head">
                    { raw(r#"<h2 id="help-heading">Keyboard shortcuts</h2>"#) }
                    <button type="button" ref={close_ref} onclick={on_close}>{ "Close" }</button>
                </div>
                { Html::from_html_unchecked(crate::model::texts::shortcuts().into()) }
            </div>
        </div>
    }
}
