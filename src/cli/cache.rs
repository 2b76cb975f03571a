//! `extapps cache clear`: forgets the apps' details kept between runs (the sibling of
//! `token clear`, which forgets tokens). Both report through [`report_cleared`].

use std::io::Write;
use std::path::Path;

use super::Failure;
use crate::api::details_cache::DetailsCache;

pub fn clear(cache: Option<&DetailsCache>, out: &mut impl Write) -> Result<(), Failure> {
    report_cleared(
        "details cache",
        cache.map(|c| (c.dir(), c.clear())),
        |n| {
            let noun = if n == 1 {
                "organization"
            } else {
                "organizations"
            };
            format!("Removed the cached app details of {n} {noun}")
        },
        out,
    )
}

/// Says what clearing a cache did: nothing without a cache directory, the error naming the
/// directory, or `removed(n)` followed by where from.
pub(super) fn report_cleared(
    what: &str,
    cleared: Option<(&Path, std::io::Result<usize>)>,
    removed: impl FnOnce(usize) -> String,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let Some((dir, result)) = cleared else {
        writeln!(
            out,
            "No {what} directory (no home directory); nothing to clear."
        )?;
        return Ok(());
    };
    let n = result.map_err(|e| {
        Failure::new(
            format!("cannot clear the {what} in {}: {e}", dir.display()),
            1,
        )
    })?;
    writeln!(out, "{} from {}.", removed(n), dir.display())?;
    Ok(())
}

/// `extapps cache clear`, on the default cache location.
pub fn run() -> Result<(), Failure> {
    let cache = DetailsCache::default_location(|k| std::env::var(k).ok());
    clear(cache.as_ref(), &mut std::io::stdout().lock())
}
