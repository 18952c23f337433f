//! The help overlay (press ?): every keyboard shortcut, and how to build and wire a topology
//! (the text is `model/shortcuts.rs`'s, fetched by the release wasm: `model/texts.rs`).

use yew::prelude::*;

use crate::ui::raw;

/// The ref of the help's Close button, which takes the focus whenever the help opens.
#[hook]
pub fn use_help_close(open: bool) -> NodeRef {
    let close_ref = crate::ui::use_element_ref();
    {
        let close_ref = close_ref.clone();
        crate::ui::use_effect_on(
            open,
            Box::new(move |open| {
                if let Some(b) = close_ref.cast::<web_sys::HtmlElement>().filter(|_| *open) {
                    let _ = b.focus();
                }
            }),
        );
    }
    close_ref
}

/// The overlay; `close_ref` comes from [`use_help_close`] (the app's hook: this is a function,
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
