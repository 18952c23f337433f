//! The keyboard shortcuts as the help overlay lists them, its paragraph on building a
//! topology, and the canvas key's list, as markup. The release wasm fetches the markup
//! (`model/texts.rs`) rather than carry it.

/// (keys, what they do), in the order the overlay lists them.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Space", "Play or pause"),
    ("→ (Right arrow)", "Step to the next event"),
    ("R", "Reset to time zero"),
    ("?", "Show or hide this help"),
    ("Tab / Shift+Tab", "Move between nodes, wires and controls"),
    ("Enter on a palette item", "Add that node to the canvas"),
    ("Enter on a node or wire", "Go to its settings in the Inspector"),
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
    ("Escape", "Close this help, the lesson gallery or the copy-by-hand bar, or clear the selection"),
];

/// The shortcuts' table and the paragraph under it, as markup (static text, written once:
/// as `html!` elements each row cost the wasm its own code).
pub fn body() -> String {
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

/// The canvas key's list, as markup: static, so one string rather than an `html!` element
/// each. The release wasm fetches it with the help (`model/texts.rs`).
pub const CANVAS_KEY: &str = concat!(
    r#"<ul><li><svg viewBox="0 0 40 12" width="40" height="12" aria-hidden="true"><circle cx="6" cy="6" r="4.5" class="lg-a"/><rect x="13" y="1.5" width="9" height="9" class="lg-b"/><path d="M31 1l5 5-5 5-5-5z" class="lg-c"/></svg>a message; colour and shape follow its key</li>"#,
    r#"<li><svg viewBox="0 0 12 12" width="12" height="12" aria-hidden="true"><rect x="1" y="1" width="10" height="10" class="lg-dead"/><path d="M3.5 3.5l5 5M8.5 3.5l-5 5" class="lg-x"/></svg>dead letter</li>"#,
    r#"<li><svg viewBox="0 0 12 12" width="12" height="12" aria-hidden="true"><path d="M2 2l8 8M10 2l-8 8" class="lg-lost"/></svg>lost or dropped here</li>"#,
    r#"<li><span class="lg-try">try 2</span> a retry, its ring the backoff left</li><li><span class="lg-port" aria-hidden="true"></span> drag from a port to wire</li></ul>"#
);
