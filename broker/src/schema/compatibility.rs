//! A schema registry's compatibility modes, with the meaning Confluent's Schema Registry gives
//! them: which versions a new version is checked against, and in which direction.
//!
//! | mode | the new version must | checked against |
//! |---|---|---|
//! | `BACKWARD` (the default) | read data written with the old | the latest version |
//! | `FORWARD` | be readable by the old | the latest version |
//! | `FULL` | both | the latest version |
//! | `..._TRANSITIVE` | the same | every registered version |
//! | `NONE` | nothing | nothing |
//!
//! So BACKWARD means consumers upgrade first (a new reader reads what is still written with
//! the old version), FORWARD means producers upgrade first (old readers read the new data).

use crate::schema::resolution::Clash;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    #[default]
    Backward,
    BackwardTransitive,
    Forward,
    ForwardTransitive,
    Full,
    FullTransitive,
    None,
}

/// A rule a new version broke: the registered version it was checked against, whether the
/// new one was to read the old one's data (`new_reads_old`) or the other way round, and the
/// clash.
#[derive(Clone, Debug, PartialEq)]
pub struct Broken {
    pub against: u16,
    pub new_reads_old: bool,
    pub clash: Clash,
}

impl Mode {
    pub const ALL: [Mode; 7] = [
        Mode::Backward,
        Mode::BackwardTransitive,
        Mode::Forward,
        Mode::ForwardTransitive,
        Mode::Full,
        Mode::FullTransitive,
        Mode::None,
    ];
    /// As the registry's API spells them, in `ALL`'s order.
    pub const NAMES: [&'static str; 7] =
        ["BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE", "NONE"];

    pub fn name(self) -> &'static str {
        Mode::NAMES[self as usize]
    }

    pub fn transitive(self) -> bool {
        matches!(self, Mode::BackwardTransitive | Mode::ForwardTransitive | Mode::FullTransitive)
    }

    /// Whether a new version must read the data of the versions it is checked against.
    pub fn backward(self) -> bool {
        matches!(self, Mode::Backward | Mode::BackwardTransitive | Mode::Full | Mode::FullTransitive)
    }

    /// Whether readers on the versions it is checked against must read the new version's data.
    pub fn forward(self) -> bool {
        matches!(self, Mode::Forward | Mode::ForwardTransitive | Mode::Full | Mode::FullTransitive)
    }

    /// Who upgrades first under this mode, in a teacher's words.
    pub fn upgrade_order(self) -> &'static str {
        match (self.backward(), self.forward()) {
            (true, true) => "producers and consumers may upgrade in either order",
            (true, false) => "consumers upgrade first",
            (false, true) => "producers upgrade first",
            (false, false) => "nothing is checked",
        }
    }

    /// Checks version `new` against the `registered` versions (oldest first): the latest
    /// only, or every one of them under a transitive mode, latest first. `clash(writer,
    /// reader)` says whether a reader on one version can read data written with another.
    pub fn check(self, new: u16, registered: &[u16], clash: impl Fn(u16, u16) -> Option<Clash>) -> Option<Broken> {
        let against: &[u16] = match registered.split_last() {
            None => &[],
            Some(_) if self.transitive() => registered,
            Some((last, _)) => std::slice::from_ref(last),
        };
        for &old in against.iter().rev() {
            if self.backward() {
                if let Some(clash) = clash(old, new) {
                    return Some(Broken { against: old, new_reads_old: true, clash });
                }
            }
            if self.forward() {
                if let Some(clash) = clash(new, old) {
                    return Some(Broken { against: old, new_reads_old: false, clash });
                }
            }
        }
        None
    }
}

impl Broken {
    /// The broken rule in words, naming the mode and the clash: "BACKWARD: version 2 must
    /// read what version 1 wrote, but field "note" is not in version 1, and version 2 gives
    /// it no default".
    pub fn words(&self, mode: Mode, new: u16) -> String {
        let (new_v, old_v) = (format!("version {new}"), format!("version {}", self.against));
        let (rule, clash) = if self.new_reads_old {
            (format!("{new_v} must read what {old_v} wrote"), self.clash.words(&old_v, &new_v))
        } else {
            (format!("readers on {old_v} must read what {new_v} writes"), self.clash.words(&new_v, &old_v))
        };
        format!("{}: {rule}, but {clash}", mode.name())
    }
}
