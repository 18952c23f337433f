//! The palette: one button per node kind. Drag one onto the canvas (pointer events, so a
//! mouse, a pen and a finger all work), or press it (click, Enter or Space) to add that node
//! at a free spot. The drag shows a ghost under the pointer; the drop point is handed to the
//! app, which turns it into canvas units.

use web_sys::{Element, PointerEvent};
use yew::prelude::*;

use crate::doc::PALETTE;

#[derive(Properties, PartialEq)]
pub struct PaletteProps {
    /// A kind and, for a drop, the client (viewport) point it was dropped at.
    pub on_add: Callback<(String, Option<(f64, f64)>)>,
}

#[derive(Clone, PartialEq)]
struct Dragging {
    kind: &'static str,
    label: &'static str,
    start: (f64, f64),
    now: (f64, f64),
}

impl Dragging {
    fn travelled(&self) -> bool {
        (self.now.0 - self.start.0).abs() + (self.now.1 - self.start.1).abs() > 6.0
    }
}

#[function_component(Palette)]
pub fn palette(props: &PaletteProps) -> Html {
    let dragging = use_state(|| None::<Dragging>);
    // A drag that ended with a drop must not also count as a click.
    let swallow_click = use_mut_ref(|| false);

    let items = PALETTE.iter().map(|&(kind, label)| {
        let on_down = {
            let dragging = dragging.clone();
            Callback::from(move |e: PointerEvent| {
                if e.button() != 0 {
                    return;
                }
                if let Some(t) = e.current_target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<Element>(t).ok()) {
                    let _ = t.set_pointer_capture(e.pointer_id());
                }
                let p = (e.client_x() as f64, e.client_y() as f64);
                dragging.set(Some(Dragging { kind, label, start: p, now: p }));
            })
        };
        let on_move = {
            let dragging = dragging.clone();
            Callback::from(move |e: PointerEvent| {
                if let Some(d) = (*dragging).clone() {
                    dragging.set(Some(Dragging { now: (e.client_x() as f64, e.client_y() as f64), ..d }));
                }
            })
        };
        let on_up = {
            let dragging = dragging.clone();
            let on_add = props.on_add.clone();
            let swallow = swallow_click.clone();
            Callback::from(move |e: PointerEvent| {
                if let Some(d) = (*dragging).clone() {
                    let d = Dragging { now: (e.client_x() as f64, e.client_y() as f64), ..d };
                    if d.travelled() {
                        *swallow.borrow_mut() = true;
                        on_add.emit((d.kind.to_owned(), Some(d.now)));
                    }
                }
                dragging.set(None);
            })
        };
        let on_cancel = {
            let dragging = dragging.clone();
            Callback::from(move |_: PointerEvent| dragging.set(None))
        };
        let on_click = {
            let on_add = props.on_add.clone();
            let swallow = swallow_click.clone();
            Callback::from(move |_: MouseEvent| {
                if std::mem::take(&mut *swallow.borrow_mut()) {
                    return;
                }
                on_add.emit((kind.to_owned(), None));
            })
        };
        html! {
            <li key={kind}>
                <button type="button" class={classes!("palette-item", format!("kind-{kind}"))}
                        onpointerdown={on_down} onpointermove={on_move} onpointerup={on_up} onpointercancel={on_cancel}
                        onclick={on_click} title={format!("Drag onto the canvas, or press to add a {}", label.to_lowercase())}>
                    <svg class="palette-icon" viewBox="0 0 30 24" width="30" height="24" aria-hidden="true">
                        { crate::icons::node_icon(kind) }
                    </svg>
                    <span>{ label }</span>
                </button>
            </li>
        }
    });

    let ghost = (*dragging).clone().filter(Dragging::travelled).map(|d| {
        html! {
            <div class={classes!("palette-ghost", format!("kind-{}", d.kind))} aria-hidden="true"
                 style={format!("left:{}px;top:{}px", d.now.0 - 70.0, d.now.1 - 32.0)}>
                { d.label }
            </div>
        }
    });

    html! {
        <nav class="palette" aria-labelledby="palette-heading">
            <h2 id="palette-heading">{ "Add" }</h2>
            <ul>{ for items }</ul>
            <p class="hint">{ "Drag onto the canvas, or press Enter." }</p>
            { for ghost }
        </nav>
    }
}
