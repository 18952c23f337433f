//! The help overlay (press ?): every keyboard shortcut, and how to build and wire a topology.

use yew::prelude::*;

/// (keys, what they do), in the order the overlay lists them.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Space", "Play or pause"),
    ("→ (Right arrow)", "Step to the next event"),
    ("R", "Reset to time zero"),
    ("?", "Show or hide this help"),
    ("Tab / Shift+Tab", "Move between nodes, wires and controls"),
    ("Enter on a palette item", "Add that node to the canvas"),
    ("Arrow keys", "Move the selected nodes (hold Shift for bigger steps)"),
    ("Delete / Backspace", "Delete the selected nodes or wires"),
    ("Ctrl+Z", "Undo"),
    ("Ctrl+Shift+Z or Ctrl+Y", "Redo"),
    ("+ / −", "Zoom in / out"),
    ("← / → on a panel tab", "Move between the side panel's tabs (Home, End: first, last)"),
    (
        "← / → on the Speed slider",
        "Slower or faster, one stop at a time from 0.1× to 100× (Home, End: slowest, fastest)",
    ),
    (
        "← / → on the Timeline",
        "Back or on by a hundredth of the run (Page Up, Page Down: a tenth; Home, End: start, end)",
    ),
    ("Escape", "Close this help or the lesson gallery, or clear the selection"),
];

/// The shortcuts' table and the paragraph under it, as markup (static text, written once:
/// as `html!` elements each row cost the wasm its own code).
fn body() -> String {
    let mut out = String::from(r#"<table class="shortcuts"><tbody>"#);
    for (k, v) in SHORTCUTS {
        out.push_str(r#"<tr><th scope="row"><kbd>"#);
        out.push_str(k);
        out.push_str("</kbd></th><td>");
        out.push_str(v);
        out.push_str("</td></tr>");
    }
    out.push_str("</tbody></table><h3>Building a topology</h3><p>Drag a Producer, a Queue and Consumers from the palette onto the canvas. Drag from the round port on a node's right edge to another node to wire them; a wire that makes no sense is refused with the reason. Select a node to change its settings and failure modes in the inspector, then press Play.</p>");
    out
}

/// The ref of the help's Close button, which takes the focus whenever the help opens.
#[hook]
pub fn use_help_close(open: bool) -> NodeRef {
    let close_ref = use_node_ref();
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
                    <h2 id="help-heading">{ "Keyboard shortcuts" }</h2>
                    <button type="button" ref={close_ref} onclick={on_close}>{ "Close" }</button>
                </div>
                { Html::from_html_unchecked(body().into()) }
            </div>
        </div>
    }
}
