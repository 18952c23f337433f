//! The transport's actions: play, pause, step, rewind, seek and speed. The engine owns the
//! player; these tell it what to do and copy what the page shows back into the state.

use super::AppState;

pub const MIN_SPEED: f64 = 0.1;
pub const MAX_SPEED: f64 = 100.0;

/// A move of the playhead or a change of pace.
pub enum TransportAction {
    Play,
    Pause,
    TogglePlay,
    Step,
    /// Back to time zero (the transport's Reset).
    Rewind,
    Seek(u64),
    SetSpeed(f64),
    /// The engine moved: copy what the page shows from it.
    Sync {
        outcome: bool,
    },
}

/// What a transport action makes of the state; `None` when it changes nothing.
// Not inlined into `AppState::reduce`: measured, the wasm is smaller with each part of the
// reducer a function of its own.
#[inline(never)]
pub(super) fn reduce(mut s: AppState, action: TransportAction) -> Option<AppState> {
    let next = match action {
        TransportAction::Play => s.set_playing(true),
        TransportAction::Pause => s.set_playing(false),
        TransportAction::TogglePlay => {
            let playing = s.engine.borrow().playing;
            s.set_playing(!playing)
        }
        TransportAction::Step => {
            {
                let mut e = s.engine.borrow_mut();
                e.playing = false;
                e.player.cancel_seek();
                e.player.step();
            }
            s.sync(true);
            s
        }
        TransportAction::Rewind => {
            s.engine.borrow_mut().playing = false;
            s.seek(0)
        }
        TransportAction::Seek(t) => s.seek(t),
        TransportAction::SetSpeed(v) => {
            let speed = parse_speed(v);
            {
                s.speed = speed;
                s
            }
        }
        TransportAction::Sync { outcome } => {
            s.sync(outcome);
            s
        }
    };
    Some(next)
}

impl AppState {
    /// Puts the playhead at `t`: at once when the player has it nearly ready (a lesson,
    /// anywhere the scout has been), else the frame loop carries the seek on, showing its
    /// progress, and syncs when it lands.
    pub(super) fn seek(mut self, t: u64) -> AppState {
        let landed = {
            let mut e = self.engine.borrow_mut();
            let budget = e.seek_budget;
            e.player.begin_seek(t, budget)
        };
        self.sync(landed);
        self
    }

    /// Stops playback and puts the playhead at `t` (a click on a log row, a marker, a point).
    pub(super) fn pause_and_seek(self, t: u64) -> AppState {
        self.engine.borrow_mut().playing = false;
        self.seek(t)
    }

    fn set_playing(mut self, playing: bool) -> AppState {
        {
            let mut e = self.engine.borrow_mut();
            if playing && e.player.now_us() >= e.player.end_us() {
                e.player.seek(0);
            }
            e.playing = playing;
        }
        self.sync(!playing);
        self
    }
}

fn parse_speed(s: f64) -> f64 {
    if s.is_finite() {
        s.clamp(MIN_SPEED, MAX_SPEED)
    } else {
        1.0
    }
}
