//! A short list kept inline. The lists built while reading a message's fate (one entry per
//! route or per effect of its copies) nearly always have one entry, so they cost no allocation
//! until a second entry arrives. Written here rather than taken from a crate: one small type,
//! instead of a general-purpose inline vector's code in the wasm. (A message's own copies and
//! effects are kept another way, tighter still: `sim/message.rs` and `sim/more.rs`.)

use std::ops::Deref;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Few<T> {
    #[default]
    Zero,
    One(T),
    #[allow(clippy::box_collection)] // keeps the list two words long; a Vec would make it four
    Many(Box<Vec<T>>),
}

impl<T: Copy> Few<T> {
    pub fn push(&mut self, item: T) {
        *self = match std::mem::take(self) {
            Few::Zero => Few::One(item),
            Few::One(first) => Few::Many(Box::new(vec![first, item])),
            Few::Many(mut all) => {
                all.push(item);
                Few::Many(all)
            }
        };
    }

    pub fn as_mut_slice(&mut self) -> &mut [T] {
        match self {
            Few::Zero => &mut [],
            Few::One(item) => std::slice::from_mut(item),
            Few::Many(all) => all.as_mut_slice(),
        }
    }
}

impl<T> Deref for Few<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match self {
            Few::Zero => &[],
            Few::One(item) => std::slice::from_ref(item),
            Few::Many(all) => all.as_slice(),
        }
    }
}

impl<'a, T> IntoIterator for &'a Few<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::Few;

    #[test]
    fn keeps_order_inline_and_spilled() {
        let mut f = Few::default();
        assert!(f.is_empty());
        f.push(1u32);
        assert!(matches!(f, Few::One(1)));
        f.push(2);
        f.push(3);
        assert_eq!(&*f, &[1, 2, 3]);
        f.as_mut_slice()[1] = 20;
        assert_eq!(f.iter().copied().collect::<Vec<_>>(), [1, 20, 3]);
    }

    #[test]
    fn costs_no_more_than_two_words() {
        assert!(std::mem::size_of::<Few<u32>>() <= 16);
        assert!(std::mem::size_of::<Few<(u16, u32)>>() <= 16);
    }
}
