//! Giving freed memory back to the operating system.
//!
//! A refresh of a large organization allocates the new list on a network worker thread and
//! frees the old one on the UI thread. glibc keeps a heap per thread and returns little of it
//! on its own, so without help the TUI grew by some 30 MB per refresh of 10,000 apps and
//! settled three times larger than after the first load.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Returns free heap pages to the operating system, where the allocator can (glibc on Linux;
/// elsewhere it does nothing). Costs a walk of the allocator's free lists: call it after
/// freeing something large, not on every change.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> std::os::raw::c_int;
        }
        // SAFETY: malloc_trim takes no pointer from us; it only walks glibc's own free lists
        // (under their locks) and releases whole free pages. Any thread may call it.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// How long a release waits after it is asked for: refreshes in quick succession (a user
/// pressing `r` twice) share one, and the walk happens once the screen has settled.
const RELEASE_DELAY: Duration = Duration::from_secs(2);

static RELEASE_PENDING: AtomicBool = AtomicBool::new(false);

/// `release_free_memory`, soon, on a short-lived thread: the caller (the UI thread, after a
/// refresh) does not wait for the walk, and requests made while one is pending join it.
/// Does nothing if the thread cannot start.
pub fn release_free_memory_soon() {
    if RELEASE_PENDING.swap(true, Ordering::AcqRel) {
        return;
    }
    let started = std::thread::Builder::new()
        .name("extapps-trim".into())
        .spawn(|| {
            std::thread::sleep(RELEASE_DELAY);
            // Cleared first: memory freed during the walk asks for the next one.
            RELEASE_PENDING.store(false, Ordering::Release);
            release_free_memory();
        });
    if started.is_err() {
        RELEASE_PENDING.store(false, Ordering::Release);
    }
}

/// Drops `value` on a short-lived thread: the UI thread hands over what a refresh replaced
/// instead of spending milliseconds freeing it. Giving the memory back stays the caller's
/// call (`release_free_memory_soon`, whose delay outlasts the drop). When no thread can
/// start, the value is dropped here, as usual.
pub fn free_in_background<T: Send + 'static>(value: T) {
    // On failure the closure, and the value with it, is dropped by `spawn` itself.
    let _ = std::thread::Builder::new()
        .name("extapps-free".into())
        .spawn(move || drop(value));
}

// The test that freed memory goes back to the system is `tests/memory_release.rs`: it reads
// the process's resident size, which only a process running nothing else can trust.
