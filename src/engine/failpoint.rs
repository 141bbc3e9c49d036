//! Failpoints: the places between committing an intent, making the call and recording its
//! outcome, where a test can stop a run exactly as a SIGKILL would.

/// The points between committing an intent, making the call and recording its outcome, where
/// a crash leaves the most doubt. Tests arm one to stop a run exactly there, as a SIGKILL
/// would, and check that the next run neither repeats nor drops the effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failpoint {
    /// Webshop creation: intent committed, order not yet sent.
    CreateAfterIntent,
    /// Webshop creation: sent (maybe created), outcome not recorded.
    CreateAfterCall,
    /// Shipment: intent committed, not yet sent.
    ShipAfterIntent,
    /// Shipment: sent (maybe accepted), outcome not recorded.
    ShipAfterCall,
    /// Marketplace cancellation: intent committed, not yet sent.
    CancelAfterIntent,
    /// Marketplace cancellation: a line sent, outcome not recorded.
    CancelAfterCall,
    /// Label purchase: intent committed, not yet sent.
    LabelAfterIntent,
    /// Label purchase: sent (maybe bought), outcome not recorded.
    LabelAfterCall,
}

/// Armed failpoints: each fires once.
#[derive(Debug, Default)]
pub struct Failpoints {
    armed: std::sync::Mutex<Vec<Failpoint>>,
}

impl Failpoints {
    /// Arms `point`: the next run that reaches it stops there.
    pub fn arm(&self, point: Failpoint) {
        self.armed
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(point);
    }

    /// Whether `point` is armed; disarms it.
    pub(super) fn fire(&self, point: Failpoint) -> bool {
        let mut armed = self
            .armed
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match armed.iter().position(|p| *p == point) {
            Some(idx) => {
                armed.remove(idx);
                true
            }
            None => false,
        }
    }
}
