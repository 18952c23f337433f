//! Icons, as inline SVG shipped with the app: never emoji or icon fonts, which a machine
//! without an emoji font (Debian's Chromium, many classroom projectors) shows as empty boxes.
//! Each icon is decorative (`aria-hidden`); the control around it carries the name. An icon
//! is markup text (see `panels::markup`), two SVG elements that need no `html!` code.

use yew::prelude::*;

/// The small glyph in the top-left corner of a node's box, in node coordinates.
pub fn node_icon(kind: &str) -> Html {
    Html::from_html_unchecked(node_icon_markup(kind).into())
}

/// [`node_icon`] as markup text, for views written as text (a node's box).
pub fn node_icon_markup(kind: &str) -> String {
    let d = match kind {
        // An arrow leaving a box.
        "producer" => "M4 5h7v10H4z M11 10h6 M14 7l3 3-3 3",
        // A fork: one in, three out.
        "exchange" => "M3 10h5 M8 10l7-6 M8 10h9 M8 10l7 6",
        // Stacked messages.
        "queue" => "M3 5h14 M3 10h14 M3 15h14",
        // A log: lines of growing length, numbered by position.
        "topic" => "M3 4h6 M3 8h10 M3 12h14 M3 16h8",
        // A worker: a circle with a tick.
        "consumer" => "M10 3a7 7 0 1 0 0.01 0z M6.5 10l2.5 2.5 4.5-5",
        // A service: a worker's tick, and an arrow leaving it.
        "service" => "M7 4a6 6 0 1 0 0.01 0z M4 10l2 2 3-3.5 M14.5 10h5 M17 7.5l2.5 2.5-2.5 2.5",
        // An orchestrator: a conductor's score, three steps in order, and an arrow leaving it.
        "orchestrator" => "M3 4h8 M5 8h8 M7 12h8 M3 16h8 M15 4.5l3 3-3 3",
        // A requester: a request going out, and its reply coming back.
        "requester" => "M3 7h12 M12 4l3 3-3 3 M17 13H5 M8 10l-3 3 3 3",
        // A table: a frame, its header row and a column rule.
        "read_model" => "M3 4h14v12H3z M3 8h14 M3 12h14 M8 4v12",
        // A server: two stacked units with their lights.
        "broker" => "M3 3h14v6H3z M3 11h14v6H3z M6 6h1 M6 14h1",
        // An envelope with a cross.
        "dead_letter_queue" => "M3 5h14v10H3z M3 5l7 6 7-6 M12.5 12.5l4 4 M16.5 12.5l-4 4",
        _ => "M4 4h12v12H4z",
    };
    format!(r#"<g class="node-icon" transform="translate(8 7)" aria-hidden="true"><path d="{d}"/></g>"#)
}

/// A 20×20 icon for a button.
pub fn button_icon(name: &str) -> Html {
    Html::from_html_unchecked(button_icon_markup(name).into())
}

/// A button's icon and its visible label (`<span>`), as one piece of markup: the label is
/// one of the app's own constant texts, so it needs no escaping, and no `html!` element of
/// its own.
pub fn icon_label(name: &str, label: &str) -> Html {
    Html::from_html_unchecked(format!("{}<span>{label}</span>", button_icon_markup(name)).into())
}

/// [`button_icon`] as markup text.
fn button_icon_markup(name: &str) -> String {
    let d = match name {
        "play" => "M6 4l10 6-10 6z",
        "pause" => "M5 4h4v12H5z M11 4h4v12h-4z",
        "step" => "M4 4l8 6-8 6z M14 4h2v12h-2z",
        "reset" => "M5 4h2v12H5z M16 4l-8 6 8 6z",
        "undo" => "M8 5L3 9l5 4 M3 9h9a5 5 0 0 1 0 10h-3",
        "redo" => "M12 5l5 4-5 4 M17 9H8a5 5 0 0 0 0 10h3",
        "zoom-in" => "M8.5 3a5.5 5.5 0 1 0 0.01 0z M12.5 12.5l5 5 M6 8.5h5 M8.5 6v5",
        "zoom-out" => "M8.5 3a5.5 5.5 0 1 0 0.01 0z M12.5 12.5l5 5 M6 8.5h5",
        "fit" => "M3 7V3h4 M13 3h4v4 M17 13v4h-4 M7 17H3v-4",
        "help" => "M10 2a8 8 0 1 0 0.01 0z M7.5 8a2.5 2.5 0 1 1 3.5 2.3c-.7.3-1 .8-1 1.5v.7 M10 14.5v1",
        "trash" => "M4 6h12 M8 6V4h4v2 M6 6l1 11h6l1-11",
        "restart" => "M4 10a6 6 0 1 0 2-4.5 M4 3v4h4",
        "compare" => "M3 3h6v14H3z M11 3h6v14h-6z",
        "link" => "M8.5 11.5a3.5 3.5 0 0 0 5 0l2.5-2.5a3.5 3.5 0 0 0-5-5l-1 1 M11.5 8.5a3.5 3.5 0 0 0-5 0L4 11a3.5 3.5 0 0 0 5 5l1-1",
        "embed" => "M7 5L2 10l5 5 M13 5l5 5-5 5",
        "export" => "M10 3v10 M6 9l4 4 4-4 M4 15v2h12v-2",
        "import" => "M10 13V3 M6 7l4-4 4 4 M4 15v2h12v-2",
        "lessons" => "M3 4h5a2 2 0 0 1 2 2v11a2 2 0 0 0-2-2H3z M17 4h-5a2 2 0 0 0-2 2v11a2 2 0 0 1 2-2h5z",
        _ => "M4 4h12v12H4z",
    };
    format!(
        r#"<svg class="icon" viewBox="0 0 20 20" width="18" height="18" aria-hidden="true" focusable="false"><path d="{d}"/></svg>"#
    )
}
