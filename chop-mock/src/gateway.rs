//! [`Gateway`]: what a platform's handlers receive — its own state, with the
//! clock and the delivery queue the platforms share.

use std::sync::Arc;

use chop::clock::Clock;

use crate::delivery::Queue;

/// One platform's state `P` with the shared clock and delivery queue; cheap to clone.
#[derive(Debug)]
pub(crate) struct Gateway<P> {
    /// The platform's own state.
    pub(crate) inner: Arc<P>,
    /// The time the platform's checks and answers use.
    pub(crate) clock: Arc<dyn Clock>,
    /// Where callbacks and notifies are sent from.
    pub(crate) queue: Arc<Queue>,
}

impl<P> Clone for Gateway<P> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
            clock: Arc::clone(&self.clock),
            queue: Arc::clone(&self.queue),
        }
    }
}

impl<P> Gateway<P> {
    /// Seconds since the epoch on the gateway's clock.
    pub(crate) fn now(&self) -> i64 {
        self.clock.now_unix()
    }
}
