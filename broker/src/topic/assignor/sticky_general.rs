//! The sticky assignor's general path, taken when subscriptions differ: keep every owned
//! partition still subscribed to, give each free partition to the least-loaded subscribed
//! member, then move partitions from members with two or more extra until no move is left.

use super::group::Group;
use super::java_hash::{java_bucket, java_table_size};

/// Partitions of one topic moved from one member to another during this rebalance, kept in
/// insertion order with the peak size, to pick the element a Java `HashSet` yields first.
#[derive(Default)]
struct MovedSet {
    partitions: Vec<usize>,
    peak: usize,
}

impl MovedSet {
    fn java_first(&self, g: &Group) -> Option<usize> {
        let size = java_table_size(self.peak);
        // min_by_key keeps the first of equal keys: insertion order within a bucket.
        self.partitions.iter().copied().min_by_key(|&p| java_bucket(g.java_hash(p), size))
    }
}

/// Kafka's `PartitionMovements`: where each moved partition came from, so that a later move
/// between the same two members can undo an earlier one instead of moving another partition.
struct Movements {
    /// Per partition: the member it first moved from and the member it is at now.
    by_partition: Vec<Option<(usize, usize)>>,
    /// Per topic: the moves between each pair of members (from, to) that are still in place.
    by_topic: Vec<Vec<((usize, usize), MovedSet)>>,
}

impl Movements {
    fn remove(&mut self, p: usize, t: usize) -> Option<(usize, usize)> {
        let pair = self.by_partition[p].take()?;
        let pairs = &mut self.by_topic[t];
        if let Some(i) = pairs.iter().position(|(key, _)| *key == pair) {
            let set = &mut pairs[i].1;
            set.partitions.retain(|&q| q != p);
            if set.partitions.is_empty() {
                pairs.remove(i);
            }
        }
        Some(pair)
    }

    fn add(&mut self, p: usize, t: usize, pair: (usize, usize)) {
        self.by_partition[p] = Some(pair);
        let pairs = &mut self.by_topic[t];
        let i = match pairs.iter().position(|(key, _)| *key == pair) {
            Some(i) => i,
            None => {
                pairs.push((pair, MovedSet::default()));
                pairs.len() - 1
            }
        };
        let set = &mut pairs[i].1;
        set.partitions.push(p);
        set.peak = set.peak.max(set.partitions.len());
    }

    fn record(&mut self, p: usize, t: usize, from: usize, to: usize) {
        match self.remove(p, t) {
            Some((origin, _)) => {
                if origin != to {
                    self.add(p, t, (origin, to));
                }
            }
            None => self.add(p, t, (from, to)),
        }
    }

    fn partition_to_move(&self, g: &Group, p: usize, from: usize, to: usize) -> usize {
        let origin = self.by_partition[p].map_or(from, |(src, _)| src);
        let back = self.by_topic[g.topic_of(p)].iter().find(|(key, _)| *key == (to, origin));
        back.and_then(|(_, set)| set.java_first(g)).unwrap_or(p)
    }
}

pub(super) struct General<'a> {
    g: &'a Group<'a>,
    /// Kafka's `topic2AllPotentialConsumers`, per topic. (Its `consumer2AllPotentialTopics`
    /// is the group's `subs`.)
    consumers_of: Vec<Vec<usize>>,
    /// Each member's partitions; `None` for a member set aside because it cannot change.
    current: Vec<Option<Vec<usize>>>,
    owner: Vec<Option<usize>>,
    /// Members by (number of partitions, member), sorted: Kafka's
    /// `sortedCurrentSubscriptions`.
    by_load: Vec<(usize, usize)>,
    movements: Movements,
    revocation_required: bool,
}

impl<'a> General<'a> {
    pub(super) fn new(g: &'a Group<'a>, owned: Vec<Vec<usize>>) -> Self {
        let consumers_of =
            (0..g.topics.len()).map(|t| (0..g.members.len()).filter(|&m| g.subscribes(m, t)).collect()).collect();
        General {
            g,
            consumers_of,
            current: owned.into_iter().map(Some).collect(),
            owner: vec![None; g.total()],
            by_load: Vec::new(),
            movements: Movements {
                by_partition: vec![None; g.total()],
                by_topic: (0..g.topics.len()).map(|_| Vec::new()).collect(),
            },
            revocation_required: false,
        }
    }

    fn load(&self, m: usize) -> Option<usize> {
        self.current[m].as_ref().map(Vec::len)
    }

    fn max_load(&self, m: usize) -> usize {
        self.g.subs[m].iter().map(|&t| self.g.partitions(t).len()).sum()
    }

    /// Each member's partitions.
    pub(super) fn build(mut self) -> Vec<Vec<usize>> {
        let g = self.g;
        // Keep what each member owned and still subscribes to.
        let mut kept = vec![false; g.total()];
        for (m, list) in self.current.iter_mut().enumerate() {
            let Some(list) = list else { continue };
            let before = list.len();
            list.retain(|&p| g.subscribes(m, g.topic_of(p)));
            self.revocation_required |= list.len() != before;
            for &p in list.iter() {
                self.owner[p] = Some(m);
                kept[p] = true;
            }
        }
        // Topics with fewer possible consumers go first: they have the fewest places to go.
        let mut topics: Vec<usize> = (0..g.topics.len()).collect();
        crate::sort::sort_by_key(&mut topics, |&t| (self.consumers_of[t].len(), t));
        let mut sorted_all: Vec<usize> = topics.iter().flat_map(|&t| g.partitions(t)).collect();
        let mut unassigned: Vec<usize> = sorted_all.iter().copied().filter(|&p| !kept[p]).collect();
        self.by_load = self.current.iter().enumerate().filter_map(|(m, l)| Some((l.as_ref()?.len(), m))).collect();
        crate::sort::sort(&mut self.by_load);
        self.balance(&mut sorted_all, &mut unassigned);
        self.current.into_iter().map(Option::unwrap_or_default).collect()
    }

    fn move_load(&mut self, m: usize, from: usize, to: usize) {
        if let Ok(i) = self.by_load.binary_search(&(from, m)) {
            self.by_load.remove(i);
        }
        if let Err(i) = self.by_load.binary_search(&(to, m)) {
            self.by_load.insert(i, (to, m));
        }
    }

    fn give(&mut self, p: usize, m: usize) {
        let list = self.current[m].get_or_insert_with(Vec::new);
        let before = list.len();
        list.push(p);
        self.owner[p] = Some(m);
        self.move_load(m, before, before + 1);
    }

    fn least_loaded_for(&self, t: usize) -> Option<usize> {
        self.by_load.iter().find(|&&(_, m)| self.g.subscribes(m, t)).map(|&(_, m)| m)
    }

    fn can_participate(&self, m: usize, list: &[usize]) -> bool {
        list.len() < self.max_load(m) || list.iter().any(|&p| self.consumers_of[self.g.topic_of(p)].len() >= 2)
    }

    fn balance(&mut self, sorted_all: &mut Vec<usize>, unassigned: &mut Vec<usize>) {
        let g = self.g;
        let initializing = self.by_load.last().is_none_or(|(load, _)| *load == 0);
        for &p in unassigned.iter() {
            if let Some(m) = self.least_loaded_for(g.topic_of(p)) {
                self.give(p, m);
            }
        }

        // Partitions of single-consumer topics and members that cannot change stay put.
        let fixed_topic: Vec<bool> = self.consumers_of.iter().map(|c| c.len() < 2).collect();
        sorted_all.retain(|&p| !fixed_topic[g.topic_of(p)]);
        unassigned.retain(|&p| !fixed_topic[g.topic_of(p)]);
        let mut fixed: Vec<(usize, Vec<usize>)> = Vec::new();
        for m in 0..self.current.len() {
            let Some(list) = &self.current[m] else { continue };
            if !self.can_participate(m, list) {
                let list = self.current[m].take().unwrap_or_default();
                if let Ok(i) = self.by_load.binary_search(&(list.len(), m)) {
                    self.by_load.remove(i);
                }
                fixed.push((m, list));
            }
        }

        let before = self.current.clone();
        let before_owner = self.owner.clone();
        // Without forced revocations, first try to balance by moving only the new partitions.
        if !self.revocation_required {
            self.perform_reassignments(unassigned);
        }
        let moved = self.perform_reassignments(sorted_all);
        // Kafka only reads whether the second pass moved anything.
        if !initializing && moved && balance_score(&self.current) >= balance_score(&before) {
            self.current = before;
            self.owner = before_owner;
        }
        for (m, list) in fixed {
            self.current[m] = Some(list);
        }
    }

    fn perform_reassignments(&mut self, partitions: &[usize]) -> bool {
        let mut moved_any = false;
        loop {
            let mut modified = false;
            for &p in partitions {
                if self.is_balanced() {
                    break;
                }
                let Some(owner) = self.owner[p] else {
                    continue;
                };
                let Some(owner_load) = self.load(owner) else {
                    continue;
                };
                let better_exists = self.consumers_of[self.g.topic_of(p)]
                    .iter()
                    .any(|&other| self.load(other).is_some_and(|l| owner_load > l + 1));
                if better_exists {
                    self.reassign(p);
                    moved_any = true;
                    modified = true;
                }
            }
            if !modified {
                return moved_any;
            }
        }
    }

    fn reassign(&mut self, p: usize) {
        let g = self.g;
        let Some(to) = self.least_loaded_for(g.topic_of(p)) else {
            return;
        };
        let Some(from) = self.owner[p] else {
            return;
        };
        let actual = self.movements.partition_to_move(g, p, from, to);
        let Some(actual_from) = self.owner[actual] else {
            return;
        };
        let Some(from_load) = self.load(actual_from) else {
            return;
        };
        self.movements.record(actual, g.topic_of(actual), actual_from, to);
        if let Some(list) = self.current[actual_from].as_mut() {
            if let Some(i) = list.iter().position(|&q| q == actual) {
                list.remove(i);
            }
        }
        self.move_load(actual_from, from_load, from_load - 1);
        self.give(actual, to);
    }

    /// Kafka's `isBalanced`: loads differ by at most one, or no member could take a partition
    /// of its topics from a member with two or more partitions more.
    fn is_balanced(&self) -> bool {
        let (Some((min, _)), Some((max, _))) = (self.by_load.first(), self.by_load.last()) else {
            return true;
        };
        if min + 1 >= *max {
            return true;
        }
        for &(load, m) in &self.by_load {
            if load == self.max_load(m) {
                continue;
            }
            let mine = self.current[m].as_deref().unwrap_or_default();
            for &t in &self.g.subs[m] {
                for p in self.g.partitions(t) {
                    if mine.contains(&p) {
                        continue;
                    }
                    let other = self.owner[p].and_then(|o| self.load(o));
                    if other.is_some_and(|other| load + 1 < other) {
                        return false;
                    }
                }
            }
        }
        true
    }
}

/// Sum over all pairs of members of the difference in their loads; 0 is perfectly even.
pub(super) fn balance_score(current: &[Option<Vec<usize>>]) -> u64 {
    let loads: Vec<u64> = current.iter().flatten().map(|l| l.len() as u64).collect();
    let mut score = 0;
    for (i, a) in loads.iter().enumerate() {
        for b in &loads[i + 1..] {
            score += a.abs_diff(*b);
        }
    }
    score
}
