//! Where a wire's label goes: beside the wire, at the first of a few spots along it where the
//! label covers no node and crosses no other wire (above the middle, below it, then a third
//! of the way from either end). When none is clear the canvas shortens the label to the gap
//! between the boxes and puts it above the middle.

/// A rectangle in canvas units: left, top, width, height.
pub type Rect = (f64, f64, f64, f64);
/// A wire's straight line, from (x1, y1) to (x2, y2).
pub type Segment = (f64, f64, f64, f64);

/// Height of a label's box above its baseline, and below it, in canvas units (13-unit text).
const ASCENT: f64 = 11.0;
const DESCENT: f64 = 4.0;
/// How far a label's baseline sits above the wire (or its top below it).
const GAP: f64 = 6.0;

/// The baseline centre for a label `width` units wide on `wire`, clear of `boxes` and `others`;
/// `None` when no spot is clear.
pub fn place_label(wire: Segment, width: f64, boxes: &[Rect], others: &[Segment]) -> Option<(f64, f64)> {
    let (x1, y1, x2, y2) = wire;
    let at = |t: f64| (x1 + (x2 - x1) * t, y1 + (y2 - y1) * t);
    let candidates = [(0.5, true), (0.5, false), (0.35, true), (0.65, true), (0.35, false), (0.65, false)];
    let spot = |(t, above): (f64, bool)| {
        let (cx, cy) = at(t);
        let baseline = if above { cy - GAP } else { cy + GAP + ASCENT };
        (cx, baseline)
    };
    let rect = |(cx, baseline): (f64, f64)| (cx - width / 2.0, baseline - ASCENT, width, ASCENT + DESCENT);
    candidates.into_iter().map(spot).find(|p| {
        let r = rect(*p);
        !boxes.iter().any(|b| overlaps(r, *b)) && !others.iter().any(|s| crosses(*s, r))
    })
}

/// Where a label goes when no spot is clear: above the middle of the wire.
pub fn above_middle(wire: Segment) -> (f64, f64) {
    ((wire.0 + wire.2) / 2.0, (wire.1 + wire.3) / 2.0 - GAP)
}

fn overlaps(a: Rect, b: Rect) -> bool {
    a.0 < b.0 + b.2 && b.0 < a.0 + a.2 && a.1 < b.1 + b.3 && b.1 < a.1 + a.3
}

/// Whether a segment passes through a rectangle (sampled finely enough for labels a few
/// units tall).
fn crosses(s: Segment, r: Rect) -> bool {
    // Most wires are nowhere near: their bounding box says so without sampling.
    if !overlaps((s.0.min(s.2), s.1.min(s.3), (s.2 - s.0).abs(), (s.3 - s.1).abs()), r) {
        return false;
    }
    let steps = (((s.2 - s.0).abs() + (s.3 - s.1).abs()) / 3.0).ceil().clamp(1.0, 400.0) as usize;
    (0..=steps).any(|i| {
        let t = i as f64 / steps as f64;
        let (x, y) = (s.0 + (s.2 - s.0) * t, s.1 + (s.3 - s.1) * t);
        x > r.0 && x < r.0 + r.2 && y > r.1 && y < r.1 + r.3
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_goes_above_the_middle_when_that_is_clear() {
        assert_eq!(place_label((0.0, 100.0, 200.0, 100.0), 60.0, &[], &[]), Some((100.0, 94.0)));
    }

    #[test]
    fn a_label_moves_below_or_along_the_wire_to_clear_another_wire_or_a_node() {
        // Another wire runs just above the middle: the label goes below.
        let other = (0.0, 88.0, 200.0, 88.0);
        let (_, y) = place_label((0.0, 100.0, 200.0, 100.0), 60.0, &[], &[other]).unwrap();
        assert!(y > 100.0, "{y}");
        // A node sits over the middle, above and below: the label moves along the wire.
        let node = (80.0, 60.0, 40.0, 80.0);
        let (x, _) = place_label((0.0, 100.0, 300.0, 100.0), 30.0, &[node], &[]).unwrap();
        assert!(!(65.0..135.0).contains(&x), "{x}");
    }

    #[test]
    fn with_nowhere_clear_there_is_no_spot() {
        let everywhere = (-1000.0, -1000.0, 3000.0, 3000.0);
        assert_eq!(place_label((0.0, 0.0, 100.0, 0.0), 20.0, &[everywhere], &[]), None);
        assert_eq!(above_middle((0.0, 0.0, 100.0, 0.0)), (50.0, -6.0));
    }
}
