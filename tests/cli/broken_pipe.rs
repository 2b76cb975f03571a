//! A reader that stops early (`extapps apps list --json | head -c 10`) is no error: extapps
//! ends quietly, as Unix tools do, with the status its work calls for.

use std::io::Read;
use std::process::{Output, Stdio};

use crate::common::sim_process::{Sim, run_sim_with};

/// Runs `args` with stdout a pipe closed after its first 10 bytes.
fn head_c_10(sim: &Sim, args: &[&str]) -> Output {
    let mut child = sim
        .command(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0u8; 10];
    let mut stdout = child.stdout.take().unwrap();
    stdout.read_exact(&mut head).unwrap();
    drop(stdout);
    child.wait_with_output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_listing_cut_short_by_its_reader_ends_quietly_with_status_0() {
    // Whole apps in the list: megabytes of output, far more than a pipe holds, so extapps is
    // still writing when the reader goes.
    let sim = run_sim_with(&["--apps", "300", "--list-shape", "full"]);
    for args in [&["apps", "list", "--json"][..], &["apps", "list"]] {
        let o = head_c_10(&sim, args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert!(o.stderr.is_empty(), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn a_monitor_cut_short_keeps_its_verdict_and_says_nothing_of_the_pipe() {
    let sim = run_sim_with(&["--apps", "2000", "--list-shape", "full"]);
    let args = ["secrets", "list", "--format", "csv"];
    let whole = sim.exec(&args);
    // Several times what a pipe holds (64 KiB on Linux).
    assert!(
        whole.stdout.len() > 512 << 10,
        "{} bytes",
        whole.stdout.len()
    );
    let cut = head_c_10(&sim, &args);
    // The generated organization has expired secrets: status 4 and its summary either way.
    assert_eq!(cut.status.code(), whole.status.code(), "{}", stderr(&cut));
    assert_eq!(stderr(&cut), stderr(&whole));
    assert!(
        !stderr(&cut).to_lowercase().contains("pipe"),
        "{}",
        stderr(&cut)
    );
}
