//! Rebuilding a read model by replay: its table is emptied, and each projection's consumer
//! group is moved back to the start of the topic it reads (as `reset_offsets` to `earliest`
//! does), so the projections read every event still in the log again and the table fills
//! again. The write side's truth stays; the table is behind it until the replay catches up.
//! The validator lets only a read model whose projections read topics be rebuilt: a queue
//! keeps nothing it has delivered.

use crate::model::command::ResetTarget;
use crate::model::ids::NodeId;
use crate::model::NodeKind;
use crate::sim::trace::Event;
use crate::sim::Simulation;

impl Simulation {
    pub(crate) fn rebuild(&mut self, rm: NodeId) {
        let rows = self.read_model(rm).rows.len() as u32;
        for key in 0..rows {
            self.change_row(rm, key, |row| {
                row.shown = 0;
                row.shown_type = 0;
            });
        }
        self.read_model_mut(rm).counts.rebuilds += 1;
        self.emit(rm, None, None, Event::Rebuilt);
        let NodeKind::ReadModel(m) = &self.model.nodes[rm.index()].kind else { return };
        let mut groups: Vec<(u16, NodeId)> = Vec::new();
        for &c in &m.projections {
            if let NodeKind::Consumer(cm) = &self.model.nodes[c.index()].kind {
                let Some(l) = cm.log.as_ref() else { continue };
                if !groups.contains(&(l.group, l.topic)) {
                    groups.push((l.group, l.topic));
                }
            }
        }
        for (group, topic) in groups {
            self.reset_offsets(group, Some(topic), ResetTarget::Earliest);
        }
    }
}
