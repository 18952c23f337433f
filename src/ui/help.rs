//! The help overlay (press ?): every keyboard shortcut, and how to build and wire a topology
//! (the text is `model/shortcuts.rs`'s, fetched by the release wasm: `model/texts.rs`).

use yew::prelude::*;

use crate::ui::raw;

/// The overlay; `close_ref` comes from [`crate::ui::use_dialog_close`] (the app's hook: this is a function,
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
