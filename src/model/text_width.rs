//! How wide a line of text is drawn, estimated without a layout engine: the canvas fits a
//! node's lines into its box and keeps room for a wire's label, and the app has no text
//! measurement of its own to ask before the SVG is drawn.

/// A line's width in em in the page's sans-serif, estimated a character at a time from widths
/// measured in Chromium (rounded up, so a line that fits is never squeezed by mistake; one
/// that just fits may be squeezed by a hair).
pub fn em_width(s: &str, bold: bool) -> f64 {
    let regular: f64 = s
        .chars()
        .map(|c| match c {
            ' ' | ',' | '.' | ':' | ';' | '\'' | '|' | '!' => 0.33,
            'i' | 'j' | 'l' => 0.29,
            'f' | 't' | 'r' | '-' | '(' | ')' => 0.41,
            'm' | 'w' => 0.95,
            '0'..='9' => 0.64,
            c if c.is_ascii_uppercase() => 0.74,
            c if c.is_ascii() => 0.62,
            // Other scripts: about a full em.
            _ => 1.0,
        })
        .sum();
    if bold {
        regular * 1.12
    } else {
        regular
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimated_widths_are_at_least_the_measured_ones_and_not_far_above() {
        // Widths in em measured in Chromium on Debian (DejaVu Sans).
        for (text, bold, measured) in [
            ("fulfilment-1", true, 6.59),
            ("order-events", true, 7.28),
            ("550,431 processed", false, 9.55),
            ("20 in flight", false, 5.39),
        ] {
            let estimate = em_width(text, bold);
            assert!(
                estimate >= measured * 0.99 && estimate <= measured * 1.12,
                "{text}: {estimate} against {measured}"
            );
        }
    }
}
