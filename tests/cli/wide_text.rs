//! `apps list` and `secrets list` against the simulator's demo organization, whose names and
//! descriptions hold CJK (two cells a character), an emoji and a combining accent (no cell of
//! its own): every column starts at the same display column on every row.

use crate::common;

use std::process::{Command, Output, Stdio};

use extapps::domain::cells;
use extapps::sim::SimHandle;
use unicode_segmentation::UnicodeSegmentation;

const BIN: &str = env!("CARGO_BIN_EXE_extapps");

/// The simulator in this process, on a runtime of its own that keeps answering while the
/// test waits for the binary.
struct Org {
    // Field order: the simulator stops before its runtime.
    sim: SimHandle,
    _rt: tokio::runtime::Runtime,
}

fn org() -> Org {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let sim = rt.block_on(common::sim());
    Org { sim, _rt: rt }
}

impl Org {
    fn run(&self, args: &[&str]) -> Output {
        let dir = tempfile::tempdir().unwrap();
        Command::new(BIN)
            .args(args)
            .arg("--log-file")
            .arg(dir.path().join("extapps.log"))
            .env_clear()
            .env("HOME", dir.path())
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env(
                "UIPATH_URI",
                self.sim.base_url.as_str().trim_end_matches('/'),
            )
            .env("UIPATH_ORGANIZATION", &self.sim.organization)
            .env("UIPATH_CLIENT_ID", self.sim.admin_client_id())
            .env("UIPATH_CLIENT_SECRET", self.sim.admin_secret())
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }
}

/// Each grapheme of `line` with the display column it starts at.
fn columns(line: &str) -> Vec<(usize, &str)> {
    let mut at = 0;
    line.graphemes(true)
        .map(|g| {
            let start = at;
            at += cells::width(g);
            (start, g)
        })
        .collect()
}

/// The display columns where the header's columns start: after two spaces (a header such as
/// `CLIENT ID` holds one).
fn header_starts(header: &str) -> Vec<usize> {
    let cols = columns(header);
    cols.iter()
        .enumerate()
        .filter(|(i, (_, g))| {
            *g != " " && (*i == 0 || (*i >= 2 && cols[i - 1].1 == " " && cols[i - 2].1 == " "))
        })
        .map(|(_, (c, _))| *c)
        .collect()
}

/// Every row has a grapheme starting exactly at each column start (not inside a wide
/// character), after a space.
fn assert_aligned(what: &str, out: &str, must_show: &[&str]) {
    let lines: Vec<&str> = out.lines().collect();
    let starts = header_starts(lines[0]);
    assert!(starts.len() >= 4, "{what}: header {:?}", lines[0]);
    for name in must_show {
        assert!(out.contains(name), "{what}: {name} missing\n{out}");
    }
    // The table ends where the count line (`21 apps …`, `25 secrets, …`) starts.
    let footer = |l: &str| {
        let rest = l.trim_start_matches(|c: char| c.is_ascii_digit());
        rest.len() < l.len() && (rest.starts_with(" apps") || rest.starts_with(" secrets"))
    };
    let rows: Vec<&str> = lines[1..]
        .iter()
        .copied()
        .take_while(|l| !footer(l))
        .collect();
    assert!(rows.len() >= 20, "{what}: {} rows\n{out}", rows.len());
    for row in &rows {
        let cols = columns(row);
        for (n, &start) in starts.iter().enumerate().skip(1) {
            let last = n == starts.len() - 1;
            let Some(i) = cols.iter().position(|(c, _)| *c == start) else {
                // Only the last column may be empty (the line's end is trimmed).
                let end = cols.last().map_or(0, |(c, g)| c + cells::width(g));
                assert!(
                    last && end < start,
                    "{what}: no column starts at display column {start} in\n{row}\n{out}"
                );
                continue;
            };
            // A cell may be empty (a secret without a description); one that is not starts
            // here, after the spaces that end the cell before it.
            assert_eq!(
                cols[i - 1].1,
                " ",
                "{what}: column {n} runs into {start} in\n{row}\n{out}"
            );
            if cols[i].1 == " " {
                assert!(
                    !last && cols.get(i + 1).is_some_and(|(_, g)| *g == " "),
                    "{what}: column {n} does not start at {start} in\n{row}\n{out}"
                );
            }
        }
    }
}

const WIDE: [&str; 4] = [
    "経費精算ボット",
    "财务报表同步",
    "Überweisungsprüfung Größe",
    "🧪 Re\u{301}gression Nightly",
];

#[test]
fn apps_list_lines_up_wide_names() {
    let org = org();
    let o = org.run(&["apps", "list"]);
    let out = String::from_utf8(o.stdout).unwrap();
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert_aligned("apps list", &out, &WIDE);
}

#[test]
fn secrets_list_lines_up_wide_names_and_descriptions() {
    let org = org();
    let o = org.run(&["secrets", "list"]);
    let out = String::from_utf8(o.stdout).unwrap();
    // Exit 3 or 4: the demo has secrets expiring soon and expired ones.
    assert!(
        matches!(o.status.code(), Some(0 | 3 | 4)),
        "{:?}\n{out}",
        o.status
    );
    let mut shown = WIDE.to_vec();
    shown.extend([
        "本番用シークレット（経理部）",
        "nightly runner 🌙 (Re\u{301}gression)",
    ]);
    assert_aligned("secrets list", &out, &shown);
}
