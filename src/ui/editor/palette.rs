//! The palette: one button per node kind. Drag one onto the canvas (pointer events, so a
//! mouse, a pen and a finger all work), or press it (click, Enter or Space) to add that node
//! at a free spot. The drag shows a ghost under the pointer; the drop point is handed to the
//! app, which turns it into canvas units.

use std::cell::RefCell;
use std::rc::Rc;

use broker::decimal::Plain;
use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::PointerEvent;
use yew::prelude::*;

use crate::model::doc::PALETTE;
use crate::ui::{raw, text_in, use_value, with_class, State};

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

/// What the palette keeps between renders, from [`use_palette`]. The palette is a function,
/// not a component (each component costs the wasm its own copy of Yew's lifecycle code), so
/// these are the app's hooks.
pub struct PaletteHooks {
    dragging: State<Option<Dragging>>,
    /// A drag that ended with a drop must not also count as a click.
    swallow_click: Rc<RefCell<bool>>,
    /// While a drag is on, the window hears the moves and the release: nothing depends on the
    /// button surviving a re-render, and no pointer capture is needed.
    listeners: Rc<RefCell<Vec<EventListener>>>,
}

#[hook]
pub fn use_palette() -> PaletteHooks {
    PaletteHooks {
        dragging: use_value(|| None::<Dragging>),
        // `bool::default`, not a closure: a function has the same type at each call, so the
        // wasm carries one copy of the hook for this and the embed's `done`, not one each.
        swallow_click: use_mut_ref(bool::default),
        listeners: use_mut_ref(Vec::<EventListener>::new),
    }
}

/// The palette; `on_add` takes a kind and, for a drop, the client (viewport) point it was
/// dropped at.
pub fn palette(on_add: &Callback<(String, Option<(f64, f64)>)>, hooks: &PaletteHooks) -> Html {
    let PaletteHooks { dragging, swallow_click, listeners } = hooks;
    let items = PALETTE.iter().map(|&(kind, label)| {
        let on_down = {
            let dragging = dragging.clone();
            let listeners = listeners.clone();
            let on_add = on_add.clone();
            let swallow = swallow_click.clone();
            Callback::from(move |e: PointerEvent| {
                if e.button() != 0 {
                    return;
                }
                let start = (e.client_x() as f64, e.client_y() as f64);
                let current = Rc::new(RefCell::new(Dragging { kind, label, start, now: start }));
                dragging.set(Some(current.borrow().clone()));
                let Some(window) = web_sys::window() else { return };
                let on_move = {
                    let (dragging, current) = (dragging.clone(), current.clone());
                    EventListener::new(&window, "pointermove", move |e| {
                        let Some(e) = e.dyn_ref::<PointerEvent>() else { return };
                        current.borrow_mut().now = (e.client_x() as f64, e.client_y() as f64);
                        dragging.set(Some(current.borrow().clone()));
                    })
                };
                let on_up = {
                    let (dragging, current, listeners) = (dragging.clone(), current.clone(), listeners.clone());
                    let (on_add, swallow) = (on_add.clone(), swallow.clone());
                    EventListener::new(&window, "pointerup", move |e| {
                        let Some(e) = e.dyn_ref::<PointerEvent>() else { return };
                        let d =
                            Dragging { now: (e.client_x() as f64, e.client_y() as f64), ..current.borrow().clone() };
                        if d.travelled() {
                            *swallow.borrow_mut() = true;
                            on_add.emit((d.kind.to_owned(), Some(d.now)));
                        }
                        dragging.set(None);
                        // Dropping the listeners from inside one of them is fine: the browser
                        // finishes this call first.
                        let gone = std::mem::take(&mut *listeners.borrow_mut());
                        gloo::timers::callback::Timeout::new(0, move || drop(gone)).forget();
                    })
                };
                let on_cancel = {
                    let (dragging, listeners) = (dragging.clone(), listeners.clone());
                    EventListener::new(&window, "pointercancel", move |_| {
                        dragging.set(None);
                        let gone = std::mem::take(&mut *listeners.borrow_mut());
                        gloo::timers::callback::Timeout::new(0, move || drop(gone)).forget();
                    })
                };
                *listeners.borrow_mut() = vec![on_move, on_up, on_cancel];
            })
        };
        let on_click = {
            let on_add = on_add.clone();
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
                { with_class(html! {
                    <button type="button" class="palette-item" onpointerdown={on_down} onclick={on_click}
                            title={format!("Drag onto the canvas, or press to add a {}", label.to_ascii_lowercase())}>
                        <svg class="palette-icon" viewBox="0 0 30 24" width="30" height="24" aria-hidden="true">
                            { crate::ui::icons::node_icon(kind) }
                        </svg>
                        { text_in("<span>", label, "</span>") }
                    </button>
                }, format!("palette-item kind-{kind}").into()) }
            </li>
        }
    });

    let ghost = (**dragging).clone().filter(Dragging::travelled).map(|d| {
        let ghost = html! {
            <div class="palette-ghost" aria-hidden="true" style={format!("left:{}px;top:{}px", Plain(d.now.0 - 70.0), Plain(d.now.1 - 32.0))}>
                { d.label }
            </div>
        };
        with_class(ghost, format!("palette-ghost kind-{}", d.kind).into())
    });

    html! {
        <nav class="palette" aria-labelledby="palette-heading">
            { raw(r#"<h2 id="palette-heading">Add</h2>"#) }
            <ul>{ for items }</ul>
            { raw(r#"<p class="hint">Drag onto the canvas, or press Enter.</p>"#) }
            { for ghost }
        </nav>
    }
}
