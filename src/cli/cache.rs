//! `extapps cache clear`: forgets the apps' details kept between runs (the sibling of
//! `token clear`, which forgets tokens).

use std::io::Write;

use super::Failure;
use crate::api::details_cache::DetailsCache;

pub fn clear(cache: Option<&DetailsCache>, out: &mut impl Write) -> Result<(), Failure> {
    let Some(cache) = cache else {
        writeln!(
            out,
            "No cache directory (no home directory); nothing to clear."
        )?;
        return Ok(());
    };
    let n = cache.clear().map_err(|e| {
        Failure::new(
            format!(
                "cannot clear the details cache in {}: {e}",
                cache.dir().display()
            ),
            1,
        )
    })?;
    let noun = if n == 1 {
        "organization"
    } else {
        "organizations"
    };
    writeln!(
        out,
        "Removed the cached app details of {n} {noun} from {}.",
        cache.dir().display()
    )?;
    Ok(())
}
