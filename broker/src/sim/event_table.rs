//! The `event_table!` macro: it turns the table of trace events in `trace.rs` into the `Event`
//! enum and the four things each event needs, so that an event is written down once.
//!
//! One row of the table is
//!
//! ```text
//!   /// doc comment (becomes the variant's)
//!   CODE Variant { field: Type => how "json_key", ... } hash [word, word, word] then extra;
//! ```
//!
//! and from it the macro writes, with one `match` each, as the hand-written code did:
//!
//! - the variant itself, `Variant { field: Type, ... }` (or `Variant` with no fields, or a
//!   one-field tuple variant written `Variant(field: Type => how)`);
//! - `Event::name()`, the variant's name as a string;
//! - `Event::code()`, the stable `CODE` byte in the hash;
//! - `Event::payload()`, the three 64-bit words in the hash: the fields in order, each through
//!   `Word` (numbers widened, flags 0 or 1, ids and times their number, reasons their code),
//!   padded with zeros; or, with `hash [..]`, those expressions (for packing more than three
//!   fields with `pair`);
//! - `Event::write_json()`, which calls the `Json` method `how` for each field, in order, with
//!   the JSON key (the field's own name unless a `"json_key"` is given), then `Json::extra`.

macro_rules! event_table {
    // The hash payload: the `hash [..]` words if the row has them, else the fields themselves.
    (@words [$($field:expr),*]) => { event_table!(@pad $($field),*) };
    (@words [$($field:expr),*] [$($word:expr),*]) => { event_table!(@pad $($word),*) };
    (@pad) => { [0, 0, 0] };
    (@pad $a:expr) => { [word($a), 0, 0] };
    (@pad $a:expr, $b:expr) => { [word($a), word($b), 0] };
    (@pad $a:expr, $b:expr, $c:expr) => { [word($a), word($b), word($c)] };
    (@pad $($more:expr),*) => {
        compile_error!("the hash has room for three words: pack the fields with `hash [pair(a, b), c, d]`")
    };
    // The JSON key: the field's name unless the row gives one.
    (@key $field:ident) => { stringify!($field) };
    (@key $field:ident $key:literal) => { $key };

    (
        $(#[$meta:meta])*
        $name:ident {
            $(
                $(#[$doc:meta])*
                $code:literal $variant:ident
                $({ $($field:ident: $type:ty => $how:ident $($key:literal)?),+ $(,)? })?
                $(($one:ident: $one_type:ty => $one_how:ident))?
                $(hash [$($word:expr),+ $(,)?])?
                $(then $extra:ident)?
            );+ $(;)?
        }
    ) => {
        $(#[$meta])*
        pub enum $name {
            $(
                $(#[$doc])*
                $variant $({ $($field: $type),+ })? $(($one_type))?
            ),+
        }

        impl $name {
            /// The variant's name, as the JSON trace spells it.
            pub fn name(&self) -> &'static str {
                match self {
                    $($name::$variant { .. } => stringify!($variant)),+
                }
            }

            /// A stable number per variant, for the hash.
            fn code(&self) -> u8 {
                match self {
                    $($name::$variant { .. } => $code),+
                }
            }

            /// The variant's fields as three integers, for the hash.
            fn payload(&self) -> [u64; 3] {
                match self {
                    $(
                        $name::$variant $({ $($field),+ })? $(($one))? => {
                            event_table!(@words [$($($field),+)? $($one)?] $([$($word),+])?)
                        }
                    )+
                }
            }

            /// The variant's fields as JSON keys, after the keys every entry has.
            fn write_json(&self, j: &mut Json) {
                match self {
                    $(
                        $name::$variant $({ $($field),+ })? $(($one))? => {
                            $($(j.$how(event_table!(@key $field $($key)?), $field);)+)?
                            $(j.$one_how(stringify!($one), $one);)?
                            $(j.$extra();)?
                        }
                    )+
                }
            }
        }
    };
}
