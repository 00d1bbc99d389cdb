//! A job's life as a pure function of time. At creation the job gets a `Schedule` (queue wait,
//! one slot per node in execution order, sampler nodes one tick per step, a settling window);
//! `Schedule::phase_at(tick)` then says where the job is. No task runs per job, so thousands of
//! live jobs cost nothing between polls. Ticks are units of `step_delay`; see `Clock`. The
//! settling window is configured as a duration and turned into whole ticks at creation, so the
//! `speed` fault shortens it like every other part of the life.

use std::time::Duration;

/// Ticks a job stays `CREATED` before anything else happens.
const CREATED_TICKS: u64 = 1;
/// Ticks each job ahead in the queue takes to drain.
const TICKS_PER_RANK: u64 = 4;

/// Converts elapsed wall time to ticks.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    /// Real time one tick takes at speed 1.
    pub step: Duration,
    /// Speed-up factor (> 0).
    pub speed: f64,
}

impl Clock {
    /// Wall time until tick `tick` begins.
    pub fn time_of(&self, tick: u64) -> Duration {
        self.step.mul_f64(tick as f64 / self.speed)
    }

    /// Ticks elapsed after `elapsed` of wall time; a zero step means "everything has happened".
    pub fn ticks(&self, elapsed: Duration) -> u64 {
        if self.step.is_zero() {
            return u64::MAX / 2;
        }
        (elapsed.as_secs_f64() * self.speed / self.step.as_secs_f64()) as u64
    }

    /// Whole ticks covering `duration` of the life at speed 1 (rounded up, so a non-zero
    /// duration is never lost). A zero step has no ticks to count: everything has happened.
    pub fn ticks_covering(&self, duration: Duration) -> u64 {
        if self.step.is_zero() {
            return 0;
        }
        let ticks = duration.as_nanos().div_ceil(self.step.as_nanos());
        u64::try_from(ticks).unwrap_or(u64::MAX / 4)
    }
}

/// One node's slot in the run.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    /// Node id.
    pub node_id: String,
    /// Sampler steps, for nodes that report `process`; `None` for one-tick nodes.
    pub steps: Option<u64>,
}

impl Slot {
    fn ticks(&self) -> u64 {
        self.steps.unwrap_or(1).max(1)
    }
}

/// Everything that decides a job's life, fixed at creation.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// Jobs queued ahead of this one.
    pub queue: u32,
    /// Nodes in execution order.
    pub slots: Vec<Slot>,
    /// Index of the slot where the job fails, if it is fated to.
    pub fail_at: Option<usize>,
    /// Ticks the workflow item reports SUCCESS while the job is still RUNNING (the seed's view).
    pub settle: u64,
}

/// Where a job is at one tick.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Phase {
    /// Just created.
    Created,
    /// In the queue at 1-based `rank` of `len`.
    Waiting {
        /// Position.
        rank: u32,
        /// Queue length.
        len: u32,
    },
    /// Slots before `current` are done; `current` has run `done_steps` of its steps.
    Running {
        /// Index of the running slot.
        current: usize,
        /// Steps of it already done (0 for one-tick nodes).
        done_steps: u64,
    },
    /// Every node done, the job not yet marked SUCCESS.
    Settling,
    /// Finished with results.
    Success,
    /// Failed while running slot `at`.
    Failed {
        /// The failing slot.
        at: usize,
    },
}

impl Phase {
    /// True for SUCCESS and FAILED (CANCELED is kept by the job, not the schedule).
    pub fn is_terminal(&self) -> bool {
        matches!(self, Phase::Success | Phase::Failed { .. })
    }
}

impl Schedule {
    fn waiting_ticks(&self) -> u64 {
        self.queue as u64 * TICKS_PER_RANK
    }

    /// The phase at `tick` ticks after creation.
    pub fn phase_at(&self, tick: u64) -> Phase {
        if tick < CREATED_TICKS {
            return Phase::Created;
        }
        let mut t = tick - CREATED_TICKS;
        if t < self.waiting_ticks() {
            let drained = (t / TICKS_PER_RANK) as u32;
            return Phase::Waiting { rank: self.queue - drained, len: self.queue };
        }
        t -= self.waiting_ticks();
        for (i, slot) in self.slots.iter().enumerate() {
            let len = slot.ticks();
            if self.fail_at == Some(i) && t >= len / 2 {
                return Phase::Failed { at: i };
            }
            if t < len {
                return Phase::Running { current: i, done_steps: if slot.steps.is_some() { t } else { 0 } };
            }
            t -= len;
        }
        if t < self.settle {
            Phase::Settling
        } else {
            Phase::Success
        }
    }

    /// Ticks from creation to the settling window, when every node (the output nodes with
    /// their image URLs included) reports SUCCESS while the job is still RUNNING.
    pub fn outputs_tick(&self) -> u64 {
        CREATED_TICKS + self.waiting_ticks() + self.slots.iter().map(Slot::ticks).sum::<u64>()
    }

    /// Ticks from creation to SUCCESS (when nothing fails).
    pub fn total_ticks(&self) -> u64 {
        self.outputs_tick().saturating_add(self.settle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(queue: u32, fail_at: Option<usize>) -> Schedule {
        let slots = vec![
            Slot { node_id: "4".into(), steps: None },
            Slot { node_id: "3".into(), steps: Some(4) },
            Slot { node_id: "9".into(), steps: None },
        ];
        Schedule { queue, slots, fail_at, settle: 3 }
    }

    #[test]
    fn walks_created_waiting_running_settling_success() {
        let s = schedule(2, None);
        let phases: Vec<Phase> = (0..s.total_ticks() + 1).map(|t| s.phase_at(t)).collect();
        assert_eq!(phases[0], Phase::Created);
        assert_eq!(phases[1], Phase::Waiting { rank: 2, len: 2 });
        assert_eq!(phases[5], Phase::Waiting { rank: 1, len: 2 });
        assert_eq!(phases[9], Phase::Running { current: 0, done_steps: 0 });
        assert_eq!(phases[10], Phase::Running { current: 1, done_steps: 0 });
        assert_eq!(phases[13], Phase::Running { current: 1, done_steps: 3 });
        assert_eq!(phases[14], Phase::Running { current: 2, done_steps: 0 });
        assert_eq!(phases[15], Phase::Settling);
        assert_eq!(phases[18], Phase::Success);
        assert_eq!(s.total_ticks(), 18);
    }

    #[test]
    fn fails_half_way_through_the_fated_node() {
        let s = schedule(0, Some(1));
        assert_eq!(s.phase_at(2), Phase::Running { current: 1, done_steps: 0 });
        assert_eq!(s.phase_at(3), Phase::Running { current: 1, done_steps: 1 });
        assert_eq!(s.phase_at(4), Phase::Failed { at: 1 });
        assert_eq!(s.phase_at(1000), Phase::Failed { at: 1 });
    }

    #[test]
    fn zero_step_clock_is_always_finished() {
        let clock = Clock { step: Duration::ZERO, speed: 1.0 };
        assert_eq!(schedule(3, None).phase_at(clock.ticks(Duration::ZERO)), Phase::Success);
        let clock = Clock { step: Duration::from_millis(10), speed: 2.0 };
        assert_eq!(clock.ticks(Duration::from_millis(55)), 11);
    }

    #[test]
    fn settling_window_is_whole_ticks_sped_up_with_the_clock() {
        // The default 1.5 s at the default 40 ms step: 37.5 ticks, rounded up to 38 (1.52 s).
        let clock = Clock { step: Duration::from_millis(40), speed: 1.0 };
        let settle = clock.ticks_covering(crate::config::DEFAULT_SETTLE);
        assert_eq!(settle, 38);
        // At speed 2 the same ticks pass in half the time (whole milliseconds: floats round).
        let fast = Clock { speed: 2.0, ..clock };
        let millis = |d: Duration| (d.as_secs_f64() * 1000.0).round();
        assert_eq!(millis(clock.time_of(settle)), 1520.0);
        assert_eq!(millis(fast.time_of(settle)), 760.0);
        assert_eq!(clock.ticks_covering(Duration::ZERO), 0);
        assert_eq!(Clock { step: Duration::ZERO, speed: 1.0 }.ticks_covering(Duration::from_secs(9)), 0);

        let s = Schedule { settle, ..schedule(0, None) };
        let outputs = s.outputs_tick();
        assert_eq!(s.phase_at(outputs - 1), Phase::Running { current: 2, done_steps: 0 });
        assert_eq!(s.phase_at(outputs), Phase::Settling);
        assert_eq!(s.phase_at(outputs + settle - 1), Phase::Settling);
        assert_eq!(s.phase_at(outputs + settle), Phase::Success);
        let none = Schedule { settle: 0, ..schedule(0, None) };
        assert_eq!(none.phase_at(none.outputs_tick()), Phase::Success);
    }
}
