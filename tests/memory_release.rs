//! Freed memory goes back to the operating system. Alone in its own test binary, with one
//! test: resident size is a property of the whole process, and in the shared unit-test
//! process other tests allocate and free concurrently, so a comparison there measured them too.

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn resident_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Small blocks, as a list of apps is made of: freed, they stay resident until released.
#[test]
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn freed_small_blocks_go_back_to_the_system() {
    let blocks: Vec<Vec<u8>> = (0..64 * 1024).map(|i| vec![i as u8; 1000]).collect();
    let loaded = resident_kb();
    drop(blocks);
    extapps::memory::release_free_memory();
    let released = resident_kb();
    assert!(
        released + 32 * 1024 < loaded,
        "64 MB freed, but resident went only from {loaded} kB to {released} kB"
    );
}
