//! Stopping an integration from outside: a run hands its stop flag (Ctrl-C, SIGTERM) to the
//! thread that solves a grid point with [`with_token`], and the integrators' step loops ask
//! [`requested`] once per step attempt, so even one long energy stops within a step. A
//! probe that only wants to see how fast a solve advances gives it a step budget instead
//! ([`with_budget`]).
//!
//! Both are per thread (set for the duration of one solve), not process-global, so two runs
//! in one process (tests) never stop each other.

use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

thread_local! {
    static TOKEN: RefCell<Option<Arc<AtomicBool>>> = const { RefCell::new(None) };
    static BUDGET: Cell<Option<u64>> = const { Cell::new(None) };
}

/// Runs `work` with `token` as this thread's stop flag (the previous one is restored after).
pub fn with_token<T>(token: &Arc<AtomicBool>, work: impl FnOnce() -> T) -> T {
    let previous = TOKEN.with(|t| t.borrow_mut().replace(Arc::clone(token)));
    let out = work();
    TOKEN.with(|t| *t.borrow_mut() = previous);
    out
}

/// Runs `work` stopping it after `steps` step attempts (an integration then ends with
/// [`super::options::EvolveError::Interrupted`] at the position it reached).
pub fn with_budget<T>(steps: u64, work: impl FnOnce() -> T) -> T {
    let previous = BUDGET.with(|b| b.replace(Some(steps)));
    let out = work();
    BUDGET.with(|b| b.set(previous));
    out
}

/// Whether this thread's integration must stop now: its stop flag is set or its step budget
/// is spent. Called once per step attempt (it counts them against the budget).
pub fn requested() -> bool {
    let spent = BUDGET.with(|b| match b.get() {
        Some(0) => true,
        Some(n) => {
            b.set(Some(n - 1));
            false
        }
        None => false,
    });
    spent
        || TOKEN.with(|t| {
            t.borrow()
                .as_ref()
                .is_some_and(|flag| flag.load(Ordering::Relaxed))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_is_seen_only_inside_its_scope() {
        let flag = Arc::new(AtomicBool::new(true));
        assert!(!requested());
        assert!(with_token(&flag, requested));
        assert!(!requested());
        let clear = Arc::new(AtomicBool::new(false));
        assert!(!with_token(&clear, requested));
    }

    #[test]
    fn a_budget_of_n_allows_n_attempts() {
        let stops: Vec<bool> = with_budget(2, || (0..4).map(|_| requested()).collect());
        assert_eq!(stops, [false, false, true, true]);
        assert!(!requested());
    }
}
